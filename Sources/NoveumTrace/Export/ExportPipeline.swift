import Logging
import Synchronization

/// One exporter's batch pipeline: a bounded queue that finished spans are appended to, and a background task that
/// exports them in batches.
///
/// The caller's side is one short lock and an append: no I/O, no allocation beyond one batch-sized chunk per
/// `batchSize` spans, and no wake-up unless a batch just filled. The queue is kept as chunks of at most `batchSize`
/// spans, so appending never moves what is already queued and taking the next batch is one pointer move, however
/// far the exporter has fallen behind. The background task wakes when a batch is full, when the schedule
/// delay passes, or when someone flushes. When the queue is full a finished span is dropped and counted; the first
/// drop logs one warning.
///
/// An exporter that supports it gets up to `maxConcurrentExports` batches at once: while one export is in flight
/// the next full batch goes out beside it (its encoding and compression use another core, its request overlaps the
/// first one's wait). Flush still waits in queue order: a batch that finishes early counts as processed only
/// when every batch before it has finished.
final class ExportPipeline: Sendable {
    struct Settings: Sendable {
        var maxQueueSize: Int
        var batchSize: Int
        var scheduleDelay: Duration
        var exportTimeout: Duration
        /// The most batches exported at once; 1 unless the exporter supports more.
        var maxConcurrentExports: Int
        var wakePerSpan: Bool
        var redaction: RedactionPolicy = .disabled
    }

    /// A task waiting for the pipeline to get somewhere.
    private struct Waiter {
        enum Condition {
            /// Flush: this many spans processed in queue order.
            case processed(UInt64)
            /// Tests: this many batches accounted for and drains finished.
            case progress(batches: Int, drains: Int)
        }

        let condition: Condition
        let continuation: CheckedContinuation<Void, Never>

        var isFlush: Bool {
            if case .processed = condition { return true }
            return false
        }
    }

    private struct State {
        /// Spans waiting for export, in chunks of at most `batchSize`; the first chunk is the next batch.
        var chunks: [[SpanData]] = []
        /// Spans in `chunks`.
        var queued = 0
        /// Spans handed to this pipeline, accepted or not.
        var received = 0
        /// Spans ever accepted into the queue.
        var enqueued: UInt64 = 0
        /// Spans taken out of the queue for export (or stranded at shutdown), in queue order.
        var taken: UInt64 = 0
        /// The spans at the front of the queue order whose export has finished, delivered or not: a batch that
        /// finishes before an earlier one still in flight waits in `finishedAhead` and is counted with it, so that
        /// a flush never returns while a span it covers is still being exported.
        var processed: UInt64 = 0
        /// Batches that finished ahead of an earlier one: their first position in queue order, and their size.
        var finishedAhead: [UInt64: Int] = [:]
        /// The spans in `finishedAhead`.
        var finishedAheadSpans: UInt64 = 0
        /// Times the loop emptied the queue and saw every export finish.
        var drainsFinished = 0
        var wakePending = false
        var isShutdown = false
        var warnedQueueFull = false
        var waiters: [Waiter] = []
        var exported = 0
        var dropped: [DropReason: Int] = [:]
        /// Spans whose export left them in the disk buffer.
        var deferred = 0
        var batches = 0
        var failedBatches = 0
        var lastExportDuration: Duration?
        var truncatedValues = 0
        var loop: Task<Void, Never>?
    }

    let exporter: any SpanExporter
    private let settings: Settings
    private let redactor: Redactor?
    private let logger: Logger
    /// Taken by the app's threads for every span, so a spin lock (held for a few instructions each time).
    private let state: SpinLockedValue<State>
    private let wake = WakeSignal()
    /// Where exported records go back for reuse.
    private let recordPool: SpanRecordPool?
    /// Retries reported by the exporter: in an object of its own, so that the exporter's context can count into it
    /// without holding the pipeline (which holds the exporter: a cycle that kept every client alive).
    let retries = RetryCount()

    final class RetryCount: Sendable {
        let value = Atomic<Int>(0)
    }
    /// The exporter's disk buffer, if it has one.
    let diskBuffer: DiskBuffer?

