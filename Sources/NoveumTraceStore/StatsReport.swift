/// Calls, errors, latency percentiles, tokens and cost, grouped by model and by operation (span name).
public struct StatsReport: Sendable, Hashable, Codable {
    /// One group's numbers.
    public struct Group: Sendable, Hashable, Codable {
        /// The model, or the span name.
        public var key: String
        public var calls: Int
        public var errors: Int
        /// errors / calls.
        public var errorRate: Double
        public var p50Nanos: Int64
        public var p95Nanos: Int64
        public var p99Nanos: Int64
        public var inputTokens: Int64
        public var outputTokens: Int64
        public var cost: Double
    }

    /// Traces counted, and since when (nil: all).
    public var traceCount: Int
    public var sinceNanos: Int64?
    public var byModel: [Group]
    public var byOperation: [Group]
}
