import Synchronization

/// Wakes one waiting task, remembering a signal sent while nobody waits.
///
/// The export loop waits on it with a timeout; a caller that fills a batch signals it. Signalling is a lock and,
/// only when the loop is actually waiting, one continuation resume.
final class WakeSignal: Sendable {
    private struct State {
        var pending = false
        var waiter: CheckedContinuation<Void, Never>?
    }

    private let state = LockedValue(State())

    /// Wakes the waiter, or leaves a pending signal for the next wait.
    func signal() {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            if let waiter = state.waiter {
                state.waiter = nil
                return waiter
            }
            state.pending = true
            return nil
        }
        waiter?.resume()
    }

    /// Returns when signalled, when `timeout` passes, or when the task is cancelled.
    func wait(timeout: Duration) async {
        let pending = state.withLock { state in
            defer { state.pending = false }
            return state.pending
        }
        if pending { return }
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.waitForSignal() }
            // Clamped: a schedule delay of `.seconds(Int64.max)` would trap inside `Task.sleep`.
            group.addTask { try? await Task.sleep(for: timeout.clampedForSleep) }
            await group.next()
            group.cancelAll()
        }
    }

    private func waitForSignal() async {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let resumeNow = state.withLock { state -> Bool in
                    if state.pending || Task.isCancelled {
                        state.pending = false
                        return true
                    }
                    state.waiter = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
                defer { state.waiter = nil }
                return state.waiter
            }
            waiter?.resume()
        }
    }
}
