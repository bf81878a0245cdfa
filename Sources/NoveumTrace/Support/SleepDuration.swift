extension Duration {
    /// The longest the SDK ever sleeps or waits at once: `UInt32.max` seconds, about 136 years.
    ///
    /// `Task.sleep(for:)` adds its duration to the clock's current instant and traps when the sum's seconds no
    /// longer fit in an `Int64`: `.seconds(Int64.max)`, a natural way to write "no timeout", crashes the process.
    /// Every timeout, schedule delay, backoff and `Retry-After` wait goes through ``clampedForSleep`` before it is
    /// slept, so no value from code, the environment or a server can reach that trap; 136 years is as good as
    /// forever.
    static let longestSleep = Duration.seconds(Int64(UInt32.max))

    /// This duration within `0...longestSleep`: what it is safe to sleep or wait for.
    var clampedForSleep: Duration {
        min(max(self, .zero), Self.longestSleep)
    }
}
