import Tracing

/// What a span of a sampled-out trace carries besides its ``SpanContext``: enough to answer the span's accessors,
/// to start its children and to make it the active span. It has no state to change, so it lives inline in
/// ``NoveumSpan``: starting and ending such a span allocates nothing, reads no clock and takes no lock.
///
/// Its children are sampled out too, so a dropped trace stays whole (absent), and a `traceparent` sent from it
/// carries the sampled flag `00`, which tells other services to drop their part as well.
@usableFromInline
struct NonRecordingSpan: Sendable {
    let parentSpanID: SpanID?
    let parentIsRemote: Bool
    let kind: SpanKind
    /// The context this span was started in, for swift-distributed-tracing's `Span.context`.
    let baseContext: InstrumentationContext?
    /// The id of the span `baseContext` carried when this span started; see ``ActiveSpan/resolve(in:)``.
    let contextSpanAtStart: SpanID?
}
