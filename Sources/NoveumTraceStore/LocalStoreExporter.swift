import NoveumTrace

/// Writes finished spans straight into a ``TraceStore``, for apps that import `NoveumTraceStore`.
///
/// Apps that do not import it get the same traces through the core's `LocalSpoolExporter`, which the store
/// ingests later. Spans arrive after the pipeline's redaction, like every exporter's.
///
/// ```swift
/// let store = try TraceStore(directory: .resolve())
/// try NoveumTrace.initialize(config: .init(exporters: [LocalStoreExporter(store: store)]))
/// ```
public final class LocalStoreExporter: SpanExporter {
    private struct Owner {
        var project = "default"
        var environment = "development"
        var resource = Resource(attributes: [:])
    }

    /// The store spans are written to.
    public let store: TraceStore
    private let owner = LockedValue(Owner())

    /// Creates an exporter writing into `store`.
    public init(store: TraceStore) {
        self.store = store
    }

    public var name: String { "local-store" }
    public var isLocal: Bool { true }

    public func start(_ context: ExporterContext) {
        owner.withLock {
            $0 = Owner(
                project: context.settings.project, environment: context.settings.environment,
                resource: context.resource)
        }
    }

    public func export(_ batch: [SpanData]) async -> ExportResult {
        let owner = owner.withLock { $0 }
        let records = batch.map {
            LocalSpanRecord(span: $0, project: owner.project, environment: owner.environment, resource: owner.resource)
        }
        do {
            try store.insert(records)
            return .success
        } catch {
            return .dropped(batch.count, reason: .exportFailed)
        }
    }
}
