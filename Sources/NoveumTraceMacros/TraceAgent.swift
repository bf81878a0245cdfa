/// Traces every call of a function as one run of an agent.
///
/// ```swift
/// @TraceAgent(name: "planner", role: "coordinator")
/// func plan(_ goal: String) async throws -> Plan { … }
/// ```
///
/// The body runs inside `NoveumTrace/traceAgent(_:role:attributes:isolation:_:)`: a span named
/// `"invoke_agent {name}"` carrying `agent.name`, `gen_ai.agent.name` and the OpenInference `AGENT` kind, plus the
/// `code.*` attributes. The name defaults to the function's base name.
///
/// Capture works as for ``Trace(_:captureArguments:captureResult:excluding:)``: `function.args.<name>` and
/// `function.result`, off by default. `@TraceAgent` cannot be attached to an initializer.
///
/// - Parameters:
///   - name: The agent's name; defaults to the function's base name.
///   - role: The agent's role, recorded as `agent.role`.
///   - captureArguments: Record the arguments. Default `false`.
///   - captureResult: Record the returned value. Default `false`.
///   - excluding: Parameter names never to record.
@attached(body)
@attached(peer)
public macro TraceAgent(
    name: String? = nil, role: String? = nil, captureArguments: Bool = false, captureResult: Bool = false,
    excluding: [String] = []
) = #externalMacro(module: "NoveumTraceMacrosPlugin", type: "TraceAgentMacro")
