import Logging

/// Appends finished spans to the local spool, `spool.jsonl` in the ``LocalTraceDirectory``, one JSON line per span
/// in the format ``LocalSpanLineEncoder`` documents.
///
/// This is where traces go when no API key and no OTLP endpoint are configured: run `noveum-trace list` or
/// `noveum-trace show` to read them (the command ingests the spool into its SQLite store first). Several processes
/// may append to the same spool at once: every batch is one locked `O_APPEND` write of whole lines.
///
/// Spans reach this exporter after the pipeline's redaction, like every other exporter. It is local
/// (``isLocal`` is true), so prompts and completions are kept unless content capture is off.
///
/// ```swift
/// let client = try NoveumClient(config: .init(exporters: [LocalSpoolExporter()]))
/// ```
public final class LocalSpoolExporter: SpanExporter {
    private struct State {
        var encoder: LocalSpanLineEncoder?
        var logger: Logger?
        var warned = false
    }

    /// The folder the spool is written to.
    public let directory: LocalTraceDirectory
    private let state = LockedValue(State())
    private let createDirectory: LockedValue<Bool> = LockedValue(false)

    /// Creates an exporter writing to `directory` (default: `NOVEUM_LOCAL_DIR`, else `.noveum`).
    public init(directory: LocalTraceDirectory = .resolve()) {
        self.directory = directory
    }

    public var name: String { "local" }
    public var isLocal: Bool { true }

    public func start(_ context: ExporterContext) {
        state.withLock {
            $0.encoder = LocalSpanLineEncoder(context: context)
            $0.logger = context.logger
        }
    }

    public func export(_ batch: [SpanData]) async -> ExportResult {
        guard !batch.isEmpty else { return .success }
        let encoder = state.withLock { state in
            if let encoder = state.encoder { return encoder }
            let encoder = LocalSpanLineEncoder(context: .standalone())
            state.encoder = encoder
            return encoder
        }
        let bytes = encoder.encode(batch)
        do {
            if !createDirectory.withLock({ $0 }) {
                try directory.create()
                createDirectory.withLock { $0 = true }
            }
            try LocalSpoolFile.append(bytes, to: directory.spoolPath)
            return .success
        } catch {
            // The pipeline counts the drop; the first failure is logged once, with why.
            let logger = state.withLock { state -> Logger? in
                defer { state.warned = true }
                return state.warned ? nil : state.logger
            }
            logger?.warning("cannot write the local spool at \(directory.spoolPath): \(error)")
            return .dropped(batch.count, reason: .exportFailed)
        }
    }
}
