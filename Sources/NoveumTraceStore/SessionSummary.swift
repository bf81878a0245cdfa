/// The traces of one session id, summed.
public struct SessionSummary: Sendable, Hashable, Codable {
    /// The `session.id`.
    public var sessionID: String
    /// Traces in the session.
    public var traceCount: Int
    /// Traces that failed.
    public var errorCount: Int
    /// The first trace's start and the last trace's end, in nanoseconds since the Unix epoch.
    public var firstStartNanos: Int64
    /// See ``firstStartNanos``.
    public var lastEndNanos: Int64
    /// Tokens summed over the session's traces.
    public var inputTokens: Int64
    /// See ``inputTokens``.
    public var outputTokens: Int64
    /// Cost summed over the session's traces, in US dollars.
    public var cost: Double
    /// The user of the session's first trace, if recorded.
    public var userID: String?
}
