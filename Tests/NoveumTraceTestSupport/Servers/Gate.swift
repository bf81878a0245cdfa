import NoveumTrace

/// A one-shot signal between a test and a server: waiters wait until it opens, and once open it stays open.
package final class Gate: Sendable {
    private struct State {
        var open = false
        var waiters: [CheckedContinuation<Void, Never>] = []
    }
    private let state = LockedValue(State())

    package init() {}

    /// Opens the gate: every waiter, and every later one, goes on.
    package func open() {
        let waiters = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.open = true
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.resume() }
    }

    /// Returns once the gate is open.
    package func wait() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let open = state.withLock { state -> Bool in
                if state.open { return true }
                state.waiters.append(continuation)
                return false
            }
            if open { continuation.resume() }
        }
    }
}

/// Things that happen one after another on any thread (requests a server receives, a transport's outcomes), and
/// waits until enough of them have happened: no polling, no sleeps.
package final class Arrivals<Element: Sendable>: Sendable {
    private struct State {
        var elements: [Element] = []
        var waiters: [(count: Int, continuation: CheckedContinuation<Void, Never>)] = []
    }
    private let state = LockedValue(State())
    private let counts: @Sendable (Element) -> Bool

    /// `counts` says which elements ``wait(for:)`` counts (default: all of them).
    package init(counting counts: @escaping @Sendable (Element) -> Bool = { _ in true }) {
        self.counts = counts
    }

    /// Every element so far, in order.
    package var all: [Element] { state.withLock { $0.elements } }

    /// Adds `element`, resumes the waits it satisfies, and returns its index.
    @discardableResult
    package func append(_ element: Element) -> Int {
        let (index, ready) = state.withLock { state -> (Int, [CheckedContinuation<Void, Never>]) in
            state.elements.append(element)
            let counted = state.elements.filter(counts).count
            var ready: [CheckedContinuation<Void, Never>] = []
            state.waiters.removeAll { waiter in
                guard waiter.count <= counted else { return false }
                ready.append(waiter.continuation)
                return true
            }
            return (state.elements.count - 1, ready)
        }
        for continuation in ready { continuation.resume() }
        return index
    }

    /// Waits until at least `count` counted elements have arrived.
    package func wait(for count: Int) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let ready = state.withLock { state -> Bool in
                if state.elements.filter(counts).count >= count { return true }
                state.waiters.append((count, continuation))
                return false
            }
            if ready { continuation.resume() }
        }
    }
}
