import Synchronization
import Tracing

/// One span's record: the live state of a recording span while it is open, and what exporters read once it ends.
///
/// A ``NoveumSpan`` of a sampled trace (or of a tail-sampling candidate) refers to its record; copies of the
/// handle share it. While the span is open, its values change only under ``lock`` and only while ``ended`` is
/// false. Ending the span publishes the record to the export queues (through the queues' locks) and the span never
/// writes it again: from then on it is read-only and shared without copying, one reference per exporter. A
/// ``SpanData`` that is changed (by the redaction stage, or by an exporter) copies the record first unless it holds
/// the only reference, so a value never changes under another holder.
///
/// One object per span, and usually a recycled one: once its batch is exported and nothing else holds it (the app
/// dropped its handle, no exporter kept it), ``SpanRecordPool`` takes the record back for the next span, so a
/// span without attributes usually allocates nothing.
///
/// A live record that is released without being ended ends itself: a copy is exported with
/// `noveum.span.abandoned = true` and counted in ``NoveumStats/spansAbandoned``, so a forgotten `finishSpan` loses
/// no data.
@usableFromInline
final class SpanRecord: BoundSpan, @unchecked Sendable {
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

    // The live span's state. A record built as data (``SpanData``'s initialiser, a copy) has no client and is
    // ended from the start.

    /// The client that records the span, held while the span is open (an open span keeps its client alive, so
    /// that ending it always reaches the export queues). Ending the span sets it to nil: a record in a queue, the
    /// pool or an exporter must not keep alive the client that owns them. Read and written only under ``lock``,
    /// or with exclusive access (initialisation, reuse, deinit).
    @exclusivity(unchecked) var client: NoveumClient?
    /// The counters of the client that recorded the span, kept after its end to count calls on an ended span.
    /// They hold nothing, so keeping them creates no cycle. Written only with exclusive access.
    @exclusivity(unchecked) var counters: ClientCounters?
    /// The context this span was started in, for swift-distributed-tracing's `Span.context`.
    @exclusivity(unchecked) var baseContext: InstrumentationContext?
    /// Guards every value while the span is open, with ``ended`` and ``isRegistered``: one atomic word inside the
    /// record, so a span needs no lock set-up.
    let lock = SpinLock()
    /// Whether the span has ended; its record is read-only from then on.
    @exclusivity(unchecked) var ended: Bool
    /// Whether the span was registered in its client's ``SpanRegistry``; it stays true after the span ends. The
    /// registry's weak reference gave the object a side table for the rest of its life, and every retain and
    /// release of it then takes the runtime's slower path, so the pool lets such a record go instead of reusing it.
    @exclusivity(unchecked) var isRegistered = false

    /// A record built as data: ended, with no client.
    init(
        context: SpanContext, parentSpanID: SpanID?, parentIsRemote: Bool, name: String, kind: SpanKind,
        startTimeNanos: UInt64, endTimeNanos: UInt64 = 0, status: NoveumSpan.Status = .unset,
        statusMessage: String? = nil, attributes: AttributeList, events: [NoveumSpan.Event] = [],
        links: [NoveumSpan.Link] = [], exception: NoveumSpan.ExceptionInfo? = nil, droppedAttributeCount: Int = 0,
        droppedEventCount: Int = 0
    ) {
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
        self.ended = true
        super.init(spanContext: context, contextSpanAtStart: nil, isRecording: true)
    }

    /// The record of a span that starts now: open, recorded by `client`.
    convenience init(
        context: SpanContext, parentSpanID: SpanID?, parentIsRemote: Bool, name: String, kind: SpanKind,
        startTimeNanos: UInt64, attributes: AttributeList, client: NoveumClient, baseContext: InstrumentationContext?,
        contextSpanAtStart: SpanID?
    ) {
        self.init(
            context: context, parentSpanID: parentSpanID, parentIsRemote: parentIsRemote, name: name, kind: kind,
            startTimeNanos: startTimeNanos, attributes: attributes)
        self.client = client
        self.counters = client.counters
        self.baseContext = baseContext
        self.contextSpanAtStart = contextSpanAtStart
        self.ended = false
    }

