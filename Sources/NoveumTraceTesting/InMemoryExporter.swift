import NoveumTrace
import Synchronization

/// An exporter that keeps every span it receives, for tests.
///
/// ```swift
/// let exporter = InMemoryExporter()
/// let client = try NoveumClient(project: "test", config: .init(exporters: [exporter]))
/// client.traceOperation("work") { _ in }
/// await client.flush()
/// #expect(exporter.spans.map(\.name) == ["work"])
/// ```
///
/// It can also be told to fail, to test what the pipeline does with undeliverable spans.
public final class InMemoryExporter: SpanExporter, Sendable {
    private struct State {
        var spans: [SpanData] = []
        var batches: [Int] = []
        var failure: DropReason?
        var flushes = 0
        var isShutdown = false
    }

    private let state = LockedValue(State())
    public let name: String

    /// Creates an empty exporter.
    public init(name: String = "in-memory") {
        self.name = name
    }

    /// Every span exported so far, in export order.
    public var spans: [SpanData] { state.withLock { $0.spans } }

    /// The size of every batch exported so far.
    public var batchSizes: [Int] { state.withLock { $0.batches } }

    /// How many times the pipeline flushed this exporter.
    public var flushCount: Int { state.withLock { $0.flushes } }

    /// Whether the pipeline shut this exporter down.
    public var isShutdown: Bool { state.withLock { $0.isShutdown } }

    /// The spans exported so far whose name is `name`.
    public func spans(named name: String) -> [SpanData] { spans.filter { $0.name == name } }

    /// The spans of one trace.
    public func spans(inTrace traceID: TraceID) -> [SpanData] { spans.filter { $0.traceID == traceID } }

    /// Makes every following export fail with `reason` (nil: succeed again).
    public func failExports(with reason: DropReason?) {
        state.withLock { $0.failure = reason }
    }

    /// Forgets every span.
    public func reset() {
        state.withLock {
            $0.spans = []
            $0.batches = []
        }
    }

    public func export(_ batch: [SpanData]) async -> ExportResult {
        state.withLock { state in
            if let failure = state.failure { return .dropped(batch.count, reason: failure) }
            state.spans.append(contentsOf: batch)
            state.batches.append(batch.count)
            return .success
        }
    }

    public func forceFlush() async {
        state.withLock { $0.flushes += 1 }
    }

    public func shutdown() async {
        state.withLock { $0.isShutdown = true }
    }
}
