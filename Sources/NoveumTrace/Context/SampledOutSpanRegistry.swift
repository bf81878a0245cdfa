import Synchronization

/// Finds sampled-out spans by id, for `startSpan(name:parentSpanID:)`: the children of a sampled-out span are
/// sampled out too, in the same trace, even when they are started by id from another task.
///
/// A sampled-out span is a value with no state of its own, so it enters this registry each time its
/// ``NoveumSpan/spanID`` is read and leaves when it ends. A span that is never ended, or whose id is read after
/// its end, would stay; each shard therefore keeps at most ``capacityPerShard`` entries and forgets the oldest
/// half when full. A child started by the id of a forgotten span starts a new trace, as for any unknown id, and
/// is counted in ``NoveumStats/unresolvedParents``.
///
/// One registry, ``shared``, serves every client (span ids are unique in the process). While it is empty, ending a
/// sampled-out span costs one relaxed atomic load.
final class SampledOutSpanRegistry: Sendable {
    /// The registry the spans use.
    static let shared = SampledOutSpanRegistry(capacityPerShard: 1_024)

    /// The most entries one of the 16 shards keeps.
    let capacityPerShard: Int

    private struct Entry {
        let span: NoveumSpan
        let sequence: UInt64
    }

    private struct Shard {
        var spans: [UInt64: Entry] = [:]
        var nextSequence: UInt64 = 0
    }

    private let shards: [LockedValue<Shard>] = (0..<16).map { _ in LockedValue(Shard()) }
    /// How many entries the shards hold, summed.
    private let count = Atomic<Int>(0)

    init(capacityPerShard: Int) {
        self.capacityPerShard = max(2, capacityPerShard)
    }

    @inline(__always)
    private func shard(_ id: SpanID) -> LockedValue<Shard> { shards[Int(id.rawValue & 15)] }

    /// Registers `span` (again) under its id.
    func insert(_ span: NoveumSpan) {
        let id = span.spanContext.spanID
        shard(id).withLock { shard in
            let sequence = shard.nextSequence
            shard.nextSequence += 1
            if shard.spans.updateValue(Entry(span: span, sequence: sequence), forKey: id.rawValue) == nil {
                count.add(1, ordering: .relaxed)
            }
            guard shard.spans.count > capacityPerShard else { return }
            let keepFrom = sequence - UInt64(capacityPerShard / 2)
            let before = shard.spans.count
            shard.spans = shard.spans.filter { $0.value.sequence > keepFrom }
            count.subtract(before - shard.spans.count, ordering: .relaxed)
        }
    }

    /// Forgets the span with this id, if it is registered.
    @inline(__always)
    func remove(_ id: SpanID) {
        guard count.load(ordering: .relaxed) > 0 else { return }
        shard(id).withLock { shard in
            if shard.spans.removeValue(forKey: id.rawValue) != nil { count.subtract(1, ordering: .relaxed) }
        }
    }

    /// The sampled-out span registered under `id`, if any.
    func lookup(_ id: SpanID) -> NoveumSpan? {
        guard count.load(ordering: .relaxed) > 0 else { return nil }
        return shard(id).withLock { $0.spans[id.rawValue]?.span }
    }

    /// How many sampled-out spans are registered, for tests.
    var registeredCount: Int { count.load(ordering: .relaxed) }
}
