/// The part of a span that crosses process boundaries: what a W3C `traceparent` header carries.
public struct SpanContext: Sendable, Hashable {
    /// The trace this span belongs to.
    public let traceID: TraceID
    /// The span's own id.
    public let spanID: SpanID
    /// Whether the trace is sampled (the W3C `sampled` flag): a sampled-out trace records nothing anywhere.
    public let isSampled: Bool
    /// The W3C `tracestate` header value, carried through unchanged.
    public let traceState: String?
    /// Whether this context arrived from another process.
    public let isRemote: Bool

    /// Creates a span context.
    public init(traceID: TraceID, spanID: SpanID, isSampled: Bool, traceState: String? = nil, isRemote: Bool = false) {
        self.traceID = traceID
        self.spanID = spanID
        self.isSampled = isSampled
        self.traceState = traceState
        self.isRemote = isRemote
    }
}
