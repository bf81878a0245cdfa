import Tracing

/// An immutable record of a finished span: what exporters receive.
public struct SpanData: Sendable, Hashable {
    /// The trace id, span id, sampling flag and trace state.
    public var context: SpanContext
    /// The parent span's id; nil for a root span.
    public var parentSpanID: SpanID?
    /// Whether the parent lives in another process (arrived through `traceparent`).
    public var parentIsRemote: Bool
    /// The span's name.
    public var name: String
    /// The span's kind.
    public var kind: SpanKind
    /// Start and end times, in nanoseconds since the Unix epoch.
    public var startTimeNanos: UInt64
    public var endTimeNanos: UInt64
    /// The outcome and its message.
    public var status: NoveumSpan.Status
    public var statusMessage: String?
    /// Attributes, in the order they were first set.
    public var attributes: AttributeList
    public var events: [NoveumSpan.Event]
    public var links: [NoveumSpan.Link]
    /// The last exception recorded, if any.
    public var exception: NoveumSpan.ExceptionInfo?
    /// How many attributes, events or links were not kept because a limit was reached.
    public var droppedAttributeCount: Int
    public var droppedEventCount: Int

    /// The trace id.
    public var traceID: TraceID { context.traceID }
    /// The span id.
    public var spanID: SpanID { context.spanID }
    /// The duration in nanoseconds.
    public var durationNanos: UInt64 { endTimeNanos >= startTimeNanos ? endTimeNanos - startTimeNanos : 0 }
    /// Whether this is the first span of its trace in this process: no parent, or a remote one.
    public var isLocalRoot: Bool { parentSpanID == nil || parentIsRemote }

    /// Creates a record; exporters' tests use this to build input by hand.
    public init(
        context: SpanContext, parentSpanID: SpanID? = nil, parentIsRemote: Bool = false, name: String,
        kind: SpanKind = .internal, startTimeNanos: UInt64, endTimeNanos: UInt64, status: NoveumSpan.Status = .unset,
        statusMessage: String? = nil, attributes: AttributeList = AttributeList(), events: [NoveumSpan.Event] = [],
        links: [NoveumSpan.Link] = [], exception: NoveumSpan.ExceptionInfo? = nil, droppedAttributeCount: Int = 0,
        droppedEventCount: Int = 0
    ) {
        self.context = context
        self.parentSpanID = parentSpanID
        self.parentIsRemote = parentIsRemote
        self.name = name
        self.kind = kind
        self.startTimeNanos = startTimeNanos
        self.endTimeNanos = endTimeNanos
        self.status = status
        self.statusMessage = statusMessage
        self.attributes = attributes
        self.events = events
        self.links = links
        self.exception = exception
        self.droppedAttributeCount = droppedAttributeCount
        self.droppedEventCount = droppedEventCount
    }
}
