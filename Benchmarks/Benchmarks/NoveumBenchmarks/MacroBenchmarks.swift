import Benchmark
import BenchmarkSupport

/// Issue 6: a function traced with a macro costs what the same inline closure written by hand costs. Each pair runs
/// the same body (``MacroWork``), so the two rows of a case differ only in who wrote the closure and should agree
/// within noise.
func registerMacroBenchmarks() {
    let n = spansPerIteration
    let client = Subjects.sampled

    bench("30 traced function sync", "noveum @Trace", spans: n, watching: [client]) {
        for index in 0..<n { blackHole(MacroWork.macroSync(index)) }
    }
    bench("30 traced function sync", "noveum by hand", spans: n, watching: [client]) {
        for index in 0..<n { blackHole(MacroWork.handSync(index)) }
    }

    benchAsync("31 traced function async throws", "noveum @Trace", spans: n, watching: [client]) {
        for index in 0..<n { blackHole(try? await MacroWork.macroAsync(index)) }
    }
    benchAsync("31 traced function async throws", "noveum by hand", spans: n, watching: [client]) {
        for index in 0..<n { blackHole(try? await MacroWork.handAsync(index)) }
    }
}
