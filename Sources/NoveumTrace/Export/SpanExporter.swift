/// A destination for finished spans: the Noveum API, an OTLP backend, the local store, the console, or memory.
///
/// Exporters run on the export pipeline's background task, never on the thread that finished the span. Each
/// exporter has its own bounded queue, so a slow or dead backend delays only its own spans.
///
/// An exporter reports what it could not deliver through ``ExportResult``; it never throws into the
/// pipeline. If ``export(_:)`` exceeds the configured export timeout it is cancelled and its batch counted as
/// dropped with reason ``DropReason/exportTimeout``.
public protocol SpanExporter: Sendable {
    /// A short name for statistics and log messages.
    var name: String { get }

    /// Called once by the client that owns this exporter, before the first export.
    func start(_ context: ExporterContext)

    /// The batch size this exporter works best with, used when neither code nor the environment sets
    /// ``Configuration/batchSize``: OTLP exporters prefer OpenTelemetry's 512. Nil: the configuration's default.
    var preferredBatchSize: Int? { get }

    /// Whether spans stay on this machine (the console, the local store). Local exporters receive prompts and
    /// completions in full unless content capture is off; remote ones get what ``RedactionPolicy/content`` allows.
    var isLocal: Bool { get }

    /// Whether ``export(_:)`` may run for several batches at once (up to ``Configuration/maxConcurrentExports``).
    /// True for exporters whose calls share no mutable state, such as the HTTP exporters; false (the default)
    /// runs one export at a time, in order.
    var supportsConcurrentExports: Bool { get }

    /// Whether this exporter keeps undelivered batches in a disk buffer when ``Configuration/diskBuffer`` is set
    /// (the Noveum and OTLP exporters do). Default false.
    var usesDiskBuffer: Bool { get }

    /// Delivers one batch of finished spans.
    func export(_ batch: [SpanData]) async -> ExportResult

    /// Delivers anything the exporter itself buffers. Called by flush and shutdown.
    func forceFlush() async

    /// Releases the exporter's resources; no export follows.
    func shutdown() async
}

extension SpanExporter {
    public var name: String { String(describing: Self.self) }
    public func start(_ context: ExporterContext) {}
    public var preferredBatchSize: Int? { nil }
    public var isLocal: Bool { false }
    public var supportsConcurrentExports: Bool { false }
    public var usesDiskBuffer: Bool { false }
    public func forceFlush() async {}
    public func shutdown() async {}
}

/// Why a span was not delivered.
public enum DropReason: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// The trace was sampled out at its start; nothing was recorded.
    case sampledOut = "sampled_out"
    /// The exporter's queue was full when the span finished.
    case queueFull = "queue_full"
    /// The backend refused the spans or stayed unreachable after retries.
    case exportFailed = "export_failed"
    /// One export took longer than the export timeout.
    case exportTimeout = "export_timeout"
    /// A single span was larger than the backend accepts, even alone.
    case payloadTooLarge = "payload_too_large"
    /// The span finished after the client was shut down.
    case shutdown
    /// The disk buffer was over its size bound and removed the oldest batches, or the disk had no space for the
    /// batch and sending it from memory failed.
    case diskFull = "disk_full"
    /// The disk buffer could not write the batch (read-only, permissions) and sending it from memory failed.
    case diskUnavailable = "disk_unavailable"
    /// The batch waited in the disk buffer longer than its age bound.
    case expired

    public var description: String { rawValue }
}

/// What an exporter could not deliver out of one batch: nothing, for ``success``.
public struct ExportResult: Sendable, Hashable {
    /// Spans not delivered, by reason.
    public var dropped: [DropReason: Int]
    /// Spans not delivered yet but kept in the exporter's disk buffer, to be sent later (and counted then as
    /// exported or dropped).
    public var deferred: Int

    public init(dropped: [DropReason: Int] = [:], deferred: Int = 0) {
        self.dropped = dropped
        self.deferred = deferred
    }

    /// Every span was delivered.
    public static let success = ExportResult()

    /// `count` spans were not delivered, for `reason`.
    public static func dropped(_ count: Int, reason: DropReason) -> ExportResult {
        ExportResult(dropped: count > 0 ? [reason: count] : [:])
    }

    /// How many spans were not delivered (at most `Int.max`).
    public var droppedCount: Int { dropped.values.reduce(0) { $0.addingSaturated($1) } }

    /// Adds the drops and deferrals of `other` to these (each count at most `Int.max`).
    public mutating func merge(_ other: ExportResult) {
        dropped.merge(other.dropped) { $0.addingSaturated($1) }
        deferred = deferred.addingSaturated(other.deferred)
    }

    /// These drops with every count within `0...count`, the size of the batch they are about: what a pipeline
    /// adds to its totals, whatever an exporter reported.
    func clamped(to count: Int) -> ExportResult {
        let deferred = min(max(0, self.deferred), count)
        guard dropped.contains(where: { $0.value < 0 || $0.value > count }) || deferred != self.deferred else {
            return self
        }
        var result = ExportResult(deferred: deferred)
        for (reason, dropped) in dropped where dropped > 0 { result.dropped[reason] = min(dropped, count) }
        return result
    }
}
