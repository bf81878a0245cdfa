import Benchmark
import NoveumTrace
import Tracing

/// Item 1 of the suite: the cost of one span on the caller's thread, with our pipeline running, against the
/// baselines in the same run.
func registerSpanBenchmarks() {
    let n = spansPerIteration
    let client = Subjects.sampled
    let sampledOut = Subjects.sampledOut
    let trees = n / 3
    let traces = n / 10

    // A sampled span started and finished by hand.
    bench("01 start+finish", "noveum", spans: n, watching: [client]) {
        for _ in 0..<n { NoveumWork.startFinish(client) }
    }
    // Ours through swift-distributed-tracing's API, as Hummingbird or AsyncHTTPClient would start it.
    bench("01 start+finish", "noveum via Tracer API", spans: n, watching: [client]) {
        for _ in 0..<n { TracerWork.startFinish(client) }
    }

    // The same through the inline closure (async, as in server code), against `withSpan`.
    benchAsync("02 traceOperation {}", "noveum", spans: n, watching: [client]) {
        for _ in 0..<n { await NoveumWork.traceOperation() }
    }

    // The synchronous closure.
    bench("03 traceOperation {} sync", "noveum", spans: n, watching: [client]) {
        for _ in 0..<n { NoveumWork.traceOperationSync() }
    }

    // Four attributes: string, int, double, bool.
    bench("04 4 attributes", "noveum", spans: n, watching: [client]) {
        for _ in 0..<n { NoveumWork.fourAttributes(client) }
    }
    // The same four in one dictionary literal (the baselines: one `updateAttributes`).
    bench("05 4 attributes, one dictionary", "noveum", spans: n, watching: [client]) {
        for _ in 0..<n { NoveumWork.fourAttributesDictionary(client) }
    }

    // One LLM call with its 13 usual attributes.
    benchAsync("06 traceLLM {} with 13 attributes", "noveum", spans: n, watching: [client]) {
        for _ in 0..<n { await NoveumWork.llmCall() }
    }

    // A three-level tree of closures (3 spans per tree).
    benchAsync("07 nested tree, 3 levels", "noveum", spans: trees * 3, watching: [client]) {
        for _ in 0..<trees { await NoveumWork.nestedTree() }
    }

    // A span of a trace that was sampled out, by hand. swift-otel runs its always-off sampler.
    bench("08 sampled out", "noveum", spans: n, watching: [sampledOut]) {
        for _ in 0..<n { NoveumWork.startFinish(sampledOut) }
    }

    // Traces of 10 spans by hand: the workload the Python SDK runs in `python/bench_noveum_trace.py`.
    bench("09 trace of 10 spans", "noveum", spans: traces * 10, watching: [client]) {
        for _ in 0..<traces { NoveumWork.traceOfTen(client) }
    }

    // The product document's idioms on a trace that was sampled out: the closure (against the baselines'
    // `withSpan`), and a span given four attributes in one dictionary literal.
    bench("13 traceOperation {} sync, sampled out", "noveum", spans: n, watching: [sampledOut]) {
        for _ in 0..<n { NoveumWork.traceOperationSync(sampledOut) }
    }
    bench("14 4 attributes, one dictionary, sampled out", "noveum", spans: n, watching: [sampledOut]) {
        for _ in 0..<n { NoveumWork.fourAttributesDictionary(sampledOut) }
    }
}

/// The same workloads on a baseline tracer, through swift-distributed-tracing's API. `sampledOut` is the tracer
/// for case 08 (for swift-otel, its always-off sampler; for `NoOpTracer`, itself).
func registerSpanBaselines<T: Tracer>(_ implementation: String, _ tracer: T, sampledOut: T) {
    let n = spansPerIteration
    let trees = n / 3
    let traces = n / 10

    bench("01 start+finish", implementation, spans: n) {
        for _ in 0..<n { TracerWork.startFinish(tracer) }
    }

    benchAsync("02 traceOperation {}", implementation, spans: n) {
        for _ in 0..<n { await TracerWork.withSpan(tracer) }
    }

    bench("03 traceOperation {} sync", implementation, spans: n) {
        for _ in 0..<n { TracerWork.withSpanSync(tracer) }
    }

    bench("04 4 attributes", implementation, spans: n) {
        for _ in 0..<n { TracerWork.fourAttributes(tracer) }
    }

    bench("05 4 attributes, one dictionary", implementation, spans: n) {
        for _ in 0..<n { TracerWork.fourAttributesBatch(tracer) }
    }

    benchAsync("06 traceLLM {} with 13 attributes", implementation, spans: n) {
        for _ in 0..<n { await TracerWork.llmCall(tracer) }
    }

    benchAsync("07 nested tree, 3 levels", implementation, spans: trees * 3) {
        for _ in 0..<trees { await TracerWork.nestedTree(tracer) }
    }

    bench("08 sampled out", implementation, spans: n) {
        for _ in 0..<n { TracerWork.startFinish(sampledOut) }
    }

    bench("09 trace of 10 spans", implementation, spans: traces * 10) {
        for _ in 0..<traces { TracerWork.traceOfTen(tracer) }
    }

    bench("13 traceOperation {} sync, sampled out", implementation, spans: n) {
        for _ in 0..<n { TracerWork.withSpanSync(sampledOut) }
    }

    bench("14 4 attributes, one dictionary, sampled out", implementation, spans: n) {
        for _ in 0..<n { TracerWork.fourAttributesBatch(sampledOut) }
    }
}
