import Benchmark
import Dispatch
import NoveumTrace
import Tracing

/// Item 2 of the suite: the same spans made from 2 threads at once and from 1,000 concurrent tasks.
///
/// Reported as wall-clock time divided by all spans made: on 2 free cores with no contention that is half the
/// single-thread figure.
func registerContentionBenchmarks() {
    let client = Subjects.sampled
    let perThread = 5_000
    let threads = 2
    let tasks = 1_000
    let perTask = 10

    bench("10 start+finish, 2 threads", "noveum", spans: perThread * threads, watching: [client]) {
        DispatchQueue.concurrentPerform(iterations: threads) { _ in
            for _ in 0..<perThread { NoveumWork.startFinish(client) }
        }
    }

    benchAsync("11 start+finish, 1000 tasks", "noveum", spans: tasks * perTask, watching: [client]) {
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<tasks {
                group.addTask { for _ in 0..<perTask { NoveumWork.startFinish(client) } }
            }
        }
    }

    benchAsync("12 traceOperation {}, 1000 tasks", "noveum", spans: tasks * perTask, watching: [client]) {
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<tasks {
                group.addTask { for _ in 0..<perTask { await NoveumWork.traceOperation() } }
            }
        }
    }
}

/// The same on a baseline tracer.
func registerContentionBaselines<T: Tracer>(_ implementation: String, _ tracer: T) {
    let perThread = 5_000
    let threads = 2
    let tasks = 1_000
    let perTask = 10

    bench("10 start+finish, 2 threads", implementation, spans: perThread * threads) {
        DispatchQueue.concurrentPerform(iterations: threads) { _ in
            for _ in 0..<perThread { TracerWork.startFinish(tracer) }
        }
    }

    benchAsync("11 start+finish, 1000 tasks", implementation, spans: tasks * perTask) {
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<tasks {
                group.addTask { for _ in 0..<perTask { TracerWork.startFinish(tracer) } }
            }
        }
    }

    benchAsync("12 traceOperation {}, 1000 tasks", implementation, spans: tasks * perTask) {
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<tasks {
                group.addTask { for _ in 0..<perTask { await TracerWork.withSpan(tracer) } }
            }
        }
    }
}
