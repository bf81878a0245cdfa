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
/// One registry, ``shared``, serves every client (span ids are unique in the process). While no registry holds an
/// entry, ending a sampled-out span costs one relaxed atomic load of a global that the compiler lays out
/// statically: no `swift_once` for ``shared``.
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
                changeCount(by: 1)
            }
            guard shard.spans.count > capacityPerShard else { return }
            // More entries than the capacity means more inserts than that: `sequence` >= capacity > capacity / 2.
            let keepFrom = sequence - UInt64(capacityPerShard / 2)
            let before = shard.spans.count
            shard.spans = shard.spans.filter { $0.value.sequence > keepFrom }
            changeCount(by: shard.spans.count - before)
        }
    }

    /// Forgets the span with this id from ``shared``, if it is registered.
    @inline(__always)
    static func remove(_ id: SpanID) {
        guard entriesInAllRegistries.load(ordering: .relaxed) > 0 else { return }
        shared.remove(id)
    }

    /// Forgets the span with this id, if it is registered.
    @inline(never)
    func remove(_ id: SpanID) {
        guard count.load(ordering: .relaxed) > 0 else { return }
        shard(id).withLock { shard in
            if shard.spans.removeValue(forKey: id.rawValue) != nil { changeCount(by: -1) }
        }
    }

    /// Adds `delta` to this registry's count and to the count of all registries.
    private func changeCount(by delta: Int) {
        count.wrappingAdd(delta, ordering: .relaxed)
        entriesInAllRegistries.wrappingAdd(delta, ordering: .relaxed)
    }

    /// The sampled-out span registered under `id`, if any.
    func lookup(_ id: SpanID) -> NoveumSpan? {
        guard count.load(ordering: .relaxed) > 0 else { return nil }
        return shard(id).withLock { $0.spans[id.rawValue]?.span }
    }

    /// How many sampled-out spans are registered, for tests.
    var registeredCount: Int { count.load(ordering: .relaxed) }
}

/// How many entries all ``SampledOutSpanRegistry`` instances hold, summed: a global rather than a stored property,
/// so that the check on every sampled-out span's end needs no `swift_once`.
private let entriesInAllRegistries = Atomic<Int>(0)
