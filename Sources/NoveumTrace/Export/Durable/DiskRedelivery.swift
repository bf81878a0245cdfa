import Synchronization

/// The task that sends an exporter's waiting disk batches: at start (batches an earlier process left), after a
/// failed request (retrying the oldest batch with backoff until the backend answers, then sending the rest oldest
/// first), and now and then to find batches that other processes sharing the directory left.
final class DiskRedelivery: Sendable {
    /// How a pass over the waiting batches ended.
    enum Pass: Sendable, Equatable {
        /// No batch is waiting any more (or the rest are held by other processes); `sent` batches were sent.
        case drained(sent: Int)
        /// A request failed; `retryAfter` is the backend's `Retry-After`, if it sent one.
        case backendUnavailable(retryAfter: Duration?)
    }

    private struct State {
        var task: Task<Void, Never>?
        /// Passes started and finished; a flush waits for the first pass that starts after it asks.
        var started = 0
        var finished = 0
        var waiters: [(pass: Int, continuation: CheckedContinuation<Void, Never>)] = []
        var stopped = false
    }

    let buffer: DiskBuffer
    private let retryPolicy: HTTPRetryPolicy
    private let pass: @Sendable (_ rescan: Bool) async -> Pass
    private var wake: WakeSignal { buffer.wake }
    private let state = LockedValue(State())

    /// - Parameters:
    ///   - buffer: the batches.
    ///   - retryPolicy: the backoff between retries while the backend is unavailable (its `initialBackoff` and
    ///     `maxBackoff`; `maxBackoff` is also how often the directory is listed again when nothing is waiting).
    ///   - pass: sends waiting batches oldest first until none is left or a request fails.
    init(buffer: DiskBuffer, retryPolicy: HTTPRetryPolicy, pass: @escaping @Sendable (_ rescan: Bool) async -> Pass) {
        self.buffer = buffer
        self.retryPolicy = retryPolicy
        self.pass = pass
    }

    func start() {
        let task = Task.detached(priority: .utility) { [self] in await run() }
        state.withLock { $0.task = task }
    }

    /// Runs a pass that starts after this call, at once rather than after the backoff, and returns when it has
    /// finished (after one failed request while the backend is still unavailable); returns at once after ``stop()``.
    func flush() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let resumeNow = state.withLock { state -> Bool in
                if state.stopped { return true }
                state.waiters.append((state.started + 1, continuation))
                return false
            }
            if resumeNow { continuation.resume() } else { wake.signal() }
        }
    }

    /// Stops the task, waiting for a request in flight to finish; a batch whose request it cancels stays on disk.
    func stop() async {
        let (task, waiters) = state.withLock { state in
            state.stopped = true
            defer { state.waiters = [] }
            return (state.task, state.waiters)
        }
        for waiter in waiters { waiter.continuation.resume() }
        task?.cancel()
        await task?.value
    }

    private func run() async {
        var failures = 0
        var passes = 0
        while !Task.isCancelled && !buffer.isStopped {
            let number = state.withLock { state -> Int in
                state.started += 1
                return state.started
            }
            // The first pass and every idle one list the directory: batches of earlier or other processes.
            let outcome = await pass(passes == 0 || failures == 0)
            passes += 1
            let ready = state.withLock { state -> [CheckedContinuation<Void, Never>] in
                state.finished = number
                var ready: [CheckedContinuation<Void, Never>] = []
                state.waiters.removeAll { waiter in
                    guard waiter.pass <= number else { return false }
                    ready.append(waiter.continuation)
                    return true
                }
                return ready
            }
            for continuation in ready { continuation.resume() }
            let delay: Duration
            switch outcome {
            case .drained(let sent):
                failures = 0
                buffer.setBackendUnavailable(false)
                // After sending, look again at once: a batch may have been left on disk while the pass ran.
                delay = sent > 0 ? .zero : max(retryPolicy.maxBackoff, .milliseconds(100))
            case .backendUnavailable(let retryAfter):
                failures += 1
                buffer.setBackendUnavailable(true)
                delay =
                    retryAfter.map { min($0, retryPolicy.maxRetryAfter) }
                    ?? retryPolicy.delay(beforeRetry: failures, retryAfter: nil, unitRandom: Double.random(in: 0.5..<1))
            }
            if delay > .zero { await wake.wait(timeout: delay) }
        }
        // Ended (stopped, or the client was released): nothing waits for a pass that will not come.
        let waiters = state.withLock { state in
            state.stopped = true
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.continuation.resume() }
    }
}
