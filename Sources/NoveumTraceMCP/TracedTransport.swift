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
/// A `tools/call` sent inside ``NoveumTrace/NoveumTrace/traceTool(_:callID:attributes:isolation:_:)`` for the same
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
        let id: Value
        let span: NoveumSpan
        /// False when the span is the caller's own `execute_tool` span: it is not ended here.
        let owned: Bool
        let method: String
        let isServer: Bool
        var progressKey: String?
        var timeout: Task<Void, Never>?
    }

    private var outgoing: [String: Call] = [:]
    private var incoming: [String: Call] = [:]
    /// Progress tokens of open requests: the request's key, and whether this side sent it.
    private var progressTokens: [String: (key: String, outgoing: Bool)] = [:]
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
            for key in started { fail(outgoing: key, message: "send failed: \(error)") }
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
        for id in waiting {
            if let data = Self.errorResponse(id: id, code: -32000, message: "Connection closed") {
                delivered?.yield(data)
            }
        }
        ended = Ended(error: error)
        if let error { delivered?.finish(throwing: error) } else { delivered?.finish() }
        delivered = nil
    }

    // MARK: Sending

    /// Records the messages of `data`; returns the bytes to send (with `_meta` trace context added to requests)
    /// and the keys of the requests it started.
    private func outgoingMessage(_ data: Data) -> (Data, [String]) {
        guard let (messages, root) = MCPMessage.parse(data) else { return (data, []) }
        var contexts: [String: [String: Value]] = [:]
        var started: [String] = []
        for message in messages {
            switch message {
            case .request(let id, let method, let params):
                let key = MCPMessage.key(id)
                let call = startClientCall(id: id, method: method, params: params)
                outgoing[key] = call
                started.append(key)
                if let token = MCPMessage.progressKey(params?["_meta"]?.objectValue?["progressToken"]) {
                    progressTokens[token] = (key, true)
                    outgoing[key]?.progressKey = token
                }
                contexts[key] = Self.traceContext(of: call.span)
                if let timeout = options.requestTimeout {
                    outgoing[key]?.timeout = Task { [weak self] in
                        try? await Task.sleep(for: timeout)
                        guard !Task.isCancelled else { return }
                        await self?.timedOut(key: key, id: id, after: timeout)
                    }
                }
            case .notification(let method, let params):
                notificationSent(method: method, params: params)
            case .response(let id, let result, let error):
                let key = MCPMessage.key(id)
                guard let call = incoming.removeValue(forKey: key) else { continue }
                finish(call, key: key, result: result, error: error)
            }
        }
        guard !contexts.isEmpty, let changed = Self.inject(contexts, into: root) else { return (data, started) }
        return (changed, started)
    }

    private func startClientCall(id: Value, method: String, params: [String: Value]?) -> Call {
        let name = spanName(method: method, params: params)
        let attributes = requestAttributes(id: id, method: method, params: params)
        // A tools/call inside the caller's own traceTool for that tool: the MCP attributes go on that span.
        if method == "tools/call", let tool = params?["name"]?.stringValue, let outer = NoveumTrace.currentSpan,
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
    private static func traceContext(of span: NoveumSpan) -> [String: Value] {
        var meta: [String: Value] = [TraceParent.traceParentHeader: .string(TraceParent.format(span.spanContext))]
        if let state = span.spanContext.traceState { meta[TraceParent.traceStateHeader] = .string(state) }
        return meta
    }

    /// `root` with each request's trace context merged into its `params._meta`, encoded; nil when unchanged.
    private static func inject(_ contexts: [String: [String: Value]], into root: Value) -> Data? {
        func injected(_ value: Value) -> Value {
            guard var object = value.objectValue, let id = object["id"], object["method"] != nil,
                let context = contexts[MCPMessage.key(id)]
            else { return value }
            var params = object["params"]?.objectValue ?? [:]
            var meta = params["_meta"]?.objectValue ?? [:]
            meta.merge(context) { _, ours in ours }
            params["_meta"] = .object(meta)
            object["params"] = .object(params)
            return .object(object)
        }
        let changed: Value
        switch root {
        case .array(let items): changed = .array(items.map(injected))
        default: changed = injected(root)
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try? encoder.encode(changed)
    }

    private func notificationSent(method: String, params: [String: Value]?) {
        switch method {
        case "notifications/cancelled":
            // This side gave up on a request it sent.
            guard let id = params?["requestId"] else { return }
            let key = MCPMessage.key(id)
            guard let call = outgoing.removeValue(forKey: key) else { return }
            cancel(call, key: key, reason: params?["reason"]?.stringValue)
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
                let key = MCPMessage.key(id)
                var call = startServerCall(id: id, method: method, params: params)
                if let token = MCPMessage.progressKey(params?["_meta"]?.objectValue?["progressToken"]) {
                    progressTokens[token] = (key, false)
                    call.progressKey = token
                }
                incoming[key] = call
                HandlerSpans.shared.register(key: key, method: method, params: params, span: call.span)
            case .notification(let method, let params):
                notificationReceived(method: method, params: params)
            case .response(let id, let result, let error):
                let key = MCPMessage.key(id)
                guard let call = outgoing.removeValue(forKey: key) else { continue }
                finish(call, key: key, result: result, error: error)
            }
        }
    }

    private func startServerCall(id: Value, method: String, params: [String: Value]?) -> Call {
        let client = options.client ?? NoveumTrace.client
        var context = ServiceContext.topLevel
        if let meta = params?["_meta"]?.objectValue {
            client.extract(meta, into: &context, using: MetaExtractor())
        }
        let span = client.startSpan(spanName(method: method, params: params), context: context, ofKind: .server)
        span.setAttributes(requestAttributes(id: id, method: method, params: params))
        return Call(id: id, span: span, owned: true, method: method, isServer: true)
    }

    private func notificationReceived(method: String, params: [String: Value]?) {
        switch method {
        case "notifications/cancelled":
            // The peer gave up on a request it sent: its handler is cancelled and sends no response.
            guard let id = params?["requestId"] else { return }
            let key = MCPMessage.key(id)
            guard let call = incoming.removeValue(forKey: key) else { return }
            cancel(call, key: key, reason: params?["reason"]?.stringValue)
        case "notifications/progress":
            progress(params, outgoing: true)
        default:
            break
        }
    }

    // MARK: Recording

    private func spanName(method: String, params: [String: Value]?) -> String {
        switch method {
        case "tools/call", "prompts/get":
            if let name = params?["name"]?.stringValue { return "\(method) \(name)" }
        case "resources/read", "resources/subscribe", "resources/unsubscribe":
            if options.resourceURIInSpanName, let uri = params?["uri"]?.stringValue { return "\(method) \(uri)" }
        default:
            break
        }
        return method
    }

    private func requestAttributes(id: Value, method: String, params: [String: Value]?) -> AttributeList {
        var attributes = AttributeList()
        attributes["mcp.method.name"] = .string(method)
        attributes["jsonrpc.request.id"] = .string(MCPMessage.text(id))
        if method == "initialize", let version = params?["protocolVersion"]?.stringValue {
            attributes["mcp.protocol.version"] = .string(version)
        } else if let protocolVersion {
            attributes["mcp.protocol.version"] = .string(protocolVersion)
        }
        if let sessionID { attributes["mcp.session.id"] = .string(sessionID) }
        if let networkTransport { attributes["network.transport"] = .string(networkTransport) }
        if let protocolName { attributes["network.protocol.name"] = .string(protocolName) }
        switch method {
        case "tools/call":
            if let tool = params?["name"]?.stringValue {
                attributes["gen_ai.tool.name"] = .string(tool)
                attributes["tool.name"] = .string(tool)
            }
            attributes["gen_ai.operation.name"] = "execute_tool"
            attributes["openinference.span.kind"] = "TOOL"
            if options.captureContent, let arguments = params?["arguments"], let text = MCPMessage.json(arguments) {
                attributes["gen_ai.tool.call.arguments"] = .string(capped(text))
            }
        case "prompts/get":
            if let prompt = params?["name"]?.stringValue { attributes["gen_ai.prompt.name"] = .string(prompt) }
            if options.captureContent, let arguments = params?["arguments"]?.objectValue {
                for (name, value) in arguments.sorted(by: { $0.key < $1.key }) {
                    let text = value.stringValue ?? MCPMessage.json(value) ?? ""
                    attributes["gen_ai.prompt.variable.\(name)"] = .string(capped(text))
                }
            }
        case "resources/read", "resources/subscribe", "resources/unsubscribe":
            if let uri = params?["uri"]?.stringValue { attributes["mcp.resource.uri"] = .string(uri) }
        default:
            break
        }
        return attributes
    }

    /// JSON-RPC codes that say the caller sent something the server could not serve: not the server's failure,
    /// so a server span that answers with one keeps its status (the MCP conventions).
    private static let callerErrorCodes: Set<Int> = [-32700, -32600, -32601, -32602, -32002]

    private func finish(_ call: Call, key: String, result: Value?, error: MCPMessage.JSONRPCError?) {
        call.timeout?.cancel()
        if let token = call.progressKey { progressTokens[token] = nil }
        if call.isServer { HandlerSpans.shared.remove(key: key, span: call.span) }
        let span = call.span
        var attributes = AttributeList()
        if let error {
            attributes["rpc.response.status_code"] = .string(String(error.code))
            if !call.isServer || !Self.callerErrorCodes.contains(error.code) {
                attributes["error.type"] = .string(String(error.code))
                span.setAttributes(attributes)
                span.setStatus(.error, error.message)
            } else {
                span.setAttributes(attributes)
            }
        } else if let result = result?.objectValue {
            if call.method == "initialize", let version = result["protocolVersion"]?.stringValue {
                protocolVersion = version
                attributes["mcp.protocol.version"] = .string(version)
            }
            if call.method == "tools/call" {
                if options.captureContent, let content = result["structuredContent"] ?? result["content"],
                    let text = MCPMessage.json(content)
                {
                    attributes["gen_ai.tool.call.result"] = .string(capped(text))
                }
                if result["isError"]?.boolValue == true {
                    attributes["error.type"] = "tool_error"
                    span.setAttributes(attributes)
                    span.setStatus(.error, nil)
                    if call.owned { span.end() }
                    return
                }
            }
            span.setAttributes(attributes)
            if call.owned { span.setStatus(.ok) }
        }
        if call.owned { span.end() }
    }

    private func cancel(_ call: Call, key: String, reason: String?) {
        call.timeout?.cancel()
        if let token = call.progressKey { progressTokens[token] = nil }
        if call.isServer { HandlerSpans.shared.remove(key: key, span: call.span) }
        var attributes: [String: any AttributeValueConvertible] = [:]
        if let reason { attributes["reason"] = reason }
        call.span.addEvent("notifications/cancelled", attributes: attributes)
        call.span.setStatus(.cancelled, reason ?? "cancelled")
        if call.owned { call.span.end() }
    }

    private func progress(_ params: [String: Value]?, outgoing: Bool) {
        guard let token = MCPMessage.progressKey(params?["progressToken"]), let entry = progressTokens[token],
            entry.outgoing == outgoing, let call = outgoing ? self.outgoing[entry.key] : incoming[entry.key]
        else { return }
        var attributes: [String: any AttributeValueConvertible] = [:]
        if let progress = params?["progress"]?.doubleValue ?? params?["progress"]?.intValue.map(Double.init) {
            attributes["progress"] = progress
        }
        if let total = params?["total"]?.doubleValue ?? params?["total"]?.intValue.map(Double.init) {
            attributes["total"] = total
        }
        if let message = params?["message"]?.stringValue { attributes["message"] = message }
        call.span.addEvent("notifications/progress", attributes: attributes)
    }

    /// A request this side sent got no answer in time: its span ends `timeout`, the caller gets a JSON-RPC error
    /// and the peer is told to stop.
    private func timedOut(key: String, id: Value, after timeout: Duration) async {
        guard let call = outgoing.removeValue(forKey: key) else { return }
        if let token = call.progressKey { progressTokens[token] = nil }
        let message = "Request timed out after \(timeout)"
        call.span.setAttribute("error.type", "timeout")
        call.span.setStatus(.timeout, message)
        if call.owned { call.span.end() }
        if let data = Self.errorResponse(id: id, code: -32001, message: message) { delivered?.yield(data) }
        let cancelled: Value = .object([
            "jsonrpc": "2.0", "method": "notifications/cancelled",
            "params": .object(["requestId": id, "reason": .string(message)]),
        ])
        if let data = MCPMessage.json(cancelled) { try? await base.send(Data(data.utf8)) }
    }

    /// A JSON-RPC error response to request `id`, encoded.
    private static func errorResponse(id: Value, code: Int, message: String) -> Data? {
        let error: Value = .object([
            "jsonrpc": "2.0", "id": id, "error": .object(["code": .int(code), "message": .string(message)]),
        ])
        return MCPMessage.json(error).map { Data($0.utf8) }
    }

    private func fail(outgoing key: String, message: String) {
        guard let call = outgoing.removeValue(forKey: key) else { return }
        call.timeout?.cancel()
        if let token = call.progressKey { progressTokens[token] = nil }
        call.span.setAttribute("error.type", "transport_error")
        call.span.setStatus(.error, message)
        if call.owned { call.span.end() }
    }

    /// Ends every open request's span: the connection is gone.
    private func endAll(message: String) {
        for (key, call) in outgoing { end(call, key: key, message: message) }
        for (key, call) in incoming { end(call, key: key, message: message) }
        outgoing.removeAll()
        incoming.removeAll()
        progressTokens.removeAll()
    }

    private func end(_ call: Call, key: String, message: String) {
        call.timeout?.cancel()
        if call.isServer { HandlerSpans.shared.remove(key: key, span: call.span) }
        call.span.setAttribute("error.type", "connection_closed")
        call.span.setStatus(.error, message)
        if call.owned { call.span.end() }
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
    func extract(key: String, from carrier: [String: Value]) -> String? {
        carrier[key]?.stringValue
    }
}
