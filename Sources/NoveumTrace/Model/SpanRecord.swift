import Tracing

/// The storage of one span's record, shared by the live ``NoveumSpan`` that fills it and the ``SpanData`` values
/// that carry it to exporters.
///
/// A span writes its record only while open, under the span's lock; ending the span publishes the record to the
/// export queue (through the queue's lock) and the span never writes it again. From then on it is read-only
/// and shared without copying: ending a span hands one reference to each exporter's queue. A `SpanData` that is
/// changed (by the redaction stage, or by an exporter) copies the record first unless it holds the only
/// reference, so a value never changes under another holder.
final class SpanRecord: @unchecked Sendable {
    @exclusivity(unchecked) var context: SpanContext
    @exclusivity(unchecked) var parentSpanID: SpanID?
    @exclusivity(unchecked) var parentIsRemote: Bool
    @exclusivity(unchecked) var name: String
    @exclusivity(unchecked) var kind: SpanKind
    @exclusivity(unchecked) var startTimeNanos: UInt64
    @exclusivity(unchecked) var endTimeNanos: UInt64
    @exclusivity(unchecked) var status: NoveumSpan.Status
    @exclusivity(unchecked) var statusMessage: String?
    @exclusivity(unchecked) var attributes: AttributeList
    @exclusivity(unchecked) var events: [NoveumSpan.Event]
    @exclusivity(unchecked) var links: [NoveumSpan.Link]
    @exclusivity(unchecked) var exception: NoveumSpan.ExceptionInfo?
    @exclusivity(unchecked) var droppedAttributeCount: Int
    @exclusivity(unchecked) var droppedEventCount: Int

    init(
        context: SpanContext, parentSpanID: SpanID?, parentIsRemote: Bool, name: String, kind: SpanKind,
        startTimeNanos: UInt64, endTimeNanos: UInt64 = 0, status: NoveumSpan.Status = .unset,
        statusMessage: String? = nil, attributes: AttributeList, events: [NoveumSpan.Event] = [],
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

    /// A new record with the same values.
    func copy() -> SpanRecord {
        SpanRecord(
            context: context, parentSpanID: parentSpanID, parentIsRemote: parentIsRemote, name: name, kind: kind,
            startTimeNanos: startTimeNanos, endTimeNanos: endTimeNanos, status: status, statusMessage: statusMessage,
            attributes: attributes, events: events, links: links, exception: exception,
            droppedAttributeCount: droppedAttributeCount, droppedEventCount: droppedEventCount)
    }

    /// Prepares an exported record for ``SpanRecordPool``: drops what is large (events, links, an exception,
    /// many attributes, and any name, key, value or message over ``reusedValueBytes``) and leaves the rest for
    /// ``reinitialize(context:parentSpanID:parentIsRemote:name:kind:startTimeNanos:attributes:)`` to overwrite.
    /// A usual record is only read here, so its memory stays cached on the app's core, which writes it next. Only
    /// for a record nothing else references.
    func shedForReuse() {
        if !events.isEmpty { events = [] }
        if !links.isEmpty { links = [] }
        if exception != nil { exception = nil }
        if let message = statusMessage, message.utf8.count > Self.reusedValueBytes { statusMessage = nil }
        if name.utf8.count > Self.reusedValueBytes { name = "" }
        if attributes.storage.capacity > Self.reusedAttributeCapacity {
            attributes = AttributeList()
            return
        }
        for element in attributes.storage {
            let small: Bool
            switch element.value {
            case .string(let text): small = text.utf8.count <= Self.reusedValueBytes
            case .int, .double, .bool: small = true
            default: small = false
            }
            if !small || element.key.utf8.count > Self.reusedValueBytes {
                attributes.storage.removeAll(keepingCapacity: true)
                return
            }
        }
    }

    /// The largest attribute storage a recycled record keeps.
    static let reusedAttributeCapacity = 16
    /// The longest name, attribute key, string value or status message a recycled record keeps until it is reused.
    static let reusedValueBytes = 256

    /// Makes a recycled record (``shedForReuse()``) the record of a new span, as the initialiser would.
    @inline(__always)
    func reinitialize(
        context: SpanContext, parentSpanID: SpanID?, parentIsRemote: Bool, name: String, kind: SpanKind,
        startTimeNanos: UInt64, attributes: AttributeList
    ) {
        self.context = context
        self.parentSpanID = parentSpanID
        self.parentIsRemote = parentIsRemote
        self.name = name
        self.kind = kind
        self.startTimeNanos = startTimeNanos
        endTimeNanos = 0
        status = .unset
        statusMessage = nil
        exception = nil
        if !events.isEmpty { events = [] }
        if !links.isEmpty { links = [] }
        droppedAttributeCount = 0
        droppedEventCount = 0
        // An empty list keeps the storage this record already has.
        if attributes.storage.isEmpty {
            self.attributes.storage.removeAll(keepingCapacity: true)
        } else {
            self.attributes = attributes
        }
    }

    /// Sets `key`, replacing its value if present; counts the attribute as dropped when `limit` is reached.
    func set(_ key: String, _ value: AttributeValue, limit: Int) {
        if attributes.replaceValue(forKey: key, with: value) { return }
        if attributes.storage.count < limit {
            // Room for the usual handful at once, instead of growing 1 → 2 → 4 → 8 with an allocation each.
            if attributes.storage.capacity == 0 { attributes.storage.reserveCapacity(min(limit, 8)) }
            attributes.storage.append(AttributeList.Element(key: key, value: value))
        } else {
            droppedAttributeCount += 1
        }
    }
}
