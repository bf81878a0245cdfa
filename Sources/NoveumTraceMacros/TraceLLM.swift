/// Traces every call of a function as one call to a language model.
///
/// ```swift
/// @TraceLLM(model: "gpt-4", provider: "openai", operation: "chat")
/// func complete(_ messages: [Message]) async throws -> String { … }
/// ```
///
/// The body runs inside `NoveumTrace/traceLLM(model:provider:operation:attributes:isolation:_:)`: a `client` span
/// named `"{operation} {model}"` with the model, provider and operation in the Noveum, OpenTelemetry GenAI and
/// OpenInference vocabularies, plus `code.function`, `code.namespace`, `code.filepath` and `code.lineno`. Set
/// token usage and the response from inside the body through `NoveumTrace/currentSpan`
/// (`NoveumSpan/setUsage(input:output:cacheRead:cacheCreation:reasoning:total:)`,
/// `NoveumSpan/setResponse(_:includeOutput:)`).
///
/// Arguments and the result of an LLM call are prompt and completion content, so they are never recorded by
/// default. With `captureArguments: true` the arguments are written as one JSON object to `input.value`; with
/// `captureResult: true` the result goes to `output.value`. Both are content attributes
/// (`RedactionPolicy/defaultContentKeys`): `RedactionPolicy/content` decides how much of them is exported
/// (nothing with `RedactionPolicy/ContentCapture/off`), after the redaction patterns and size limits.
///
/// The model, provider and operation may be any `String` expression; it is evaluated on each call.
/// `@TraceLLM` cannot be attached to an initializer (use ``Trace(_:captureArguments:captureResult:excluding:)``).
///
/// - Parameters:
///   - model: The model requested, e.g. `"gpt-4"`.
///   - provider: The provider, e.g. `"openai"`.
///   - operation: `"chat"` (the default), `"text_completion"`, `"embeddings"`, ….
///   - captureArguments: Record the arguments as `input.value`. Default `false`.
///   - captureResult: Record the returned value as `output.value`. Default `false`.
///   - excluding: Parameter names never to record.
@attached(body)
@attached(peer)
public macro TraceLLM(
    model: String, provider: String? = nil, operation: String? = nil, captureArguments: Bool = false,
    captureResult: Bool = false, excluding: [String] = []
) = #externalMacro(module: "NoveumTraceMacrosPlugin", type: "TraceLLMMacro")
