/// Traces every call of a function as one retrieval: a vector search, a document lookup.
///
/// ```swift
/// @TraceRetrieval(index: "docs-v2", captureArguments: true)
/// func search(_ query: String, topK: Int) async throws -> [Chunk] { … }
/// ```
///
/// The body runs inside `NoveumTrace/traceRetrieval(index:query:topK:attributes:isolation:_:)`: a span named
/// `"retrieval {index}"` (or `"retrieval"`) carrying `retrieval.index` and the OpenInference `RETRIEVER` kind, plus
/// the `code.*` attributes. Record the query or result counts from inside the body through
/// `NoveumTrace/currentSpan`.
///
/// Capture works as for ``Trace(_:captureArguments:captureResult:excluding:)``: `function.args.<name>` and
/// `function.result`, off by default. `@TraceRetrieval` cannot be attached to an initializer.
///
/// - Parameters:
///   - index: The index or collection searched.
///   - captureArguments: Record the arguments. Default `false`.
///   - captureResult: Record the returned value. Default `false`.
///   - excluding: Parameter names never to record.
@attached(body)
@attached(peer)
public macro TraceRetrieval(
    index: String? = nil, captureArguments: Bool = false, captureResult: Bool = false, excluding: [String] = []
) = #externalMacro(module: "NoveumTraceMacrosPlugin", type: "TraceRetrievalMacro")
