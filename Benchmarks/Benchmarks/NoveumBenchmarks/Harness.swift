import Benchmark
import BenchmarkSupport
import Foundation
import NoveumTrace
import Synchronization

/// The custom metrics every benchmark reports besides wall clock and mallocs.
enum BenchMetric {
    /// Spans made per iteration: the report divides time and allocations by it.
    static let spans = BenchmarkMetric.custom("spans", polarity: .prefersSmaller, useScalingFactor: false)
    /// Spans our pipeline dropped (queue full) since the benchmark started: must stay 0.
    static let dropped = BenchmarkMetric.custom("dropped", polarity: .prefersSmaller, useScalingFactor: false)
    /// The synchronous benchmarks' CPU time on the caller's thread, in ns per iteration: the wall clock without the
    /// time the scheduler gave another thread or process (the export task's, on a machine with few cores).
    static let threadCPU = BenchmarkMetric.custom("threadCPU", polarity: .prefersSmaller, useScalingFactor: false)
}

enum BenchEnvironment {
    /// How long each benchmark runs; `NOVEUM_BENCH_MS` overrides (the CI smoke run uses a few milliseconds).
    static let maxDurationMilliseconds: Int = {
        if let text = ProcessInfo.processInfo.environment["NOVEUM_BENCH_MS"], let value = Int(text), value > 0 {
            return value
        }
        return 1500
    }()
}

/// Spans made per iteration by the single-thread benchmarks: enough that the harness's own per-iteration cost
/// (reading the clock and the malloc counters) disappears in the average, few enough for many samples.
let spansPerIteration = 1_000

/// Registers one benchmark named "<case> [<implementation>]".
///
/// `body` makes `spans` spans per call and is measured as a whole, in wall-clock time and in the CPU time of the
/// thread that runs it. After each iteration (outside the measurement) the benchmark records that CPU time,
/// `spans` and, for our clients, the queue-full drops so far.
func bench(
    _ caseName: String, _ implementation: String, spans: Int, watching clients: [NoveumClient] = [],
    _ body: @escaping () -> Void
) {
    let drops = DropWatch(clients)
    Benchmark("\(caseName) [\(implementation)]") { benchmark in
        let cpuStart = nanoseconds(on: CLOCK_THREAD_CPUTIME_ID)
        body()
        let cpu = nanoseconds(on: CLOCK_THREAD_CPUTIME_ID) - cpuStart
        benchmark.stopMeasurement()
        benchmark.measurement(BenchMetric.threadCPU, cpu)
        benchmark.measurement(BenchMetric.spans, spans)
        benchmark.measurement(BenchMetric.dropped, drops.sinceFirstCall())
    }
}

/// The async form of ``bench(_:_:spans:watching:_:)``.
func benchAsync(
    _ caseName: String, _ implementation: String, spans: Int, watching clients: [NoveumClient] = [],
    _ body: @escaping @Sendable () async -> Void
) {
    let drops = DropWatch(clients)
    Benchmark("\(caseName) [\(implementation)]") { benchmark in
        await body()
        benchmark.stopMeasurement()
        benchmark.measurement(BenchMetric.spans, spans)
        benchmark.measurement(BenchMetric.dropped, drops.sinceFirstCall())
    }
}

/// Counts the queue-full drops of some clients since this benchmark's first iteration (the clients are shared by
/// several benchmarks, which run one after another).
final class DropWatch: Sendable {
    private let clients: [NoveumClient]
    private let baseline = Mutex<Int?>(nil)

    init(_ clients: [NoveumClient]) {
        self.clients = clients
    }

    func sinceFirstCall() -> Int {
        guard !clients.isEmpty else { return 0 }
        let now = clients.reduce(0) { $0 + Fixtures.queueFullDrops($1) }
        return baseline.withLock { baseline in
            if baseline == nil { baseline = now }
            return now - (baseline ?? now)
        }
    }
}
