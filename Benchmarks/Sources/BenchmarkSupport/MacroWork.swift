import NoveumTrace
import NoveumTraceMacros

/// The functions of the macro benchmark (issue 6), shared by the suite and `noveum-profile`: each function traced
/// with `@Trace` next to its twin written by hand. The hand-written side passes the same `code.*` attributes the
/// macro adds, so the two differ only in who wrote the closure.
public enum MacroWork {
    @Trace
    public static func macroSync(_ value: Int) -> Int {
        value &+ 1
    }

    public static func handSync(_ value: Int) -> Int {
        NoveumTrace.traceOperation(
            "macroSync",
            attributes: [
                "code.function": "macroSync(_:)", "code.namespace": "MacroWork", "code.filepath": #filePath,
                "code.lineno": 9,
            ]
        ) { _ in
            value &+ 1
        }
    }

    @Trace
    public static func macroAsync(_ value: Int) async throws -> Int {
        value &+ 1
    }

    public static func handAsync(_ value: Int) async throws -> Int {
        try await NoveumTrace.traceOperation(
            "macroAsync",
            attributes: [
                "code.function": "macroAsync(_:)", "code.namespace": "MacroWork", "code.filepath": #filePath,
                "code.lineno": 26,
            ]
        ) { _ async throws in
            value &+ 1
        }
    }
}
