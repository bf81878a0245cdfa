import Tracing

/// An immutable record of a finished span: what exporters receive.
///
/// A value type with copy-on-write storage: ending a span hands its record to each exporter without copying it,
/// and a `SpanData` that is changed copies the record first, so changing one value never changes another.
public struct SpanData: Sendable, Hashable {
    var record: SpanRecord

    /// Wraps a span's record.
    init(record: SpanRecord) {
        self.record = record
    }

    /// Creates a record; exporters' tests use this to build input by hand.
    public init(
        context: SpanContext, parentSpanID: SpanID? = nil, parentIsRemote: Bool = false, name: String,
        kind: SpanKind = .internal, startTimeNanos: UInt64, endTimeNanos: UInt64, status: NoveumSpan.Status = .unset,
        statusMessage: String? = nil, attributes: AttributeList = AttributeList(), events: [NoveumSpan.Event] = [],
        links: [NoveumSpan.Link] = [], exception: NoveumSpan.ExceptionInfo? = nil, droppedAttributeCount: Int = 0,
        droppedEventCount: Int = 0
    ) {
        record = SpanRecord(
            context: context, parentSpanID: parentSpanID, parentIsRemote: parentIsRemote, name: name, kind: kind,
            startTimeNanos: startTimeNanos, endTimeNanos: endTimeNanos, status: status, statusMessage: statusMessage,
            attributes: attributes, events: events, links: links, exception: exception,
            droppedAttributeCount: droppedAttributeCount, droppedEventCount: droppedEventCount)
    }

    /// The record, copied first if another value shares it.
    private mutating func uniqueRecord() -> SpanRecord {
        if !isKnownUniquelyReferenced(&record) { record = record.copy() }
        return record
    }

    /// The trace id, span id, sampling flag and trace state.
    public var context: SpanContext {
        get { record.context }
        set { uniqueRecord().context = newValue }
    }
    /// The parent span's id; nil for a root span.
    public var parentSpanID: SpanID? {
        get { record.parentSpanID }
        set { uniqueRecord().parentSpanID = newValue }
    }
    /// Whether the parent lives in another process (arrived through `traceparent`).
    public var parentIsRemote: Bool {
        get { record.parentIsRemote }
        set { uniqueRecord().parentIsRemote = newValue }
    }
    /// The span's name.
    public var name: String {
        get { record.name }
        set { uniqueRecord().name = newValue }
    }
    /// The span's kind.
    public var kind: SpanKind {
        get { record.kind }
        set { uniqueRecord().kind = newValue }
    }
    /// Start time, in nanoseconds since the Unix epoch.
    public var startTimeNanos: UInt64 {
        get { record.startTimeNanos }
        set { uniqueRecord().startTimeNanos = newValue }
    }
    /// End time, in nanoseconds since the Unix epoch.
    public var endTimeNanos: UInt64 {
        get { record.endTimeNanos }
        set { uniqueRecord().endTimeNanos = newValue }
    }
    /// The outcome.
    public var status: NoveumSpan.Status {
        get { record.status }
        set { uniqueRecord().status = newValue }
    }
    /// The outcome's message.
    public var statusMessage: String? {
        get { record.statusMessage }
        set { uniqueRecord().statusMessage = newValue }
    }
    /// Attributes, in the order they were first set.
    public var attributes: AttributeList {
        get { record.attributes }
        set { uniqueRecord().attributes = newValue }
    }
    /// Timestamped events, in the order they were added.
    public var events: [NoveumSpan.Event] {
        get { record.events }
        set { uniqueRecord().events = newValue }
    }
    /// Links to other spans.
    public var links: [NoveumSpan.Link] {
        get { record.links }
        set { uniqueRecord().links = newValue }
    }
    /// The last exception recorded, if any.
    public var exception: NoveumSpan.ExceptionInfo? {
        get { record.exception }
        set { uniqueRecord().exception = newValue }
    }
    /// How many attributes were not kept because the limit was reached.
    public var droppedAttributeCount: Int {
        get { record.droppedAttributeCount }
        set { uniqueRecord().droppedAttributeCount = newValue }
    }
    /// How many events were not kept because the limit was reached.
    public var droppedEventCount: Int {
        get { record.droppedEventCount }
        set { uniqueRecord().droppedEventCount = newValue }
    }

    /// The trace id.
    public var traceID: TraceID { record.context.traceID }
    /// The span id.
    public var spanID: SpanID { record.context.spanID }
    /// The duration in nanoseconds.
    public var durationNanos: UInt64 {
        record.endTimeNanos >= record.startTimeNanos ? record.endTimeNanos - record.startTimeNanos : 0
    }
    /// Whether this is the first span of its trace in this process: no parent, or a remote one.
    public var isLocalRoot: Bool { record.parentSpanID == nil || record.parentIsRemote }

    public static func == (lhs: SpanData, rhs: SpanData) -> Bool {
        if lhs.record === rhs.record { return true }
        let a = lhs.record, b = rhs.record
        return a.context == b.context && a.parentSpanID == b.parentSpanID && a.parentIsRemote == b.parentIsRemote
            && a.name == b.name && a.kind == b.kind && a.startTimeNanos == b.startTimeNanos
            && a.endTimeNanos == b.endTimeNanos && a.status == b.status && a.statusMessage == b.statusMessage
            && a.attributes == b.attributes && a.events == b.events && a.links == b.links
            && a.exception == b.exception && a.droppedAttributeCount == b.droppedAttributeCount
            && a.droppedEventCount == b.droppedEventCount
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(record.context)
        hasher.combine(record.parentSpanID)
        hasher.combine(record.name)
        hasher.combine(record.startTimeNanos)
        hasher.combine(record.endTimeNanos)
        hasher.combine(record.status)
        hasher.combine(record.attributes)
    }
}

extension SpanData: CustomStringConvertible, CustomReflectable {
    /// Every field, as a struct with stored properties would print.
    public var description: String {
        let r = record
        return "SpanData(context: \(r.context), parentSpanID: \(r.parentSpanID.map(String.init(describing:)) ?? "nil"), "
            + "parentIsRemote: \(r.parentIsRemote), name: \(String(reflecting: r.name)), kind: \(r.kind), "
            + "startTimeNanos: \(r.startTimeNanos), endTimeNanos: \(r.endTimeNanos), status: \(r.status), "
            + "statusMessage: \(r.statusMessage.map { String(reflecting: $0) } ?? "nil"), attributes: \(r.attributes), "
            + "events: \(r.events), links: \(r.links), exception: \(r.exception.map(String.init(describing:)) ?? "nil"), "
            + "droppedAttributeCount: \(r.droppedAttributeCount), droppedEventCount: \(r.droppedEventCount))"
    }

    /// The fields, for `dump` and debuggers.
    public var customMirror: Mirror {
        let r = record
        return Mirror(
            self,
            children: [
                "context": r.context, "parentSpanID": r.parentSpanID as Any, "parentIsRemote": r.parentIsRemote,
                "name": r.name, "kind": r.kind, "startTimeNanos": r.startTimeNanos, "endTimeNanos": r.endTimeNanos,
                "status": r.status, "statusMessage": r.statusMessage as Any, "attributes": r.attributes,
                "events": r.events, "links": r.links, "exception": r.exception as Any,
                "droppedAttributeCount": r.droppedAttributeCount, "droppedEventCount": r.droppedEventCount,
            ],
            displayStyle: .struct)
    }
}
