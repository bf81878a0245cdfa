/// A value behind a ``SpinLock``, in one allocation with it.
///
/// For state that the app's threads touch on every span and hold for a few instructions, such as an export
/// queue: taking the lock is one compare-and-swap and releasing it one store, where a `pthread_mutex_t` costs two
/// library calls. Use ``LockedValue`` for anything held longer.
final class SpinLockedValue<Value>: @unchecked Sendable {
    private let lock = SpinLock()
    @exclusivity(unchecked) private var value: Value

    /// Puts `value` behind a new lock.
    init(_ value: Value) {
        self.value = value
    }

    /// Runs `body` with exclusive access to the value.
    @inline(__always)
    func withLock<Result, E: Error>(_ body: (inout Value) throws(E) -> Result) throws(E) -> Result {
        try lock.withLock { () throws(E) -> Result in try body(&value) }
    }
}