    deinit {
        // Nothing else holds the record any more (a deinit has exclusive access), so no lock is needed: the open
        // check is all that nearly every record pays here. An abandoned span cannot hand itself to the queues from
        // its deinit, so it exports a copy.
        guard !ended, let client else { return }
        ended = true
        client.counters.spansAbandoned.add(1, ordering: .relaxed)
        endTimeNanos = max(WallClock.nanosecondsSinceEpoch(), startTimeNanos, 1)
        set("noveum.span.abandoned", .bool(true), limit: Int.max)
        client.spanEnded(SpanData(record: copy()))
    }

    /// The trace id, span id, sampling flag and trace state.
    var context: SpanContext {
        get { spanContext }
        set { spanContext = newValue }
    }

    /// A new record with the same values, built as data (ended, no client).
    func copy() -> SpanRecord {
        SpanRecord(
            context: spanContext, parentSpanID: parentSpanID, parentIsRemote: parentIsRemote, name: name, kind: kind,
            startTimeNanos: startTimeNanos, endTimeNanos: endTimeNanos, status: status, statusMessage: statusMessage,
            attributes: attributes, events: events, links: links, exception: exception,
            droppedAttributeCount: droppedAttributeCount, droppedEventCount: droppedEventCount)
    }

    /// Sets `key`, replacing its value if present; counts the attribute as dropped when `limit` is reached.
    func set(_ key: String, _ value: AttributeValue, limit: Int) {
        if attributes.replaceValue(forKey: key, with: value) { return }
        append(AttributeList.Element(key: key, value: value), limit: limit)
    }

    /// Appends an attribute whose key the span does not have, or counts it as dropped past `limit`. Call it under
    /// the lock.
    private func append(_ element: consuming AttributeList.Element, limit: Int) {
        if attributes.storage.count < limit {
            // Room for the usual handful at once, instead of growing 1 → 2 → 4 → 8 with an allocation each.
            if attributes.storage.capacity == 0 { attributes.storage.reserveCapacity(min(limit, 8)) }
            attributes.storage.append(element)
        } else {
            droppedAttributeCount += 1
        }
    }

    /// Sets each of `elements` in order, moving it in (the buffer is left deinitialized). Call it under the lock.
    func set(moving elements: UnsafeMutableBufferPointer<AttributeList.Element>) {
        let limit = limits.maxAttributes
        for index in elements.indices {
            let element = elements.moveElement(from: index)
            if attributes.replaceValue(forKey: element.key, with: element.value) { continue }
            append(element, limit: limit)
        }
    }

    /// Appends `event`, or counts it as dropped past the event limit. Call it under the lock.
    func append(_ event: NoveumSpan.Event) {
        if events.count < limits.maxEvents {
            events.append(event)
        } else {
            droppedEventCount += 1
        }
    }

    /// What a GenAI span adds when it fails, after the conventions: `error.type` (unless set) on any span with
    /// `gen_ai.operation.name`, and on a model call `event` again, named `gen_ai.client.operation.exception`.
    /// Call it under the lock; it reads only the failing span's attributes.
    func recordGenAIFailure(type: String, event: NoveumSpan.Event) {
        guard let operation = attributes["gen_ai.operation.name"]?.stringValue else { return }
        if attributes["error.type"] == nil { set("error.type", .string(type), limit: limits.maxAttributes) }
        guard LLMConventions.modelOperations.contains(operation) else { return }
        var genAIEvent = event
        genAIEvent.name = "gen_ai.client.operation.exception"
        append(genAIEvent)
    }

    /// Sets each of `elements` in order with ``set(_:_:limit:)`` under the client's attribute limit. Call it under
    /// the lock, as ``mutate(_:)`` does.
    func set(contentsOf elements: some Sequence<AttributeList.Element>) {
        let limit = limits.maxAttributes
        for element in elements { set(element.key, element.value, limit: limit) }
    }
}
