import Tracing

extension SpanRecord {
    /// Prepares an exported record for ``SpanRecordPool``: lets go of the start context, drops what
    /// is large (events, links, an exception, many attributes, and any name, key, value or message over
    /// ``reusedValueBytes``) and leaves the rest for ``reinitialize(context:parentSpanID:parentIsRemote:name:kind:startTimeNanos:attributes:client:baseContext:contextSpanAtStart:)``
    /// to overwrite. A usual record is only read here, so its memory stays cached on the app's core, which writes
    /// it next. Only for an ended record nothing else references.
    func shedForReuse() {
        if baseContext != nil { baseContext = nil }
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

    /// Makes a recycled record (``shedForReuse()``) the open record of a new span, as the initialiser would.
    @inline(__always)
    func reinitialize(
        context: SpanContext, parentSpanID: SpanID?, parentIsRemote: Bool, name: String, kind: SpanKind,
        startTimeNanos: UInt64, attributes: AttributeList, client: NoveumClient, baseContext: InstrumentationContext?,
        contextSpanAtStart: SpanID?
    ) {
        spanContext = context
        self.contextSpanAtStart = contextSpanAtStart
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
        self.client = client
        // A pool is its client's, so these are nearly always the same already (a copy made on the export side has
        // none): comparing spares a retain and a release.
        if counters !== client.counters { counters = client.counters }
        if let baseContext { self.baseContext = baseContext }
        ended = false
    }
}
