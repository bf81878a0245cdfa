import Synchronization
import Tracing

/// The state of a span that records: its record, and whether it has ended. A ``NoveumSpan`` of a sampled trace
/// (or of a tail-sampling candidate) refers to one of these; copies of the span share it.
///
/// All mutable state sits behind one lock that is held only for the few instructions each call needs. Calls
/// after the end are ignored and counted in ``NoveumStats/ignoredCallsOnEndedSpans``. Released without being
/// ended, it ends itself, exported with `noveum.span.abandoned = true` and counted in
/// ``NoveumStats/spansAbandoned``: a forgotten `finishSpan` loses no data.
@usableFromInline
final class RecordingSpan: BoundSpan, @unchecked Sendable {
    let parentSpanID: SpanID?
    let parentIsRemote: Bool
    let kind: SpanKind
    let startTimeNanos: UInt64
    let client: NoveumClient
    /// The context this span was started in, for swift-distributed-tracing's `Span.context`.
    let baseContext: InstrumentationContext?
    /// What the span records, exported as is when it ends (no copy). Written only under `lock` while open.
    let record: SpanRecord
    /// Guards `record`, `ended` and `isRegistered`: one atomic word inside the span, so a span costs one
    /// allocation for itself and one for its record, and no lock set-up.
    private let lock = SpinLock()
    @exclusivity(unchecked) private nonisolated(unsafe) var ended = false
    @exclusivity(unchecked) private nonisolated(unsafe) var isRegistered = false

    init(
        context: SpanContext, parentSpanID: SpanID?, parentIsRemote: Bool, kind: SpanKind, startTimeNanos: UInt64,
        record: SpanRecord, client: NoveumClient, baseContext: InstrumentationContext?, contextSpanAtStart: SpanID?
    ) {
        self.parentSpanID = parentSpanID
        self.parentIsRemote = parentIsRemote
        self.kind = kind
        self.startTimeNanos = startTimeNanos
        self.client = client
        self.baseContext = baseContext
        self.record = record
        super.init(spanContext: context, contextSpanAtStart: contextSpanAtStart, isRecording: true)
    }

    deinit {
        // Nothing else holds the span any more (a deinit has exclusive access), so no lock is needed: the open
        // check is all that nearly every span pays here.
        guard !ended else { return }
        ended = true
        client.counters.spansAbandoned.add(1, ordering: .relaxed)
        record.endTimeNanos = max(WallClock.nanosecondsSinceEpoch(), startTimeNanos, 1)
        record.set("noveum.span.abandoned", .bool(true), limit: Int.max)
        client.spanEnded(SpanData(record: record))
    }

    var name: String { lock.withLock { record.name } }
    var isEnded: Bool { lock.withLock { ended } }
    var status: NoveumSpan.Status { lock.withLock { record.status } }
    var attributes: AttributeList { lock.withLock { record.attributes } }

    /// Runs `body` on the record while the span is open; counts the call if it has ended.
    @inline(__always)
    func mutate(_ body: (SpanRecord) -> Void) {
        let applied = lock.withLock { () -> Bool in
            guard !ended else { return false }
            body(record)
            return true
        }
        if !applied { client.counters.ignoredCalls.add(1, ordering: .relaxed) }
    }

    /// Ends the span at `time` (no earlier than its start) and hands the record to the export pipelines;
    /// `succeeded` sets status `ok` unless another was set. The record is not copied: the export queues get
    /// references to it, and the span never writes it again.
    func finish(atNanos time: UInt64, succeeded: Bool) {
        enum Outcome { case ended, endedRegistered, alreadyEnded }
        let outcome = lock.withLock { () -> Outcome in
            guard !ended else { return .alreadyEnded }
            ended = true
            if succeeded && record.status == .unset { record.status = .ok }
            record.endTimeNanos = max(time, startTimeNanos, 1)
            return isRegistered ? .endedRegistered : .ended
        }
        switch outcome {
        case .ended: break
        case .endedRegistered: client.registry.remove(spanContext.spanID)
        case .alreadyEnded:
            client.counters.ignoredCalls.add(1, ordering: .relaxed)
            return
        }
        client.spanEnded(SpanData(record: record))
    }

    /// Makes this span findable by id for explicit parenting, once its id has been handed out.
    func registerForLookup() {
        lock.withLock {
            guard !isRegistered, !ended else { return }
            isRegistered = true
            client.registry.insert(self)
        }
    }
}
