import Synchronization

/// Finds open spans by id, for `startSpan(name:parentSpanID:)`.
///
/// A recording span enters the registry only once its ``NoveumSpan/spanID`` has been read, so spans whose id is never
/// handed out cost nothing here. Entries are weak and removed when the span ends; the registry is split into
/// shards so concurrent tasks rarely meet on one lock. Sampled-out spans, which have no
/// state to be weakly referenced, are found through ``SampledOutSpanRegistry``.
final class SpanRegistry: Sendable {
    private struct WeakSpan {
        weak var span: SpanRecord?
    }

    private final class Shard: Sendable {
        let entries = LockedValue<(spans: [UInt64: WeakSpan], sweepAt: Int)>(([:], 1024))
    }

    private let shards: [Shard] = (0..<16).map { _ in Shard() }

    @inline(__always)
    private func shard(_ id: UInt64) -> Shard { shards[Int(id & 15)] }

    func insert(_ span: SpanRecord) {
        let id = span.spanContext.spanID.rawValue
        shard(id).entries.withLock { entries in
            entries.spans[id] = WeakSpan(span: span)
            if entries.spans.count >= entries.sweepAt {
                entries.spans = entries.spans.filter { $0.value.span != nil }
                entries.sweepAt = max(1024, entries.spans.count * 2)
            }
        }
    }

    func remove(_ id: SpanID) {
        _ = shard(id.rawValue).entries.withLock { $0.spans.removeValue(forKey: id.rawValue) }
    }

    func lookup(_ id: SpanID) -> SpanRecord? {
        shard(id.rawValue).entries.withLock { $0.spans[id.rawValue]?.span }
    }
}
