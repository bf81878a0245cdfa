import Synchronization

/// A snapshot of what a client has traced and delivered.
///
/// The counts add up: for each exporter, every span that finished recording was exported, dropped with a reason,
/// or is still buffered: `spansEnded == exported + dropped (other than sampled out) + buffered`. With a disk buffer
/// (``DiskBufferConfiguration``) whose directory no other process uses, spans waiting on disk and spans an earlier
/// process left there count too: `spansEnded + recoveredSpans == exported + dropped + buffered + spans` (the last
/// two terms from ``ExporterStats/diskBuffer``).
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
    /// Incoming `traceparent` values (HTTP headers, MCP `_meta`) that failed W3C parsing; the work they came with
    /// started a new trace.
    public var invalidTraceParents: Int = 0
    /// Late scores (``NoveumClient/score(_:traceID:spanID:)``) for traces the sampling rate drops: not recorded.
    public var scoresSampledOut: Int = 0
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
    /// What the exporter's disk buffer holds and has done; nil without one (see ``DiskBufferConfiguration``).
    public var diskBuffer: DiskBufferStats? = nil
}
