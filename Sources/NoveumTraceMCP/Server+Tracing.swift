import MCP
import NoveumTrace
import Synchronization

extension Server {
    /// Registers a handler, as `withMethodHandler` does, that runs with its request's span active: spans it starts
    /// (`traceLLM`, `traceTool`, captured HTTP calls) become children of the server span a ``TracedTransport``
    /// opened for the request, so the whole handling is one subtree of the caller's trace.
    ///
    /// ```swift
    /// await server.withTracedMethodHandler(CallTool.self) { params in
    ///     let summary = try await NoveumTrace.traceLLM(model: "gpt-5.4-mini", provider: "openai") { _ in … }
    ///     return .init(content: [.text(summary)])
    /// }
    /// try await server.start(transport: TracedTransport(StdioTransport()))
    /// ```
    ///
    /// A Swift error the handler throws (other than an `MCPError`, which the response records) is also recorded on
    /// the span, as an `exception` event with its type, before the MCP server answers with -32603. Served through a transport that is not traced, the handler runs as
    /// with `withMethodHandler`.
    @discardableResult
    public func withTracedMethodHandler<M: MCP.Method>(
        _ type: M.Type, handler: @escaping @Sendable (M.Parameters) async throws -> M.Result
    ) -> Self {
        withMethodHandler(type) { params in
            guard let span = HandlerSpans.shared.claim(method: M.name, match: HandlerSpans.match(params)) else {
                return try await handler(params)
            }
            do {
                return try await span.withActive { try await handler(params) }
            } catch let error as MCPError {
                // The server answers with it as it is: the response records its code and message.
                throw error
            } catch is CancellationError {
                throw CancellationError()
            } catch {
                // Any other error becomes -32603 with its description; the span keeps its type as well.
                span.recordException(error)
                throw error
            }
        }
    }
}

/// The server spans of requests being handled, where a handler registered with
/// `Server.withTracedMethodHandler(_:handler:)` finds its own.
///
/// The MCP server does not tell a handler its request id, so a handler claims the oldest unclaimed span of its
/// method that matches its parameters (a `tools/call` by tool name and the caller's `traceparent`, unique per
/// call; a prompt by name; a resource by URI), else the oldest unclaimed span of its method. Bounded: past
/// ``capacity`` entries the oldest is forgotten.
final class HandlerSpans: Sendable {
    static let shared = HandlerSpans()
    static let capacity = 4_096

    private struct Entry {
        let method: String
        let match: String?
        let span: NoveumSpan
        var claimed = false
    }

    private let entries = Mutex<[Entry]>([])

    /// What tells requests of `method` apart, from the request's raw parameters.
    static func match(method: String, params: [String: Any]?) -> String? {
        switch method {
        case CallTool.name:
            let traceParent = (params?["_meta"] as? [String: Any])?["traceparent"] as? String
            return (params?["name"] as? String).map { $0 + "|" + (traceParent ?? "") }
        case GetPrompt.name: return params?["name"] as? String
        case ReadResource.name: return params?["uri"] as? String
        default: return nil
        }
    }

    /// The same, from the parameters a handler receives.
    static func match<P>(_ params: P) -> String? {
        switch params {
        case let call as CallTool.Parameters:
            return call.name + "|" + (call._meta?["traceparent"]?.stringValue ?? "")
        case let prompt as GetPrompt.Parameters: return prompt.name
        case let resource as ReadResource.Parameters: return resource.uri
        default: return nil
        }
    }

    func register(method: String, match: String?, span: NoveumSpan) {
        let entry = Entry(method: method, match: match, span: span)
        entries.withLock { entries in
            if entries.count >= Self.capacity { entries.removeFirst() }
            entries.append(entry)
        }
    }

    func remove(_ span: NoveumSpan) {
        entries.withLock { entries in entries.removeAll { $0.span == span } }
    }

    func claim(method: String, match: String?) -> NoveumSpan? {
        entries.withLock { entries in
            let open = entries.indices.filter { entries[$0].method == method && !entries[$0].claimed }
            let exact = match.flatMap { match in open.first { entries[$0].match == match } }
            guard let index = exact ?? open.first else { return nil }
            entries[index].claimed = true
            return entries[index].span
        }
    }
}