    /// - Parameter diskBuffer: the disk buffer's settings and the exporter's subdirectory, for an exporter that
    ///   keeps undelivered batches on disk.
    init(
        exporter: any SpanExporter, settings: Settings, logger: Logger, recordPool: SpanRecordPool? = nil,
        diskBuffer: (configuration: DiskBufferConfiguration, subdirectory: String)? = nil
    ) {
        self.exporter = exporter
        self.recordPool = recordPool
        let state = SpinLockedValue(State())
        self.state = state
        // Batches sent from disk, evicted or expired are counted here, as a pipeline export's outcome is.
        self.diskBuffer = diskBuffer.map { disk in
            DiskBuffer(configuration: disk.configuration, subdirectory: disk.subdirectory, logger: logger) {
                delivered, dropped in
                state.withLock { state in
                    state.exported += delivered
                    state.dropped.merge(dropped.dropped, uniquingKeysWith: +)
                }
            }
        }
        var settings = settings
        // An exporter's `preferredBatchSize` is not validated with the configuration: bound it the same way.
        settings.batchSize = min(max(settings.batchSize, 1), Configuration.maxBatchSizeLimit)
        self.settings = settings
        self.logger = logger
        let redactor = Redactor(policy: settings.redaction, isLocalDestination: exporter.isLocal)
        self.redactor = redactor.isNoOp ? nil : redactor
    }

    /// Starts the background export task. The task holds the pipeline until ``stopLoop()`` (the client calls it
    /// when it is released) or shutdown. It is not a weak reference on purpose: a weakly referenced object pays
    /// the slow reference-counting path on every retain, and the pipeline is retained for every span that ends.
    func start() {
        let wake = self.wake
        let delay = settings.scheduleDelay
        let task = Task.detached(priority: .utility) { [self] in
            while !Task.isCancelled {
                await wake.wait(timeout: delay)
                if await runOnce() { return }
            }
        }
        state.withLock { $0.loop = task }
    }

    /// Stops the background task once it has exported what is queued; for a client that is released without
    /// `shutdown`.
    func stopLoop() {
        state.withLock { $0.loop?.cancel() }
        diskBuffer?.stop()
    }

    // MARK: Caller side

    /// Accepts a finished span (moved into the queue's storage), or drops and counts it.
    @inline(__always)
    func enqueue(_ span: consuming SpanData) {
        enum Outcome { case queued, wake, full(warn: Bool), shutdown }
        let batchSize = settings.batchSize
        // Moved into the queue, not copied: the closure below cannot consume a parameter.
        var pending = Optional(span)
        let outcome = state.withLock { state -> Outcome in
            state.received += 1
            if state.isShutdown {
                state.dropped[.shutdown, default: 0] += 1
                return .shutdown
            }
            if state.queued >= settings.maxQueueSize {
                state.dropped[.queueFull, default: 0] += 1
                defer { state.warnedQueueFull = true }
                return .full(warn: !state.warnedQueueFull)
            }
            // `pending` holds the span until exactly one of the two `take()`s below: neither unwrap can fail.
            let last = state.chunks.count - 1
            if last >= 0 && state.chunks[last].count < batchSize {
                state.chunks[last].append(pending.take()!)
            } else {
                var chunk: [SpanData] = []
                // At most `Configuration.maxBatchSizeLimit`: validated, so this reservation stays bounded.
                chunk.reserveCapacity(batchSize)
                chunk.append(pending.take()!)
                state.chunks.append(chunk)
            }
            state.queued += 1
            state.enqueued &+= 1
            if !state.wakePending && (settings.wakePerSpan || state.queued >= batchSize) {
                state.wakePending = true
                return .wake
            }
            return .queued
        }
        switch outcome {
        case .queued, .shutdown: return
        case .wake: wake.signal()
        case .full(let warn):
            if warn {
                logger.warning(
                    "export queue full; dropping finished spans (counted in NoveumTrace.stats)",
                    metadata: ["exporter": "\(exporter.name)", "max_queue_size": "\(settings.maxQueueSize)"])
            }
        }
    }

    // MARK: Background side

    /// Exports what is queued; returns true when the pipeline has shut down and has nothing left.
    private func runOnce() async -> Bool {
        await drain()
        return state.withLock { $0.isShutdown && $0.queued == 0 }
    }

    /// Exports everything queued now, batch by batch, with up to `maxConcurrentExports` batches in flight; returns
    /// when the queue is empty and every export has finished.
    private func drain() async {
        let limit = settings.maxConcurrentExports
        defer {
            let ready = state.withLock { state in
                state.drainsFinished += 1
                return takeReadyWaiters(&state)
            }
            for continuation in ready { continuation.resume() }
        }
        // Only the drain's first batch may be partial (the schedule delay passed, or a batch filled): a partial tail
        // that builds up while exports run waits for the next wake-up unless someone flushes, so a fast exporter
        // under steady traffic sends full batches instead of a stream of small ones.
        var tookOne = false
        if limit <= 1 {
            while let batch = takeBatch(fullOnly: tookOne) {
                tookOne = true
                await export(batch)
            }
            return
        }
        // The loop waits for whichever comes first: a free slot's next batch (the wake signal, which a finishing
        // export also sends) or, when every slot is busy or the task is cancelled, an export finishing.
        await withTaskGroup(of: Void.self) { group in
            // Exports of this drain that have finished, and how many of those the loop has taken from the group.
            let finished = LockedValue(0)
            var running = 0
            var reaped = 0
            while true {
                while running > 0 && finished.withLock({ $0 }) > reaped {
                    await group.next()
                    running -= 1
                    reaped += 1
                }
                // A second slot takes only a full batch; the queue's partial tail waits for the first free slot,
                // as it would without concurrency, so concurrency never splits the traffic into smaller requests.
                while running < limit, let batch = takeBatch(fullOnly: running > 0 || tookOne) {
                    tookOne = true
                    group.addTask {
                        await self.export(batch)
                        finished.withLock { $0 += 1 }
                        self.wake.signal()
                    }
                    running += 1
                }
                if running == 0 { return }
                if running == limit || Task.isCancelled {
                    await group.next()
                    running -= 1
                    reaped += 1
                } else {
                    await wake.wait(timeout: settings.scheduleDelay)
                }
            }
        }
    }

