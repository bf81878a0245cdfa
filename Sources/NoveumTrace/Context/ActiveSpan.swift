import Tracing

/// The span bound in an `InstrumentationContext` (also known as `ServiceContext`): what swift-distributed-tracing's
/// `withSpan` binds for a span of ours started by Hummingbird, Vapor, AsyncHTTPClient or any instrumented library.
///
/// The inline closures bind their span in ``ActiveSpan`` instead; ``ActiveSpan/resolve(in:)`` combines the two.
enum ActiveSpanKey: InstrumentationContextKey {
    typealias Value = BoundSpan
    static var nameOverride: String? { "noveum-active-span" }
}

/// A span context extracted from an incoming `traceparent` header.
enum RemoteSpanContextKey: InstrumentationContextKey {
    typealias Value = SpanContext
    static var nameOverride: String? { "noveum-remote-span-context" }
}

extension InstrumentationContext {
    /// The active local span, if any.
    var noveumSpan: BoundSpan? {
        get { self[ActiveSpanKey.self] }
        set { self[ActiveSpanKey.self] = newValue }
    }

    /// The context new spans started here should use as their parent: the active local span, or else a remote
    /// parent extracted from `traceparent`.
    var noveumParent: SpanContext? {
        if let span = self[ActiveSpanKey.self] { return span.spanContext }
        return self[RemoteSpanContextKey.self]
    }
}

/// The span an inline closure made active in this task.
///
/// The inline closures bind their span in this task-local of the SDK's own rather than writing it into the task's
/// `InstrumentationContext`: writing a key there copies the context's dictionary, which cost an allocation, a hash
/// and run-time metadata lookups for every span. Libraries still see the right parent, because every place that
/// reads "the current span" for a context (starting a span through the `Tracer` API, `inject`, `activeSpan`,
/// ``NoveumTrace/currentSpan``) goes through ``resolve(in:)``: a span bound here wins when it was started under the
/// very context span that the given context carries (nothing was bound in the context since), and the context's
/// own span wins otherwise (a library's `withSpan` inside the closure bound a newer one).
@usableFromInline
enum ActiveSpan {
    /// The span bound by the innermost inline closure of this task, if any.
    @usableFromInline
    static let binding = TaskLocal<Binding>(wrappedValue: Binding(nil))

    /// What ``binding`` holds: the span in a struct of our own rather than a bare optional. The runtime's generic
    /// `TaskLocal.get` copies its value through the type's value witnesses; this struct's are generated here and
    /// copy one reference, where `Optional`'s go through the payload's witnesses for its enum tag first.
    @usableFromInline
    struct Binding: Sendable {
        @usableFromInline let span: BoundSpan?

        @usableFromInline
        init(_ span: BoundSpan?) { self.span = span }
    }

    /// The innermost active span for code whose current context is `context`, and the id of the context's own span.
    @inline(__always)
    static func resolve(in context: InstrumentationContext?) -> (active: BoundSpan?, contextSpanID: SpanID?) {
        let contextSpan = context?.noveumSpan
        let contextSpanID = contextSpan?.spanContext.spanID
        if let bound = binding.get().span, bound.contextSpanAtStart == contextSpanID {
            return (bound, contextSpanID)
        }
        return (contextSpan, contextSpanID)
    }

    /// The parent of a span started with `context` as its current context: the innermost active span, else a
    /// remote parent extracted from `traceparent`; and the id of the context's own span, which the new span records.
    @inline(__always)
    static func parent(in context: InstrumentationContext?) -> (parent: ParentInfo?, contextSpanID: SpanID?) {
        parent(of: SpanOrigin(context: context))
    }

    /// The parent of a span started at `origin`; see ``parent(in:)``.
    @inline(__always)
    static func parent(of origin: SpanOrigin) -> (parent: ParentInfo?, contextSpanID: SpanID?) {
        if let active = origin.active { return (ParentInfo(active), origin.contextSpanID) }
        guard let context = origin.context else { return (nil, nil) }
        return (context[RemoteSpanContextKey.self].map { ParentInfo(context: $0, isRecording: $0.isSampled) }, nil)
    }
}

/// Where a new span starts: the task's context and the span active in it, read once (each read of a task-local
/// value costs a lookup through the current task), then used both to pick the client and to find the parent.
@usableFromInline
struct SpanOrigin {
    /// The current context of the task.
    @usableFromInline let context: InstrumentationContext?
    /// The innermost active span; see ``ActiveSpan/resolve(in:)``.
    @usableFromInline let active: BoundSpan?
    /// The id of the span the context itself carries.
    @usableFromInline let contextSpanID: SpanID?

    /// Reads the origin for `context`.
    @usableFromInline
    init(context: InstrumentationContext?) {
        self.context = context
        (active, contextSpanID) = ActiveSpan.resolve(in: context)
    }

    /// Reads the origin of the current task.
    @usableFromInline
    static var current: SpanOrigin { SpanOrigin(context: InstrumentationContext.current) }

    /// The client the static API uses here: the active span's own client, else ``NoveumTrace/client``: when the
    /// active span records nothing (its children record nothing whichever client starts them), and when it has
    /// already ended (a task that outlives its parent's closure; its record no longer holds the client).
    @usableFromInline
    var client: NoveumClient { active?.recordingClient ?? NoveumTrace.client }
}

/// A new span's parent: its context, and whether it records (a local span of a tail-sampling candidate records
/// although its trace is not sampled).
struct ParentInfo {
    let context: SpanContext
    let isRecording: Bool

    init(context: SpanContext, isRecording: Bool) {
        self.context = context
        self.isRecording = isRecording
    }

    init(_ span: BoundSpan) {
        self.init(context: span.spanContext, isRecording: span.isRecording)
    }
}
