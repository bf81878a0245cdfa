import Synchronization

/// The outcome of sampling a new trace.
enum SamplingDecision: Sendable {
    /// Record and export.
    case record
    /// Record nothing.
    case drop
    /// Record, and let the tail rule decide at the root's end.
    case tailCandidate
}

/// Applies a ``SamplingPolicy`` to new traces.
struct Sampler: Sendable {
    let policy: SamplingPolicy
    private let threshold: UInt64
    private let ruleThresholds: [UInt64]
    private let limiter: RateLimiter?
    private static let mask: UInt64 = (1 << 56) - 1

    /// Whether any rule, limit or tail rule is configured beyond a plain rate.
    let isPlainRate: Bool

    init(policy: SamplingPolicy) {
        self.policy = policy
        self.threshold = Self.threshold(for: policy.rate)
        self.ruleThresholds = policy.rules.map { Self.threshold(for: $0.rate) }
        self.limiter = policy.maxTracesPerSecond.map { RateLimiter(perSecond: $0) }
        self.isPlainRate = policy.rules.isEmpty && policy.maxTracesPerSecond == nil && policy.tail == nil
    }

    static func threshold(for rate: Double) -> UInt64 {
        if rate >= 1 { return .max }
        if rate <= 0 || rate.isNaN { return 0 }
        return UInt64(rate * Double(1 << 56))
    }

    @inline(__always)
    private static func keeps(_ traceID: TraceID, threshold: UInt64) -> Bool {
        threshold == .max || (traceID.low & mask) < threshold
    }

    /// The plain rate decision, from the trace id alone.
    @inline(__always)
    func shouldSample(_ traceID: TraceID) -> Bool {
        Self.keeps(traceID, threshold: threshold)
    }

    /// The decision for a new trace when only the plain rate applies, with that rate; nil when rules, a rate limit
    /// or a tail rule are configured, which ``decide(_:name:attributes:)`` applies to the root's name and attributes.
    /// Inlined where spans start, so that the root's attributes are built only when something needs them.
    @inline(__always)
    func plainDecision(_ traceID: TraceID) -> (SamplingDecision, Double)? {
        guard isPlainRate else { return nil }
        return (shouldSample(traceID) ? .record : .drop, policy.rate)
    }

    /// Decides for a new trace whose root span has `name` and `attributes` at its start; also returns the rate
    /// that applied. A call of its own, so that the code inlined where spans start stays small.
    @inline(never)
    func decide(_ traceID: TraceID, name: String, attributes: AttributeList) -> (SamplingDecision, Double) {
        var threshold = self.threshold
        var rate = policy.rate
        for (index, rule) in policy.rules.enumerated() where rule.matches(name: name, attributes: attributes) {
            threshold = ruleThresholds[index]
            rate = rule.rate
            break
        }
        if Self.keeps(traceID, threshold: threshold), limiter?.tryAcquire() ?? true { return (.record, rate) }
        return (policy.tail == nil ? .drop : .tailCandidate, rate)
    }
}

/// A token bucket: `perSecond` tokens a second, holding at most one second's worth.
final class RateLimiter: Sendable {
    private let perSecond: Double
    private let state: LockedValue<(tokens: Double, last: ContinuousClock.Instant)>

    init(perSecond: Double) {
        self.perSecond = max(0, perSecond)
        self.state = LockedValue((max(0, perSecond), ContinuousClock.now))
    }

    func tryAcquire() -> Bool {
        let now = ContinuousClock.now
        return state.withLock { state in
            let elapsed = state.last.duration(to: now)
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            state.tokens = min(perSecond, state.tokens + seconds * perSecond)
            state.last = now
            guard state.tokens >= 1 else { return false }
            state.tokens -= 1
            return true
        }
    }
}