    /// Takes the next batch off the queue, in a box that the export empties and refills (see ``export(_:)``); nil
    /// when nothing is queued, or with `fullOnly` when the next batch is not full yet (unless a flush or shutdown is
    /// waiting).
    private func takeBatch(fullOnly: Bool = false) -> Batch? {
        let batchSize = settings.batchSize
        let (spans, start) = state.withLock { state -> ([SpanData], UInt64) in
            state.wakePending = false
            guard let first = state.chunks.first else { return ([], 0) }
            if fullOnly && first.count < batchSize && !state.isShutdown && !state.waiters.contains(where: \.isFlush) {
                return ([], 0)
            }
            let batch = state.chunks.removeFirst()
            state.queued -= batch.count
            let start = state.taken
            state.taken &+= UInt64(batch.count)
            return (batch, start)
        }
        if spans.isEmpty { return nil }
        let count = spans.count
        return Batch(spans: LockedValue(consume spans), start: start, count: count)
    }

    /// A batch on its way to the exporter.
    private struct Batch: Sendable {
        /// The spans. They travel in a box that the export task empties and refills, so that afterwards this side
        /// holds the only reference to them (unless the exporter kept one) and can hand their records back for
        /// reuse.
        let spans: LockedValue<[SpanData]>
        /// The position of its first span in queue order.
        let start: UInt64
        let count: Int
    }

