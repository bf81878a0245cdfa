/// Traces every call of a function as one tool call.
///
/// ```swift
/// @TraceTool(name: "web_search", captureArguments: true)
/// func search(query: String, limit: Int) async throws -> [Hit] { … }
/// ```
///
/// The body runs inside `NoveumTrace/traceTool(_:callID:attributes:isolation:_:)`: a span named
/// `"execute_tool {name}"` carrying `tool.name`, `gen_ai.tool.name` and the OpenInference `TOOL` kind, plus the
/// `code.*` attributes. The name defaults to the function's base name.
///
/// With `captureArguments: true` the arguments are written as one JSON object to `gen_ai.tool.call.arguments`;
/// with `captureResult: true` the result goes to `gen_ai.tool.call.result`. Both are content attributes, so
/// `RedactionPolicy/content` governs them. `@TraceTool` cannot be attached to an initializer.
///
/// - Parameters:
///   - name: The tool's name; defaults to the function's base name.
///   - captureArguments: Record the arguments. Default `false`.
///   - captureResult: Record the returned value. Default `false`.
///   - excluding: Parameter names never to record.
@attached(body)
@attached(peer)
public macro TraceTool(
    name: String? = nil, captureArguments: Bool = false, captureResult: Bool = false, excluding: [String] = []
) = #externalMacro(module: "NoveumTraceMacrosPlugin", type: "TraceToolMacro")
