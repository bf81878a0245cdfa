import Benchmark
import NoveumTraceMacros

/// Issue 6: a function traced with a macro costs what the same inline closure written by hand costs. Each pair runs
/// the same body; the hand-written side passes the same `code.*` attributes the macro adds, so the two rows of a
/// case differ only in who wrote the closure and should agree within noise.
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

/// The measured functions: each macro-traced function next to its hand-written twin.
enum MacroWork {
    @Trace
    static func macroSync(_ value: Int) -> Int {
        value &+ 1
    }

    static func handSync(_ value: Int) -> Int {
        NoveumTrace.traceOperation(
            "macroSync",
            attributes: [
                "code.function": "macroSync(_:)", "code.namespace": "MacroWork", "code.filepath": #filePath,
                "code.lineno": 29,
            ]
        ) { _ in
            value &+ 1
        }
    }

    @Trace
    static func macroAsync(_ value: Int) async throws -> Int {
        value &+ 1
    }

    static func handAsync(_ value: Int) async throws -> Int {
        try await NoveumTrace.traceOperation(
            "macroAsync",
            attributes: [
                "code.function": "macroAsync(_:)", "code.namespace": "MacroWork", "code.filepath": #filePath,
                "code.lineno": 46,
            ]
        ) { _ async throws in
            value &+ 1
        }
    }
}
