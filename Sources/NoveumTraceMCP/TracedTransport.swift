import Foundation
import Logging
import MCP
import NoveumTrace
import Tracing

/// An MCP transport that records every request sent and handled through it as a span, and carries the trace
/// across the wire in `params._meta` (`traceparent`, `tracestate`), so a peer in any language continues it.
///
/// Wrap the transport you would pass to the MCP SDK, on either side:
///
/// ```swift
/// // An agent calling tools
/// let client = Client(name: "agent", version: "1.0")
/// try await client.connect(transport: TracedTransport(StdioTransport()))
///
/// // A server exposing them
/// let server = Server(name: "weather", version: "1.0", capabilities: .init(tools: .init()))
/// await server.withTracedMethodHandler(CallTool.self) { params in … }
/// try await server.start(transport: TracedTransport(StdioTransport()))
/// ```
///
/// A request this side sends is a `client` span; a request the peer sends is a `server` span, a child of the
/// peer's span when the request's `_meta` carries a valid `traceparent`, else the root of a new trace. Spans are
/// named `"{mcp.method.name} {target}"` (`tools/call get_weather`, `prompts/get summarize`) or the method alone,
/// and carry the OpenTelemetry MCP conventions' attributes (`mcp.method.name`, `jsonrpc.request.id`,
/// `mcp.protocol.version`, `mcp.session.id`, `mcp.resource.uri`, `network.transport`, `gen_ai.tool.name`,
/// `gen_ai.operation.name = execute_tool`, `rpc.response.status_code`, `error.type`). Tool arguments and results
/// are content (`gen_ai.tool.call.arguments`, `gen_ai.tool.call.result`). Progress and cancellation notifications
/// become events of their request's span.
///
/// A `tools/call` sent inside `NoveumTrace.traceTool(_:)` for the same
/// tool records no second span: the MCP attributes go on the `execute_tool` span, whose context is sent.
///
/// Messages that are not JSON-RPC pass through untouched, and a peer's missing or malformed `_meta` starts a new
/// trace: tracing never changes whether a call succeeds.
public actor TracedTransport: Transport {
    /// The logger given at creation; by default one that discards (the wrapped transport logs its own traffic).
    public nonisolated let logger: Logger
    /// The wrapped transport.
    public nonisolated let base: any Transport
    /// How calls are recorded.
    public nonisolated let options: MCPTraceOptions
    private let networkTransport: String?
    private let protocolName: String?

    /// A request waiting for its response: one this side sent (`client` span) or one the peer sent (`server`).
    private struct Call {
        let id: MCPMessage.RequestID
        let span: NoveumSpan
        /// False when the span is the caller's own `execute_tool` span: it is not ended here.
        let owned: Bool
        let method: String
        let isServer: Bool
        var progressKey: String?
        var timeout: Task<Void, Never>?
    }

    private var outgoing: [MCPMessage.RequestID: Call] = [:]
    private var incoming: [MCPMessage.RequestID: Call] = [:]
    /// Progress tokens of open requests: the request's id, and whether this side sent it.
    private var progressTokens: [String: (key: MCPMessage.RequestID, outgoing: Bool)] = [:]
    private var protocolVersion: String?
    private var sessionID: String?
    /// Where messages read from the wrapped transport go: the stream ``receive()`` returned last.
    private var delivered: AsyncThrowingStream<Data, any Error>.Continuation?
    /// Reads the wrapped transport, once.
    private var reader: Task<Void, Never>?
    /// Set when the wrapped transport's stream ended, with the error it ended with.
    private var ended: Ended?
    private struct Ended {
        let error: (any Error)?
    }

    /// Wraps `base`, recording calls as `options` says.
    public init(_ base: any Transport, options: MCPTraceOptions = MCPTraceOptions(), logger: Logger? = nil) {
        self.base = base
        self.options = options
        self.logger = logger ?? Logger(label: "noveum.trace.mcp", factory: { _ in SwiftLogNoOpLogHandler() })
        let kind = Self.kind(of: base)
        self.networkTransport = options.networkTransport ?? kind.transport
        self.protocolName = kind.protocolName
    }

    /// `network.transport` and `network.protocol.name` for a transport type.
    private static func kind(of base: any Transport) -> (transport: String?, protocolName: String?) {
        #if canImport(Darwin) || canImport(Glibc) || canImport(Musl)
            if base is StdioTransport { return ("pipe", nil) }
        #endif
        if base is HTTPClientTransport || base is StatefulHTTPServerTransport || base is StatelessHTTPServerTransport {
            return ("tcp", "http")
        }
        #if canImport(Network)
            if base is NetworkTransport { return ("tcp", nil) }
        #endif
        return (nil, nil)
    }

    // MARK: Transport

    /// Connects the wrapped transport.
    public func connect() async throws {
        try await base.connect()
    }

    /// Disconnects the wrapped transport; requests still open end with status `error` ("connection closed").
    public func disconnect() async {
        await base.disconnect()
        endAll(message: "connection closed")
    }

    /// Records what `data` sends (a request starts its span and carries its context; a response ends the span of
    /// the request it answers), then sends it.
    public func send(_ data: Data) async throws {
        if let http = base as? HTTPClientTransport { sessionID = await http.sessionID }
        let (toSend, started) = outgoingMessage(data)
        do {
            try await base.send(toSend)
        } catch {
            for id in started { fail(outgoing: id, message: "send failed: \(error)") }
            throw error
        }
    }

    /// The wrapped transport's messages, each recorded before it is handed on.
    ///
    /// The wrapped transport is read once, however often this is called (the MCP client calls it again when a
    /// stream ends): a later call takes over from the earlier reader, and after the wrapped stream ended every call
    /// returns a finished stream, as the SDK's own transports do.
    public func receive() -> AsyncThrowingStream<Data, any Error> {
        let (stream, continuation) = AsyncThrowingStream<Data, any Error>.makeStream()
        if let ended {
            if let error = ended.error { continuation.finish(throwing: error) } else { continuation.finish() }
            return stream
        }
        delivered?.finish()
        delivered = continuation
        if reader == nil {
            let base = self.base
            // Runs on this actor: each message is recorded before it is handed on, in order.
            reader = Task {
                do {
                    for try await data in await base.receive() {
                        self.incomingMessage(data)
                        self.delivered?.yield(data)
                    }
                    self.baseEnded(nil)
                } catch {
                    self.baseEnded(error)
                }
            }
        }
        return stream
    }

    /// The wrapped transport's stream ended: open requests end, and so does the reader's stream. A request this
    /// side sent gets an error response (-32000, "Connection closed") first, so its caller fails at once instead
    /// of waiting for an answer that cannot come.
    private func baseEnded(_ error: (any Error)?) {
        let waiting = outgoing.values.map(\.id)
        endAll(message: error.map { "connection closed: \($0)" } ?? "connection closed")
        for id in waiting { delivered?.yield(Self.errorResponse(id: id, code: -32000, message: "Connection closed")) }
        ended = Ended(error: error)
        if let error { delivered?.finish(throwing: error) } else { delivered?.finish() }
        delivered = nil
    }

    // MARK: Sending

    /// Records the messages of `data`; returns the bytes to send (with `_meta` trace context added to requests)
    /// and the ids of the requests it started.
    private func outgoingMessage(_ data: Data) -> (Data, [MCPMessage.RequestID]) {
        guard let (messages, isBatch) = MCPMessage.parse(data) else { return (data, []) }
        var contexts: [MCPMessage.RequestID: [String: String]] = [:]
        var started: [MCPMessage.RequestID] = []
        var lastParams: [String: Any]?
        for message in messages {
            switch message {
            case .request(let id, let method, let params):
                let call = startClientCall(id: id, method: method, params: params)
                outgoing[id] = call
                started.append(id)
                lastParams = params
                if let token = MCPMessage.progressKey((params?["_meta"] as? [String: Any])?["progressToken"]) {
                    progressTokens[token] = (id, true)
                    outgoing[id]?.progressKey = token
                }
                contexts[id] = Self.traceContext(of: call.span)
                if let timeout = options.requestTimeout {
                    outgoing[id]?.timeout = Task { [weak self] in
                        try? await Task.sleep(for: timeout)
                        guard !Task.isCancelled else { return }
                        await self?.timedOut(id: id, after: timeout)
                    }
                }
            case .notification(let method, let params):
                notificationSent(method: method, params: params)
            case .response(let id, let result, let error):
                guard let call = incoming.removeValue(forKey: id) else { continue }
                finish(call, result: result, error: error)
            }
        }
        guard let context = contexts.values.first else { return (data, started) }
        // One request (the usual message): the context goes into the bytes as they are; else a rewrite.
        if !isBatch, contexts.count == 1, let changed = MCPMessage.injecting(context, into: data, params: lastParams) {
            return (changed, started)
        }
        return (MCPMessage.rewriting(contexts, in: data) ?? data, started)
    }

    private func startClientCall(id: MCPMessage.RequestID, method: String, params: [String: Any]?) -> Call {
        let name = spanName(method: method, params: params)
        let attributes = requestAttributes(id: id, method: method, params: params)
        // A tools/call inside the caller's own traceTool for that tool: the MCP attributes go on that span.
        if method == "tools/call", let tool = params?["name"] as? String, let outer = NoveumTrace.currentSpan,
            outer.isRecording, outer.name == "execute_tool \(tool)"
        {
            outer.setAttributes(attributes)
            return Call(id: id, span: outer, owned: false, method: method, isServer: false)
        }
        let client = options.client ?? NoveumTrace.client
        let span = client.startSpan(name: name, kind: .client, attributes: [:])
        span.setAttributes(attributes)
        return Call(id: id, span: span, owned: true, method: method, isServer: false)
    }

    /// `traceparent` and `tracestate` of `span`, as `_meta` members.
    private static func traceContext(of span: NoveumSpan) -> [String: String] {
        var meta = [TraceParent.traceParentHeader: TraceParent.format(span.spanContext)]
        if let state = span.spanContext.traceState { meta[TraceParent.traceStateHeader] = state }
        return meta
    }

    private func notificationSent(method: String, params: [String: Any]?) {
        switch method {
        case "notifications/cancelled":
            // This side gave up on a request it sent.
            guard let id = MCPMessage.RequestID(params?["requestId"]), let call = outgoing.removeValue(forKey: id)
            else { return }
            cancel(call, reason: params?["reason"] as? String)
        case "notifications/progress":
            // Progress of a request the peer sent, which this side is handling.
            progress(params, outgoing: false)
        default:
            break
        }
    }

    // MARK: Receiving

    /// Records the messages of `data` before the MCP client or server reads them.
    private func incomingMessage(_ data: Data) {
        guard let (messages, _) = MCPMessage.parse(data) else { return }
        for message in messages {
            switch message {
            case .request(let id, let method, let params):
                var call = startServerCall(id: id, method: method, params: params)
                let meta = params?["_meta"] as? [String: Any]
                if let token = MCPMessage.progressKey(meta?["progressToken"]) {
                    progressTokens[token] = (id, false)
                    call.progressKey = token
                }
                incoming[id] = call
                HandlerSpans.shared.register(
                    method: method, match: HandlerSpans.match(method: method, params: params), span: call.span)
            case .notification(let method, let params):
                notificationReceived(method: method, params: params)
            case .response(let id, let result, let error):
                guard let call = outgoing.removeValue(forKey: id) else { continue }
                finish(call, result: result, error: error)
            }
        }
    }

    private func startServerCall(id: MCPMessage.RequestID, method: String, params: [String: Any]?) -> Call {
        let client = options.client ?? NoveumTrace.client
        var context = ServiceContext.topLevel
        if let meta = params?["_meta"] as? [String: Any] {
            client.extract(meta.compactMapValues { $0 as? String }, into: &context, using: MetaExtractor())
        }
        let span = client.startSpan(spanName(method: method, params: params), context: context, ofKind: .server)
        span.setAttributes(requestAttributes(id: id, method: method, params: params))
        return Call(id: id, span: span, owned: true, method: method, isServer: true)
    }

    private func notificationReceived(method: String, params: [String: Any]?) {
        switch method {
        case "notifications/cancelled":
            // The peer gave up on a request it sent: its handler is cancelled and sends no response.
            guard let id = MCPMessage.RequestID(params?["requestId"]), let call = incoming.removeValue(forKey: id)
            else { return }
            cancel(call, reason: params?["reason"] as? String)
        case "notifications/progress":
            progress(params, outgoing: true)
        default:
            break
        }
    }

    // MARK: Recording

    private func spanName(method: String, params: [String: Any]?) -> String {
        switch method {
        case "tools/call", "prompts/get":
            if let name = params?["name"] as? String { return "\(method) \(name)" }
        case "resources/read", "resources/subscribe", "resources/unsubscribe":
            if options.resourceURIInSpanName, let uri = params?["uri"] as? String { return "\(method) \(uri)" }
        default:
            break
        }
        return method
    }

    private func requestAttributes(id: MCPMessage.RequestID, method: String, params: [String: Any]?) -> AttributeList {
        var attributes = AttributeList()
        attributes["mcp.method.name"] = .string(method)
        attributes["jsonrpc.request.id"] = .string(id.text)
        if method == "initialize", let version = params?["protocolVersion"] as? String {
            attributes["mcp.protocol.version"] = .string(version)
        } else if let protocolVersion {
            attributes["mcp.protocol.version"] = .string(protocolVersion)
        }
        if let sessionID { attributes["mcp.session.id"] = .string(sessionID) }
        if let networkTransport { attributes["network.transport"] = .string(networkTransport) }
        if let protocolName { attributes["network.protocol.name"] = .string(protocolName) }
        switch method {
        case "tools/call":
            if let tool = params?["name"] as? String {
                attributes["gen_ai.tool.name"] = .string(tool)
                attributes["tool.name"] = .string(tool)
            }
            attributes["gen_ai.operation.name"] = "execute_tool"
            attributes["openinference.span.kind"] = "TOOL"
            if options.captureContent, let arguments = params?["arguments"], let text = MCPMessage.json(arguments) {
                attributes["gen_ai.tool.call.arguments"] = .string(capped(text))
            }
        case "prompts/get":
            if let prompt = params?["name"] as? String { attributes["gen_ai.prompt.name"] = .string(prompt) }
            if options.captureContent, let arguments = params?["arguments"] as? [String: Any] {
                for (name, value) in arguments.sorted(by: { $0.key < $1.key }) {
                    let text = value as? String ?? MCPMessage.json(value) ?? ""
                    attributes["gen_ai.prompt.variable.\(name)"] = .string(capped(text))
                }
            }
        case "resources/read", "resources/subscribe", "resources/unsubscribe":
            if let uri = params?["uri"] as? String { attributes["mcp.resource.uri"] = .string(uri) }
        default:
            break
        }
        return attributes
    }

    /// JSON-RPC codes that say the caller sent something the server could not serve: not the server's failure,
    /// so a server span that answers with one keeps its status (the MCP conventions).
    private static let callerErrorCodes: Set<Int> = [-32700, -32600, -32601, -32602, -32002]

    /// Forgets `call`'s timeout, progress token and handler registration.
    private func release(_ call: Call) {
        call.timeout?.cancel()
        if let token = call.progressKey { progressTokens[token] = nil }
        if call.isServer { HandlerSpans.shared.remove(call.span) }
    }

    private func finish(_ call: Call, result: [String: Any]?, error: MCPMessage.JSONRPCError?) {
        release(call)
        let span = call.span
        var attributes = AttributeList()
        var failure: (type: String, message: String?)?
        if let error {
            attributes["rpc.response.status_code"] = .string(String(error.code))
            if !call.isServer || !Self.callerErrorCodes.contains(error.code) {
                failure = (String(error.code), error.message)
            }
        } else if let result {
            if call.method == "initialize", let version = result["protocolVersion"] as? String {
                protocolVersion = version
                attributes["mcp.protocol.version"] = .string(version)
            }
            if call.method == "tools/call" {
                if options.captureContent, let content = result["structuredContent"] ?? result["content"],
                    let text = MCPMessage.json(content)
                {
                    attributes["gen_ai.tool.call.result"] = .string(capped(text))
                }
                if (result["isError"] as? Bool) == true { failure = ("tool_error", nil) }
            }
        }
        if let failure { attributes["error.type"] = .string(failure.type) }
        span.setAttributes(attributes)
        if let failure {
            span.setStatus(.error, failure.message)
        } else if call.owned, error == nil {
            span.setStatus(.ok)
        }
        if call.owned { span.end() }
    }

    private func cancel(_ call: Call, reason: String?) {
        release(call)
        var attributes: [String: any AttributeValueConvertible] = [:]
        if let reason { attributes["reason"] = reason }
        call.span.addEvent("notifications/cancelled", attributes: attributes)
        call.span.setStatus(.cancelled, reason ?? "cancelled")
        if call.owned { call.span.end() }
    }

    private func progress(_ params: [String: Any]?, outgoing: Bool) {
        guard let token = MCPMessage.progressKey(params?["progressToken"]), let entry = progressTokens[token],
            entry.outgoing == outgoing, let call = outgoing ? self.outgoing[entry.key] : incoming[entry.key]
        else { return }
        var attributes: [String: any AttributeValueConvertible] = [:]
        if let progress = (params?["progress"] as? NSNumber)?.doubleValue { attributes["progress"] = progress }
        if let total = (params?["total"] as? NSNumber)?.doubleValue { attributes["total"] = total }
        if let message = params?["message"] as? String { attributes["message"] = message }
        call.span.addEvent("notifications/progress", attributes: attributes)
    }

    /// A request this side sent got no answer in time: its span ends `timeout`, the caller gets a JSON-RPC error
    /// and the peer is told to stop.
    private func timedOut(id: MCPMessage.RequestID, after timeout: Duration) async {
        guard let call = outgoing.removeValue(forKey: id) else { return }
        release(call)
        let message = "Request timed out after \(timeout)"
        call.span.setAttribute("error.type", "timeout")
        call.span.setStatus(.timeout, message)
        if call.owned { call.span.end() }
        delivered?.yield(Self.errorResponse(id: id, code: -32001, message: message))
        let reason = MCPMessage.json(message) ?? "\"\""
        let cancelled = #"{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"reason":"#
            + reason + #","requestId":"# + id.json + "}}"
        try? await base.send(Data(cancelled.utf8))
    }

    /// A JSON-RPC error response to request `id`, encoded.
    private static func errorResponse(id: MCPMessage.RequestID, code: Int, message: String) -> Data {
        let text = MCPMessage.json(message) ?? "\"\""
        let json = #"{"error":{"code":\#(code),"message":\#(text)},"id":\#(id.json),"jsonrpc":"2.0"}"#
        return Data(json.utf8)
    }

    private func fail(outgoing id: MCPMessage.RequestID, message: String) {
        guard let call = outgoing.removeValue(forKey: id) else { return }
        release(call)
        call.span.setAttribute("error.type", "transport_error")
        call.span.setStatus(.error, message)
        if call.owned { call.span.end() }
    }

    /// Ends every open request's span: the connection is gone.
    private func endAll(message: String) {
        for call in Array(outgoing.values) + Array(incoming.values) {
            release(call)
            call.span.setAttribute("error.type", "connection_closed")
            call.span.setStatus(.error, message)
            if call.owned { call.span.end() }
        }
        outgoing.removeAll()
        incoming.removeAll()
        progressTokens.removeAll()
    }

    /// `text` cut to ``MCPTraceOptions/maxContentBytes`` (at a character boundary), with how much was cut.
    private func capped(_ text: String) -> String {
        let limit = max(0, options.maxContentBytes)
        let utf8 = Array(text.utf8)
        guard utf8.count > limit else { return text }
        var cut = limit
        // Back up over UTF-8 continuation bytes (10xxxxxx) so no character is split.
        while cut > 0, utf8[cut] & 0xC0 == 0x80 { cut -= 1 }
        return String(decoding: utf8[..<cut], as: UTF8.self) + "…[truncated \(utf8.count - cut) bytes]"
    }
}

/// Reads `traceparent` and `tracestate` from a request's `_meta`.
struct MetaExtractor: Extractor {
    func extract(key: String, from carrier: [String: String]) -> String? {
        carrier[key]
    }
}
