import Benchmark

// The suite's entry point. Each group of benchmarks lives in its own file and registers itself here; adding a
// group (the export benchmarks, for one) is one new file and one line below.
//
// Naming: every benchmark is called "<case> [<implementation>]", where the implementation is `noveum`, a
// baseline (`NoOpTracer`, `swift-otel`), or a variant of ours. `Scripts/report.py` groups rows by case, divides by
// the custom metric `spans` (spans made per iteration) and prints one table.
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .mallocCountTotal, BenchMetric.spans, BenchMetric.dropped, BenchMetric.threadCPU],
        timeUnits: .nanoseconds,
        warmupIterations: 3,
        scalingFactor: .one,
        maxDuration: .milliseconds(BenchEnvironment.maxDurationMilliseconds),
        maxIterations: 1_000_000
    )
    registerSpanBenchmarks()
    registerContentionBenchmarks()
    registerBaselines()
    registerExportBenchmarks()
    registerMacroBenchmarks()
}
