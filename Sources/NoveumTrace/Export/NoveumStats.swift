import Synchronization

/// A snapshot of what a client has traced and delivered.
///
/// The counts add up: for each exporter, every span that finished recording was exported, dropped with a reason,
/// or is still buffered: `spansEnded == exported + dropped (other than sampled out) + buffered`.
public struct NoveumStats: Sendable, Hashable {
    /// Spans started, recording or not.
    public var spansStarted: Int
    /// Spans not recorded because their trace was sampled out.
    public var spansSampledOut: Int
    /// Recording spans that finished (including abandoned ones).
    public var spansEnded: Int
    /// Recording spans released without being ended, which were ended then and exported.
    public var spansAbandoned: Int
    /// Calls on recording spans that had already ended, which were ignored. (A sampled-out span keeps no state, so
    /// calls on it are ignored whether it has ended or not, and are not counted.)
    public var ignoredCallsOnEndedSpans: Int
    /// Spans started with a `parentSpanID` that no open span had; they started a new trace.
    public var unresolvedParents: Int
    /// One entry per exporter.
    public var exporters: [ExporterStats]

    /// Spans delivered, summed over exporters.
    public var spansExported: Int { exporters.reduce(0) { $0 + $1.exported } }
    /// Spans still waiting in the exporters' queues.
    public var spansBuffered: Int { exporters.reduce(0) { $0 + $1.buffered } }
    /// Spans not delivered, by reason, summed over exporters; sampled-out spans under ``DropReason/sampledOut``.
    public var spansDropped: [DropReason: Int] {
        var result: [DropReason: Int] = spansSampledOut > 0 ? [.sampledOut: spansSampledOut] : [:]
        for exporter in exporters { result.merge(exporter.dropped, uniquingKeysWith: +) }
        return result
    }
}

/// What one exporter's pipeline has done.
public struct ExporterStats: Sendable, Hashable {
    /// The exporter's name.
    public var name: String
    /// Finished spans handed to this exporter's pipeline.
    public var received: Int
    /// Spans accepted into the queue.
    public var enqueued: Int
    /// Spans delivered.
    public var exported: Int
    /// Spans not delivered, by reason.
    public var dropped: [DropReason: Int]
    /// Spans waiting in the queue or being exported now.
    public var buffered: Int
    /// Export calls made, and how many of them lost spans.
    public var batches: Int
    public var failedBatches: Int
    /// Requests repeated after a retryable failure, as reported by the exporter.
    public var retries: Int
    /// How long the last export call took.
    public var lastExportDuration: Duration?
    /// Attribute values cut by the redaction policy's size limits.
    public var truncatedValues: Int
}

/// The client's counters: relaxed atomics, bumped on the hot path without a lock. A span start bumps one
/// counter: `recordingStarted` or `sampledOutAtStart`.
final class ClientCounters: Sendable {
    /// Spans started that record.
    let recordingStarted = Atomic<Int>(0)
    /// Spans started that record nothing (their trace was sampled out, or the client has no exporter).
    let sampledOutAtStart = Atomic<Int>(0)
    /// Recorded spans the tail rule discarded.
    let tailDiscarded = Atomic<Int>(0)
    let spansAbandoned = Atomic<Int>(0)
    let ignoredCalls = Atomic<Int>(0)
    let unresolvedParents = Atomic<Int>(0)
}

extension ClientCounters {
    /// Every span started.
    var spansStarted: Int {
        recordingStarted.load(ordering: .relaxed) &+ sampledOutAtStart.load(ordering: .relaxed)
    }

    /// Spans sampled out, at their start or by the tail rule.
    var spansSampledOut: Int {
        sampledOutAtStart.load(ordering: .relaxed) &+ tailDiscarded.load(ordering: .relaxed)
    }
}