    private func export(_ batch: Batch) async {
        let handoff = batch.spans
        let count = batch.count
        if let redactor {
            let truncated = handoff.withLock { spans in
                var truncated = 0
                for index in spans.indices { truncated += redactor.apply(&spans[index]) }
                return truncated
            }
            if truncated > 0 { state.withLock { $0.truncatedValues += truncated } }
        }
        let exporter = self.exporter
        let clock = ContinuousClock()
        let started = clock.now
        let reported =
            await withDeadline(settings.exportTimeout) {
                let spans = handoff.take()
                let result = await exporter.export(spans)
                handoff.withLock { $0 = consume spans }
                return result
            }
            ?? .dropped(count, reason: .exportTimeout)
        if let recordPool {
            recordPool.recycle(handoff.take())
        }
        let elapsed = clock.now - started
        // An exporter's counts are its own code's: kept within the batch, a wrong one (negative, or `Int.max`)
        // cannot make the totals below overflow.
        let result = reported.clamped(to: count)
        let droppedCount = min(result.droppedCount, count)
        let deferred = min(result.deferred, count - droppedCount)
        if droppedCount > 0 {
            logger.debug(
                "export lost spans", metadata: ["exporter": "\(exporter.name)", "dropped": "\(result.dropped)"])
        }
        let ready = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.exported += count - droppedCount - deferred
            state.dropped.merge(result.dropped, uniquingKeysWith: +)
            state.deferred += deferred
            state.batches += 1
            if droppedCount > 0 { state.failedBatches += 1 }
            state.lastExportDuration = elapsed
            Self.markProcessed(&state, start: batch.start, count: count)
            return takeReadyWaiters(&state)
        }
        for continuation in ready { continuation.resume() }
    }

    /// Counts `count` spans from position `start` in queue order as processed: at once if nothing before them is
    /// still in flight, else when the batches before them finish.
    private static func markProcessed(_ state: inout State, start: UInt64, count: Int) {
        guard start == state.processed else {
            state.finishedAhead[start] = count
            state.finishedAheadSpans &+= UInt64(count)
            return
        }
        state.processed &+= UInt64(count)
        while let next = state.finishedAhead.removeValue(forKey: state.processed) {
            state.processed &+= UInt64(next)
            state.finishedAheadSpans &-= UInt64(next)
        }
    }

    private func takeReadyWaiters(_ state: inout State) -> [CheckedContinuation<Void, Never>] {
        guard !state.waiters.isEmpty else { return [] }
        var ready: [CheckedContinuation<Void, Never>] = []
        let reached = Reached(state)
        state.waiters.removeAll { waiter in
            guard reached.meets(waiter.condition) else { return false }
            ready.append(waiter.continuation)
            return true
        }
        return ready
    }

    /// How far the pipeline has got, for checking waiters' conditions.
    private struct Reached {
        let processed: UInt64
        let batches: Int
        let drains: Int

        init(_ state: State) {
            (processed, batches, drains) = (state.processed, state.batches, state.drainsFinished)
        }

        func meets(_ condition: Waiter.Condition) -> Bool {
            switch condition {
            case .processed(let target): processed >= target
            case .progress(let batches, let drains): self.batches >= batches && self.drains >= drains
            }
        }
    }

    /// Returns once `condition` holds; with `wakingLoop`, wakes the export loop if it does not hold yet (so that
    /// a partial batch goes out).
    private func wait(until condition: Waiter.Condition, wakingLoop: Bool = false) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let done = state.withLock { state -> Bool in
                if Reached(state).meets(condition) { return true }
                state.waiters.append(Waiter(condition: condition, continuation: continuation))
                return false
            }
            if done { continuation.resume() } else if wakingLoop { wake.signal() }
        }
    }

    // MARK: Flush and shutdown

    /// Exports every span queued before this call, waiting at most `timeout`. Returns how many of those spans
    /// were not delivered: dropped while exporting, left in the disk buffer, or still waiting at the deadline.
    func flush(timeout: Duration) async -> Int {
        let (target, droppedBefore, deferredBefore) = state.withLock { ($0.enqueued, $0.dropped, $0.deferred) }
        let done = await withDeadline(timeout) { [self] in
            await self.wait(until: .processed(target), wakingLoop: true)
            await self.exporter.forceFlush()
            return true
        }
        return state.withLock { state in
            let pending = target > state.processed ? Int(target - state.processed) : 0
            var newlyDropped = state.deferred - deferredBefore
            for (reason, count) in state.dropped where reason != .shutdown && reason != .queueFull {
                newlyDropped += count - droppedBefore[reason, default: 0]
            }
            return done == nil ? max(pending, 1) + newlyDropped : pending + newlyDropped
        }
    }

    /// Stops accepting spans, exports what is queued within `timeout`, then shuts the exporter down. Returns how
    /// many spans were not delivered.
    func shutdown(timeout: Duration) async -> Int {
        let timeout = timeout.clampedForSleep
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        let alreadyShutdown = state.withLock { state -> Bool in
            defer { state.isShutdown = true }
            return state.isShutdown
        }
        if alreadyShutdown { return 0 }
        var undelivered = await flush(timeout: timeout)
        let remaining = deadline - clock.now
        let exporter = self.exporter
        if remaining > .zero {
            _ = await withDeadline(remaining) { await exporter.shutdown() }
        }
        let (loop, waiters, stranded) = state.withLock { state in
            defer {
                state.waiters = []
                state.dropped[.shutdown, default: 0] += state.queued
                let stranded = state.taken
                state.taken &+= UInt64(state.queued)
                Self.markProcessed(&state, start: stranded, count: state.queued)
                state.chunks = []
                state.queued = 0
            }
            return (state.loop, state.waiters, state.queued)
        }
        undelivered = max(undelivered, stranded)
        loop?.cancel()
        for waiter in waiters { waiter.continuation.resume() }
        return undelivered
    }

    /// The spans at the front of the queue order whose export has finished; flush waits on it.
    var processedInOrder: UInt64 { state.withLock { $0.processed } }

    /// Returns once at least `batches` exports have been accounted for and the loop has emptied the queue at least
    /// `drains` times (for tests that need a point in the pipeline's progress without polling).
    func waitForProgress(batches: Int = 0, drains: Int = 0) async {
        await wait(until: .progress(batches: batches, drains: drains))
    }

    var stats: ExporterStats {
        let disk = diskBuffer?.stats
        return state.withLock { state in
            ExporterStats(
                name: exporter.name, received: state.received, enqueued: Int(clamping: state.enqueued),
                exported: state.exported, dropped: state.dropped.filter { $0.key != .shutdown || $0.value > 0 },
                buffered: Int(clamping: state.enqueued &- state.processed &- state.finishedAheadSpans),
                batches: state.batches,
                failedBatches: state.failedBatches, retries: retries.value.load(ordering: .relaxed),
                lastExportDuration: state.lastExportDuration, truncatedValues: state.truncatedValues,
                diskBuffer: disk)
        }
    }
}

extension LockedValue where Value == [SpanData] {
    /// Moves the spans out, leaving the box empty.
    fileprivate func take() -> [SpanData] {
        withLock { spans in
            let taken = spans
            spans = []
            return taken
        }
    }
}
