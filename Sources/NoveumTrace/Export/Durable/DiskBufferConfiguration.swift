/// Where and how the network exporters keep batches they have not delivered yet, so that no span is lost to a long
/// outage, a crash or a restart.
///
/// With a disk buffer, the Noveum and OTLP exporters write each batch to a file in ``directory`` before they send it
/// for the first time, and remove the file once the backend accepts the batch. A batch the backend does not accept
/// (it is down, or answers `429` or `5xx`) stays on disk and is sent again, oldest first, as soon as the backend
/// answers again: by this process, or by the next one that starts with the same directory.
///
/// ```swift
/// try NoveumTrace.initialize(project: "support-bot",
///                            config: .init(diskBuffer: .init(directory: "/var/lib/support-bot/traces")))
/// ```
///
/// | Setting | Default | Environment |
/// |---|---|---|
/// | ``directory`` | none (off) | `NOVEUM_DISK_BUFFER` |
/// | ``maxBytes`` | 256 MiB | `NOVEUM_DISK_BUFFER_MAX_MB` |
/// | ``maxAge`` | 24 hours | `NOVEUM_DISK_BUFFER_MAX_AGE_SECONDS` |
/// | ``synchronous`` | true | `NOVEUM_DISK_BUFFER_FSYNC` |
///
/// Each exporter uses its own subdirectory, named after it: `noveum`, `otlp` (a second exporter of the same name
/// gets `otlp-2`, and so on, in the order of ``Configuration/exporters``).
///
/// What it guarantees, and what it does not:
/// - Files are written on the export side, never on the thread that ends a span. The app never waits for the disk.
/// - A batch is on disk before its first request. A process killed at any point, even in the middle of writing a
///   file, leaves a directory the next start reads: a half-written file is skipped and counted
///   (``DiskBufferStats/corruptRecords``), never a reason to refuse to start.
/// - What a `SIGKILL` can still lose is what had not reached the export side yet: the spans in the in-memory queue,
///   at most ``Configuration/scheduleDelay`` (or one ``Configuration/batchSize``) worth of them.
/// - Delivery is at least once. A batch is sent twice only when the process died between the backend accepting it
///   and the file's removal, or a request timed out after the backend had it; such re-sends are counted in
///   ``DiskBufferStats/redelivered``.
/// - Several processes may share a directory: a lock on each file keeps two of them from sending the same batch at
///   once, and a delivered batch is removed once.
/// - When the directory holds more than ``maxBytes``, the oldest batches are removed and counted as dropped with
///   ``DropReason/diskFull``; a batch older than ``maxAge`` is removed and counted with ``DropReason/expired``.
/// - A full or read-only disk falls back to sending from memory, as without a disk buffer; spans that are then not
///   delivered are counted with ``DropReason/diskFull`` or ``DropReason/diskUnavailable``, and one warning is logged.
public struct DiskBufferConfiguration: Sendable, Hashable {
    /// The default ``maxBytes``: 256 MiB.
    public static let defaultMaxBytes = 256 << 20
    /// The default ``maxAge``: 24 hours.
    public static let defaultMaxAge = Duration.seconds(24 * 3600)

    /// The directory the exporters' subdirectories are created in (with mode 0700; files are written 0600).
    public var directory: String
    /// The most bytes kept on disk per exporter; beyond it the oldest batches are removed. Default 256 MiB.
    public var maxBytes: Int
    /// The longest a batch is kept; older batches are removed instead of sent. Default 24 hours.
    public var maxAge: Duration
    /// Whether each file is flushed to the storage device (`fsync`) before its first request, so that batches also
    /// survive a power loss or a kernel crash. Off, a batch survives the process being killed but not the machine
    /// going down. Default on.
    public var synchronous: Bool

