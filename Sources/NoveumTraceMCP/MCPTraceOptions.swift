import NoveumTrace

/// How a ``TracedTransport`` records MCP calls.
///
/// ```swift
/// var options = MCPTraceOptions()
/// options.requestTimeout = .seconds(30)
/// let transport = TracedTransport(StdioTransport(), options: options)
/// ```
public struct MCPTraceOptions: Sendable {
    /// The client that records the spans; nil (the default) uses the span active when a call is sent, else the
    /// global client (`NoveumTrace.client`).
    public var client: NoveumClient?
    /// `network.transport` on every span: `pipe` for stdio, `tcp` for HTTP. Nil (the default) names it from the
    /// wrapped transport's type (`StdioTransport` is `pipe`; the HTTP and network transports are `tcp`; the
    /// in-memory transport has none).
    public var networkTransport: String?
    /// Whether tool arguments and results, and prompt arguments, are recorded (`gen_ai.tool.call.arguments`,
    /// `gen_ai.tool.call.result`, `gen_ai.prompt.variable.*`). Default `true`: they are content, so the client's
    /// `RedactionPolicy` still decides whether and how much of them is exported, as for LLM prompts.
    public var captureContent: Bool
    /// The most bytes of one tool's arguments or result kept on a span (default 65,536); past it the text is cut
    /// and ends with `…[truncated N bytes]`. The redaction policy's own limits apply on top, at export.
    public var maxContentBytes: Int
    /// How long a request this side sends may wait for its answer. Past it the span ends with status `timeout`,
    /// the caller receives a JSON-RPC error (code -32001, "Request timed out"), and the peer is sent
    /// `notifications/cancelled`. Nil (the default) waits as long as the MCP client does.
    public var requestTimeout: Duration?
    /// Whether a resource request's span name ends with its URI (`resources/read file:///notes.txt`). Default
    /// `false`, as the MCP conventions advise (URIs make span names unbounded); the URI is always recorded as
    /// `mcp.resource.uri`.
    public var resourceURIInSpanName: Bool

    /// Options with the defaults above.
    public init(
        client: NoveumClient? = nil, networkTransport: String? = nil, captureContent: Bool = true,
        maxContentBytes: Int = 65_536, requestTimeout: Duration? = nil, resourceURIInSpanName: Bool = false
    ) {
        self.client = client
        self.networkTransport = networkTransport
        self.captureContent = captureContent
        self.maxContentBytes = maxContentBytes
        self.requestTimeout = requestTimeout
        self.resourceURIInSpanName = resourceURIInSpanName
    }
}
