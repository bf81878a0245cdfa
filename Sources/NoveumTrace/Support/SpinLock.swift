import Synchronization

#if canImport(Darwin)
import Darwin
#elseif canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A lock in one atomic word, stored inline in the object that owns it: no allocation, no initialisation call,
/// nothing to destroy.
///
/// For state that is almost never contended and held for a few instructions: the state of one span, which one
/// task normally owns. Taking it uncontended is a single compare-and-swap. A waiter spins briefly, then yields
/// its thread to the scheduler until the holder is done, so a holder that was descheduled is not starved.
///
/// Built on `Atomic` operations compiled into this module (acquire on lock, release on unlock), so
/// ThreadSanitizer sees the synchronisation: unlike the standard library's `Mutex`, whose futex handoff it
/// cannot see on Linux.
package struct SpinLock: ~Copyable, Sendable {
    private let word = Atomic<UInt32>(0)

    package init() {}

    /// Runs `body` while holding the lock.
    @inline(__always)
    package func withLock<Result, E: Error>(_ body: () throws(E) -> Result) throws(E) -> Result {
        lock()
        defer { unlock() }
        return try body()
    }

    @inline(__always)
    private func lock() {
        if word.compareExchange(expected: 0, desired: 1, ordering: .acquiring).exchanged { return }
        lockContended()
    }

    @inline(never)
    private func lockContended() {
        var attempts = 0
        while true {
            if word.load(ordering: .relaxed) == 0,
               word.compareExchange(expected: 0, desired: 1, ordering: .acquiring).exchanged
            {
                return
            }
            attempts += 1
            if attempts >= 32 { sched_yield() }
        }
    }

    @inline(__always)
    private func unlock() {
        word.store(0, ordering: .releasing)
    }
}
