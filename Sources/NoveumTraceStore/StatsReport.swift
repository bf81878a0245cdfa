/// Calls, errors, latency percentiles, tokens and cost, grouped by model and by operation (span name).
public struct StatsReport: Sendable, Hashable, Codable {
    /// One group's numbers.
    public struct Group: Sendable, Hashable, Codable {
        /// The model, or the span name.
        public var key: String
        /// Spans in the group.
        public var calls: Int
        /// Spans that failed (`error` or `timeout`).
        public var errors: Int
        /// errors / calls.
        public var errorRate: Double
        /// Latency percentiles (nearest rank), in nanoseconds.
        public var p50Nanos: Int64
        /// See ``p50Nanos``.
        public var p95Nanos: Int64
        /// See ``p50Nanos``.
        public var p99Nanos: Int64
        /// Tokens summed over the group.
        public var inputTokens: Int64
        /// See ``inputTokens``.
        public var outputTokens: Int64
        /// Cost summed over the group, in US dollars.
        public var cost: Double
    }

    /// Traces counted, and since when (nil: all).
    public var traceCount: Int
    /// See ``traceCount``.
    public var sinceNanos: Int64?
    /// Groups by model, most calls first.
    public var byModel: [Group]
    /// Groups by span name, most calls first.
    public var byOperation: [Group]
    /// Scores by name and the evaluated spans' model: count, average, pass rate.
    public var scoresByModel: [ScoreSummary] = []
    /// Scores by name and the evaluated spans' name (their operation).
    public var scoresByOperation: [ScoreSummary] = []
}
