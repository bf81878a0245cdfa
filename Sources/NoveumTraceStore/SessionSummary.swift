/// The traces of one session id, summed.
public struct SessionSummary: Sendable, Hashable, Codable {
    public var sessionID: String
    public var traceCount: Int
    public var errorCount: Int
    public var firstStartNanos: Int64
    public var lastEndNanos: Int64
    public var inputTokens: Int64
    public var outputTokens: Int64
    public var cost: Double
    /// The user of the session's first trace, if recorded.
    public var userID: String?
}
