import NoveumTrace
import Synchronization

/// An exporter that accepts every batch at once and keeps nothing: the pipeline runs for real, the backend costs
/// nothing. It counts what it received, so a benchmark can check that nothing was lost.
public final class DiscardingExporter: SpanExporter, Sendable {
    public let name: String
    private let received = Atomic<Int>(0)
    private let batchCount = Atomic<Int>(0)

    public init(name: String = "discard") {
        self.name = name
    }

    /// Spans received so far.
    public var spans: Int { received.load(ordering: .relaxed) }
    /// Export calls so far.
    public var batches: Int { batchCount.load(ordering: .relaxed) }

    public func export(_ batch: [SpanData]) async -> ExportResult {
        received.add(batch.count, ordering: .relaxed)
        batchCount.add(1, ordering: .relaxed)
        return .success
    }
}

/// An exporter that accepts at most `spansPerSecond`: each batch takes `count / spansPerSecond` seconds, as a
/// backend that is slower than the application would.
public final class SlowExporter: SpanExporter, Sendable {
    public let name = "slow"
    private let spansPerSecond: Double
    private let received = Atomic<Int>(0)

    public init(spansPerSecond: Double) {
        self.spansPerSecond = spansPerSecond
    }

    /// Spans accepted so far.
    public var spans: Int { received.load(ordering: .relaxed) }

    public func export(_ batch: [SpanData]) async -> ExportResult {
        let seconds = Double(batch.count) / spansPerSecond
        try? await Task.sleep(for: .nanoseconds(Int64(seconds * 1e9)))
        received.add(batch.count, ordering: .relaxed)
        return .success
    }
}

/// An exporter whose first export waits until ``open()`` is called: everything finished meanwhile stays in the
/// pipeline's queue, which is what measuring the memory of a buffered span needs.
public final class GateExporter: SpanExporter, Sendable {
    public let name = "gate"
    private let state = Mutex<(open: Bool, waiters: [CheckedContinuation<Void, Never>])>((false, []))
    private let received = Atomic<Int>(0)
    private let inExport = Atomic<Int>(0)

    public init() {}

    /// Spans accepted so far.
    public var spans: Int { received.load(ordering: .relaxed) }
    /// Spans handed to a pending export call (not in the pipeline's queue any more).
    public var spansHeld: Int { inExport.load(ordering: .relaxed) }

    /// Lets every pending and later export through.
    public func open() {
        let waiters = state.withLock { state in
            state.open = true
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.resume() }
    }

    public func export(_ batch: [SpanData]) async -> ExportResult {
        inExport.add(batch.count, ordering: .relaxed)
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let resumeNow = state.withLock { state -> Bool in
                if state.open { return true }
                state.waiters.append(continuation)
                return false
            }
            if resumeNow { continuation.resume() }
        }
        inExport.add(-batch.count, ordering: .relaxed)
        received.add(batch.count, ordering: .relaxed)
        return .success
    }
}
