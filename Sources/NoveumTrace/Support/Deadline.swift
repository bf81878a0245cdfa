import Synchronization

/// Runs `operation` in its own task and returns its result, or nil if `timeout` passes first (the operation is
/// then cancelled and left to finish on its own).
///
/// Unlike a task group this returns at the deadline even when the operation ignores cancellation, so a hung
/// exporter cannot hold the export loop, `flush` or `shutdown` past their deadlines.
func withDeadline<T: Sendable>(
    _ timeout: Duration, _ operation: @escaping @Sendable () async -> T
) async -> T? {
    let once = ResumeOnce<T?>()
    var timer: Task<Void, Never>?
    let result = await withCheckedContinuation { (continuation: CheckedContinuation<T?, Never>) in
        once.install(continuation)
        let work = Task {
            let value = await operation()
            once.resume(with: value)
        }
        timer = Task {
            // Clamped: `.seconds(Int64.max)` ("no timeout") would trap inside `Task.sleep`.
            try? await Task.sleep(for: timeout.clampedForSleep)
            if once.resume(with: nil) { work.cancel() }
        }
    }
    // Stop the timer when the operation won: otherwise every call leaves a task asleep for the whole timeout, and
    // a busy pipeline (one export per batch, a 30 s export timeout) keeps thousands of them alive.
    timer?.cancel()
    return result
}

/// A continuation that is resumed by whichever of several racers comes first.
final class ResumeOnce<T: Sendable>: Sendable {
    private let state = LockedValue<(continuation: CheckedContinuation<T, Never>?, done: Bool, early: T?)>((nil, false, nil))

    func install(_ continuation: CheckedContinuation<T, Never>) {
        let early = state.withLock { state -> T?? in
            if state.done { return .some(state.early) }
            state.continuation = continuation
            return .none
        }
        // `.some(early)` only after `resume(with:)` stored its value in `early`: the unwrap cannot fail.
        if case .some(let value) = early { continuation.resume(returning: value!) }
    }

    /// Resumes with `value` if nobody has yet; returns whether this call did it.
    @discardableResult
    func resume(with value: T) -> Bool {
        let continuation = state.withLock { state -> CheckedContinuation<T, Never>?? in
            guard !state.done else { return .none }
            state.done = true
            if let continuation = state.continuation {
                state.continuation = nil
                return .some(continuation)
            }
            state.early = value
            return .some(nil)
        }
        guard case .some(let resumer) = continuation else { return false }
        resumer?.resume(returning: value)
        return true
    }
}
