import Synchronization
import Tracing

/// Facts about the work a trace belongs to: the conversation or session, the end user, the request, tags and
/// free-form metadata. Set them once with ``NoveumTrace/withContext(sessionID:userID:requestID:tags:metadata:isolation:_:)``
/// and every span started inside carries them.
///
/// They are exported as span attributes `session.id`, `user.id`, `request.id` (and `gen_ai.conversation.id` for the
/// session), `noveum.tags.<name>` and `noveum.metadata.<name>`; the Noveum exporter also fills its trace-level
/// `metadata` block (`user_id`, `session_id`, `request_id`, `tags`, `custom_attributes`) from them.
public struct TraceContext: Sendable, Hashable {
    public var sessionID: String?
    public var userID: String?
    public var requestID: String?
    public var tags: [String: String]
    public var metadata: [String: String]

    public init(
        sessionID: String? = nil, userID: String? = nil, requestID: String? = nil, tags: [String: String] = [:],
        metadata: [String: String] = [:]
    ) {
        self.sessionID = sessionID
        self.userID = userID
        self.requestID = requestID
        self.tags = tags
        self.metadata = metadata
    }

    /// Inner values win over outer ones.
    func merging(_ inner: TraceContext) -> TraceContext {
        TraceContext(
            sessionID: inner.sessionID ?? sessionID, userID: inner.userID ?? userID,
            requestID: inner.requestID ?? requestID, tags: tags.merging(inner.tags) { _, new in new },
            metadata: metadata.merging(inner.metadata) { _, new in new })
    }

    /// The attributes every span started in this context carries.
    var attributes: AttributeList {
        var list = AttributeList()
        if let sessionID {
            list["session.id"] = .string(sessionID)
            list["gen_ai.conversation.id"] = .string(sessionID)
        }
        if let userID { list["user.id"] = .string(userID) }
        if let requestID { list["request.id"] = .string(requestID) }
        for (key, value) in tags.sorted(by: { $0.key < $1.key }) { list["noveum.tags.\(key)"] = .string(value) }
        for (key, value) in metadata.sorted(by: { $0.key < $1.key }) { list["noveum.metadata.\(key)"] = .string(value) }
        return list
    }

    /// Whether any trace context was ever set in this process: until then span starts skip the lookup.
    static let everUsed = Atomic<Bool>(false)
}

enum TraceContextKey: InstrumentationContextKey {
    typealias Value = TraceContext
    static var nameOverride: String? { "noveum-trace-context" }
}

extension NoveumTrace {
    /// Runs `body` with a session, user, request, tags and metadata that every span started inside carries,
    /// including spans in child tasks. Nested calls add to the outer values; inner values win.
    ///
    /// ```swift
    /// try await NoveumTrace.withContext(sessionID: conversation.id, userID: user.id, tags: ["tier": "pro"]) {
    ///     try await agent.answer(question)
    /// }
    /// ```
    public static func withContext<T, E: Error>(
        sessionID: String? = nil, userID: String? = nil, requestID: String? = nil, tags: [String: String] = [:],
        metadata: [String: String] = [:], isolation: isolated (any Actor)? = #isolation,
        _ body: () async throws(E) -> T
    ) async throws(E) -> T {
        let context = contextAdding(
            TraceContext(sessionID: sessionID, userID: userID, requestID: requestID, tags: tags, metadata: metadata))
        let result: Result<T, E> = await InstrumentationContext.$current.withValue(context) {
            do throws(E) { return .success(try await body()) } catch { return .failure(error) }
        }
        return try result.get()
    }

    /// The synchronous form of ``withContext(sessionID:userID:requestID:tags:metadata:isolation:_:)``.
    public static func withContext<T, E: Error>(
        sessionID: String? = nil, userID: String? = nil, requestID: String? = nil, tags: [String: String] = [:],
        metadata: [String: String] = [:], _ body: () throws(E) -> T
    ) throws(E) -> T {
        let context = contextAdding(
            TraceContext(sessionID: sessionID, userID: userID, requestID: requestID, tags: tags, metadata: metadata))
        let result: Result<T, E> = InstrumentationContext.$current.withValue(context) {
            do throws(E) { return .success(try body()) } catch { return .failure(error) }
        }
        return try result.get()
    }

    /// The trace context in effect in the current task.
    public static var currentContext: TraceContext? { InstrumentationContext.current?[TraceContextKey.self] }

    private static func contextAdding(_ added: TraceContext) -> InstrumentationContext {
        TraceContext.everUsed.store(true, ordering: .relaxed)
        var context = InstrumentationContext.current ?? .topLevel
        context[TraceContextKey.self] = (context[TraceContextKey.self] ?? TraceContext()).merging(added)
        return context
    }
}