    /// Creates a disk buffer configuration.
    ///
    /// - Parameters:
    ///   - directory: where the exporters' subdirectories are created; it is created if missing.
    ///   - maxBytes: the most bytes kept per exporter. Default 256 MiB.
    ///   - maxAge: the longest a batch is kept. Default 24 hours.
    ///   - synchronous: `fsync` each file before its first request. Default on.
    public init(
        directory: String, maxBytes: Int = DiskBufferConfiguration.defaultMaxBytes,
        maxAge: Duration = DiskBufferConfiguration.defaultMaxAge, synchronous: Bool = true
    ) {
        self.directory = directory
        self.maxBytes = maxBytes
        self.maxAge = maxAge
        self.synchronous = synchronous
    }

    /// The configuration `NOVEUM_DISK_BUFFER` and its companions describe; nil when `NOVEUM_DISK_BUFFER` is unset.
    static func fromEnvironment(_ env: EnvironmentReader) throws(NoveumTraceError) -> DiskBufferConfiguration? {
        guard let directory = env.string("NOVEUM_DISK_BUFFER") else { return nil }
        var configuration = DiskBufferConfiguration(directory: directory)
        if let megabytes = try env.int("NOVEUM_DISK_BUFFER_MAX_MB") {
            guard megabytes > 0, megabytes <= 1 << 30 else {
                throw .invalidConfiguration("NOVEUM_DISK_BUFFER_MAX_MB must be within 1...\(1 << 30), got \(megabytes)")
            }
            configuration.maxBytes = megabytes << 20
        }
        if let seconds = try env.int("NOVEUM_DISK_BUFFER_MAX_AGE_SECONDS") {
            configuration.maxAge = .seconds(seconds)
        }
        if let synchronous = try env.bool("NOVEUM_DISK_BUFFER_FSYNC") { configuration.synchronous = synchronous }
        return configuration
    }

    func validate() throws(NoveumTraceError) {
        guard !directory.isEmpty, !directory.utf8.contains(0) else {
            throw .invalidConfiguration("diskBuffer.directory must be a path, got \"\(directory)\"")
        }
        guard maxBytes > 0 else { throw .invalidConfiguration("diskBuffer.maxBytes must be positive, got \(maxBytes)") }
        guard maxAge > .zero else { throw .invalidConfiguration("diskBuffer.maxAge must be positive") }
    }
}

/// What one exporter's disk buffer holds and has done (see ``DiskBufferConfiguration``).
///
/// For a directory only this process uses, the exporter's counts add up with these:
/// `received + recoveredSpans == exported + dropped + buffered + spans` (``ExporterStats``).
public struct DiskBufferStats: Sendable, Hashable {
    /// The exporter's directory.
    public var directory: String
    /// Batches on disk waiting to be delivered: not counting those on their first request (their spans are still
    /// counted in ``ExporterStats/buffered``), counting those being sent again.
    public var batches: Int
    /// Spans in those batches.
    public var spans: Int
    /// Bytes of those batches' files.
    public var bytes: Int
    /// The age of the oldest batch waiting; nil when none is.
    public var oldestAge: Duration?
    /// Whether the last request to the backend failed, so that new batches go to disk without a request until a
    /// retry of the oldest one succeeds.
    public var backendUnavailable: Bool
    /// Batches written to disk by this process.
    public var batchesWritten: Int
    /// Spans whose first request failed, left on disk for later.
    public var spansDeferred: Int
    /// Spans found on disk that an earlier process (or another one sharing the directory) wrote.
    public var recoveredSpans: Int
    /// Spans delivered from disk after their first request failed (or by a later process).
    public var deliveredFromDisk: Int
    /// Spans sent again after a request whose outcome was unknown (the process died after sending, or the request
    /// timed out): the backend may have received them twice.
    public var redelivered: Int
    /// Files that could not be read (written only in part, or damaged) and were removed.
    public var corruptRecords: Int
    /// Batches that could not be written (disk full, read-only, permissions) and were sent from memory only.
    public var writeFailures: Int
}
