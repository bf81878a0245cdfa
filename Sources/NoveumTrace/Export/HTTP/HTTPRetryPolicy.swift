/// When and how often an HTTP exporter repeats a request that failed for a reason that may pass.
///
/// Retried: connection-level failures (refused, reset, timed out), `408`, `429` and every `5xx`. Not retried:
/// every other status, notably `400`, `401`, `403` and `404` (`413` splits the batch instead, see
/// ``HTTPSpanSender``).
///
/// The wait before retry *n* (1-based) is "full jitter" exponential backoff: a uniformly random duration between
/// zero and `min(maxBackoff, initialBackoff × 2^(n-1))`. When the server sends `Retry-After` (seconds, or an HTTP
/// date), that wait is used instead, capped at ``maxRetryAfter``.
///
/// ```swift
/// // Up to 3 requests in all, waiting at most 100 ms between them.
/// let policy = HTTPRetryPolicy(maxAttempts: 3, initialBackoff: .milliseconds(10), maxBackoff: .milliseconds(100))
/// ```
public struct HTTPRetryPolicy: Sendable, Hashable {
    /// Requests made in all for one batch, the first included; 1 disables retries. Default 5.
    public var maxAttempts: Int
    /// The backoff ceiling of the first retry; it doubles with each retry. Default 1 s.
    public var initialBackoff: Duration
    /// The largest backoff ceiling. Default 30 s.
    public var maxBackoff: Duration
    /// The longest wait a `Retry-After` header can impose; longer values are cut to this. Default 60 s.
    public var maxRetryAfter: Duration

    /// Creates a policy. Negative values count as zero; `maxAttempts` below 1 counts as 1.
    public init(
        maxAttempts: Int = 5, initialBackoff: Duration = .seconds(1), maxBackoff: Duration = .seconds(30),
        maxRetryAfter: Duration = .seconds(60)
    ) {
        self.maxAttempts = max(1, maxAttempts)
        self.initialBackoff = max(.zero, initialBackoff)
        self.maxBackoff = max(.zero, maxBackoff)
        self.maxRetryAfter = max(.zero, maxRetryAfter)
    }

    /// The default policy: 5 attempts, backoff from 1 s up to 30 s, `Retry-After` honoured up to 60 s.
    public static let `default` = HTTPRetryPolicy()

    /// One attempt, no retries.
    public static let none = HTTPRetryPolicy(maxAttempts: 1)

    /// The backoff ceiling before retry `retry` (1-based): `min(maxBackoff, initialBackoff × 2^(retry-1))`.
    public func backoffCeiling(beforeRetry retry: Int) -> Duration {
        let doublings = max(0, retry - 1)
        var ceiling = initialBackoff
        for _ in 0..<min(doublings, 62) {
            // Past half the maximum, doubling reaches the maximum: stop there rather than double, which for a
            // duration near the largest representable one would overflow.
            if ceiling > maxBackoff / 2 { return maxBackoff }
            ceiling = ceiling * 2
        }
        return min(ceiling, maxBackoff)
    }

    /// The wait before retry `retry` (1-based).
    ///
    /// Never longer than `UInt32.max` seconds (about 136 years), however large the policy's durations and the
    /// server's `Retry-After`: a longer sleep would trap in `Task.sleep`.
    ///
    /// - Parameters:
    ///   - retry: which retry this is, 1 for the first.
    ///   - retryAfter: the server's `Retry-After`, already converted to a duration, if it sent one.
    ///   - unitRandom: a number in `0..<1` that picks the point within the jitter range.
    public func delay(beforeRetry retry: Int, retryAfter: Duration?, unitRandom: Double) -> Duration {
        if let retryAfter { return min(max(.zero, retryAfter), maxRetryAfter).clampedForSleep }
        let ceiling = backoffCeiling(beforeRetry: retry).clampedForSleep
        let fraction = unitRandom.isFinite ? min(max(unitRandom, 0), 1) : 0
        return ceiling * fraction
    }

    /// Parses a `Retry-After` value: whole seconds (`120`) or an HTTP date, relative to `nowSeconds` (Unix time).
    ///
    /// - Returns: the wait (zero for a date in the past), or nil for a value that is neither form.
    public static func parseRetryAfter(_ value: String, nowSeconds: Double) -> Duration? {
        let text = value.trimmingWhitespace()
        guard !text.isEmpty else { return nil }
        if text.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) {
            // Huge values saturate; the cap in `delay` applies afterwards.
            return .seconds(Int64(text) ?? Int64.max)
        }
        guard let date = CivilTime.parseHTTPDate(text) else { return nil }
        let milliseconds = ((Double(date) - nowSeconds) * 1_000).rounded(.up)
        guard milliseconds > 0 else { return .zero }  // past, or `nowSeconds` not a number
        // A `nowSeconds` far in the past (or -infinity) saturates like a huge number of seconds does.
        guard milliseconds < 9.2e18 else { return .seconds(Int64.max) }
        return .milliseconds(Int64(milliseconds))
    }
}
