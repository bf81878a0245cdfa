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
            guard let span = HandlerSpans.shared.claim(method: M.name, params: try? Value(params)) else {
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
/// ``MCP/Server/withTracedMethodHandler(_:handler:)`` finds its own.
///
/// The MCP server does not tell a handler its request id, so a handler claims the oldest unclaimed span of its
/// method whose parameters equal its own (for a `tools/call` they include the caller's `_meta`, unique per call),
/// else the oldest unclaimed span of its method. Bounded: past ``capacity`` entries the oldest is forgotten.
final class HandlerSpans: Sendable {
    static let shared = HandlerSpans()
    static let capacity = 4_096

    private struct Entry {
        let key: String
        let method: String
        let params: Value
        let span: NoveumSpan
        var claimed = false
    }

    private let entries = Mutex<[Entry]>([])

    func register(key: String, method: String, params: [String: Value]?, span: NoveumSpan) {
        let entry = Entry(key: key, method: method, params: .object(params ?? [:]), span: span)
        entries.withLock { entries in
            if entries.count >= Self.capacity { entries.removeFirst() }
            entries.append(entry)
        }
    }

    func remove(key: String, span: NoveumSpan) {
        entries.withLock { entries in entries.removeAll { $0.key == key && $0.span == span } }
    }

    func claim(method: String, params: Value?) -> NoveumSpan? {
        entries.withLock { entries in
            let open = entries.indices.filter { entries[$0].method == method && !entries[$0].claimed }
            guard let index = open.first(where: { entries[$0].params == params }) ?? open.first else { return nil }
            entries[index].claimed = true
            return entries[index].span
        }
    }
}
