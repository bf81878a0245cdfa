import Tracing

/// The span that is active in a task: what inline closures and swift-distributed-tracing's `withSpan` bind.
///
/// The active span lives in swift-distributed-tracing's task-local `InstrumentationContext` (also known as
/// `ServiceContext`), so spans from our closures and from Hummingbird, Vapor or AsyncHTTPClient see each other.
enum ActiveSpanKey: InstrumentationContextKey {
    typealias Value = NoveumSpan
    static var nameOverride: String? { "noveum-active-span" }
}

/// A span context extracted from an incoming `traceparent` header.
enum RemoteSpanContextKey: InstrumentationContextKey {
    typealias Value = SpanContext
    static var nameOverride: String? { "noveum-remote-span-context" }
}

extension InstrumentationContext {
    /// The active local span, if any.
    var noveumSpan: NoveumSpan? {
        get { self[ActiveSpanKey.self] }
        set { self[ActiveSpanKey.self] = newValue }
    }

    /// The context new spans started here should use as their parent: the active local span, or else a remote
    /// parent extracted from `traceparent`.
    var noveumParent: SpanContext? {
        if let span = self[ActiveSpanKey.self] { return span.spanContext }
        return self[RemoteSpanContextKey.self]
    }

    /// The parent for spans started here, with whether it records.
    var noveumParentInfo: ParentInfo? {
        if let span = self[ActiveSpanKey.self] { return ParentInfo(span) }
        return self[RemoteSpanContextKey.self].map { ParentInfo(context: $0, isRecording: $0.isSampled) }
    }
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

    init(_ span: NoveumSpan) {
        self.init(context: span.spanContext, isRecording: span.isRecording)
    }
}
