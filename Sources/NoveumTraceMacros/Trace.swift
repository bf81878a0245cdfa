/// Traces every call of a function, method or initializer as one span.
///
/// ```swift
/// @Trace
/// func rank(_ documents: [Document], for query: String) async throws -> [Document] { … }
///
/// @Trace("load_profile", captureArguments: true, captureResult: true, excluding: ["token"])
/// func profile(userID: Int, token: String) throws -> Profile { … }
/// ```
///
/// The body runs inside `NoveumTrace/traceOperation(_:kind:attributes:isolation:_:)`, exactly as if you had
/// written that closure by hand: the span is active while the body runs (work it traces nests under it), ends when
/// the body returns, and records a thrown error (`exception.*`, status `error`; cancellation as `cancelled`),
/// rethrowing it with its type intact, typed `throws(E)` included. It works on synchronous, `async`, `throws`,
/// `rethrows`, generic, `mutating`, `static`, local and actor-isolated functions, with `inout` parameters and
/// `some P` results.
///
/// The span is named after the function (its base name: `rank`) unless `name` is given, and carries
/// `code.function` (`rank(_:for:)`), `code.namespace` (the enclosing type, if any), `code.filepath` and
/// `code.lineno`.
///
/// Nothing about the arguments or the result is recorded unless asked:
/// - `captureArguments: true` records each parameter as `function.args.<name>` (numbers, strings, Booleans and
///   arrays of them as themselves, anything else as its `String(describing:)`), except those named in
///   `excluding`, closures, and `borrowing` and `consuming` parameters (capturing would copy them).
/// - `captureResult: true` records the returned value as `function.result`.
///
/// Captured values are ordinary attributes: the redaction stage (patterns, hook) and the size limits apply to
/// them before any exporter sees them.
///
/// On an initializer the span starts before the body and ends with `defer` (a body that has not initialized
/// `self` cannot run in a closure). It records a thrown error the same way, but it is not active while the body
/// runs: spans started in the initializer's body are its siblings, not its children.
///
/// - Parameters:
///   - name: The span name; defaults to the function's base name.
///   - captureArguments: Record the arguments. Default `false`.
///   - captureResult: Record the returned value. Default `false`.
///   - excluding: Parameter names (as the body sees them) never to record.
@attached(body)
@attached(peer)
public macro Trace(
    _ name: String? = nil, captureArguments: Bool = false, captureResult: Bool = false, excluding: [String] = []
) = #externalMacro(module: "NoveumTraceMacrosPlugin", type: "TraceMacro")
