import Synchronization
import Tracing

/// Records of exported spans, kept for new spans to reuse.
///
/// A span's record is allocated on the thread that starts the span and released on the export task's thread once
/// its batch is exported. With the system allocator that is the costly direction: the app's thread never finds a
/// freed record in its own cache, and both threads meet on the allocator's shared lock (measured on Linux: one
/// contended lock wait every 30 spans, each a system call). So a pipeline hands back each record that nothing
/// else holds any more (no exporter kept it, the app dropped its span), and the client takes records from here
/// before allocating. The record is the span's only object (``SpanRecord``), so in the steady state a span without
/// attributes allocates nothing.
///
/// A record is reused only when its reference is unique, so a record that an exporter, a test or the app still
/// holds is never touched; nor is one whose span was registered for lookup by id (``SpanRecord/isRegistered``).
/// The export side only reads a usual record (its memory then stays in the app core's cache for the next span to
/// overwrite) and drops what is large: events, links, an exception, more than 16 attributes, and any name, key,
/// value or message over 256 bytes. So the pool holds at most `capacity` records of a bounded size (under 9 KB
/// each); records beyond it are released as before.
final class SpanRecordPool: Sendable {
    /// Records ready for reuse; guarded by `lock`.
    @exclusivity(unchecked) private nonisolated(unsafe) var records: [SpanRecord] = []
    private let lock = SpinLock()
    /// The most records kept.
    let capacity: Int

    /// A pool that keeps at most `capacity` records.
    init(capacity: Int) {
        self.capacity = max(0, capacity)
    }

    /// The capacity for a client: two batches (at least 512 spans each), so the export task can hand back a whole
    /// batch while the app still takes from the one before; at most the queue bound, and at most 4,096 records.
    static func capacity(for configuration: Configuration) -> Int {
        // The batch size is capped before doubling (a larger one gives 4,096 either way), so no setting overflows.
        min(4096, configuration.maxQueueSize, 2 * max(min(configuration.batchSize, 2048), 512))
    }

    /// The open record of a new span: a recycled one when one is waiting, else a new one.
    @inline(__always)
    func record(
        context: SpanContext, parentSpanID: SpanID?, parentIsRemote: Bool, name: String, kind: SpanKind,
        startTimeNanos: UInt64, attributes: AttributeList, client: NoveumClient, baseContext: InstrumentationContext?,
        contextSpanAtStart: SpanID?
    ) -> SpanRecord {
        if let record = lock.withLock({ records.popLast() }) {
            record.reinitialize(
                context: context, parentSpanID: parentSpanID, parentIsRemote: parentIsRemote, name: name, kind: kind,
                startTimeNanos: startTimeNanos, attributes: attributes, client: client, baseContext: baseContext,
                contextSpanAtStart: contextSpanAtStart)
            return record
        }
        return SpanRecord(
            context: context, parentSpanID: parentSpanID, parentIsRemote: parentIsRemote, name: name, kind: kind,
            startTimeNanos: startTimeNanos, attributes: attributes, client: client, baseContext: baseContext,
            contextSpanAtStart: contextSpanAtStart)
    }

    /// How many records are waiting.
    var count: Int { lock.withLock { records.count } }

    /// Takes back the records of an exported batch that nothing else references; the others are released with
    /// the batch.
    func recycle(_ batch: consuming [SpanData]) {
        guard capacity > 0 else { return }
        var spans = batch
        var reusable: [SpanRecord] = []
        // If the batch's storage is shared, this makes a private copy first: then no record is unique and none is
        // reused, which is the safe outcome.
        spans.withUnsafeMutableBufferPointer { buffer in
            for index in buffer.indices where isKnownUniquelyReferenced(&buffer[index].record) {
                // The last other holder (the app's handle) let go with a releasing decrement; this pairs with it,
                // so everything that holder did with the record happens before the writes below.
                atomicMemoryFence(ordering: .acquiring)
                // A record that was registered for lookup carries a side table (see `isRegistered`).
                if buffer[index].record.isRegistered { continue }
                buffer[index].record.shedForReuse()
                reusable.append(buffer[index].record)
            }
        }
        _ = consume spans
        guard !reusable.isEmpty else { return }
        lock.withLock {
            let room = capacity - records.count
            if room > 0 { records.append(contentsOf: reusable.prefix(room)) }
        }
        // Records that did not fit are released with `reusable`, outside the lock.
    }
}
