import GRDB

/// One row of the trace list: a trace's derived columns.
public struct TraceSummary: Sendable, Hashable, Codable {
    /// The 32-hex trace id.
    public var traceID: String
    /// The root span's name.
    public var name: String
    /// Start and end, in nanoseconds since the Unix epoch, and the duration.
    public var startNanos: Int64
    /// See ``startNanos``.
    public var endNanos: Int64
    /// See ``startNanos``.
    public var durationNanos: Int64
    /// `ok`, or `error` when a span failed.
    public var status: String
    /// Failed spans, and all spans.
    public var errorCount: Int
    /// See ``errorCount``.
    public var spanCount: Int
    /// The first model called, and every model, comma-separated.
    public var model: String?
    /// See ``model``.
    public var models: String?
    /// Tokens and cost summed over the spans.
    public var inputTokens: Int64
    /// See ``inputTokens``.
    public var outputTokens: Int64
    /// See ``inputTokens``.
    public var cost: Double
    /// The first `session.id` and `user.id` seen.
    public var sessionID: String?
    /// See ``sessionID``.
    public var userID: String?
    /// Who recorded it.
    public var project: String
    /// See ``project``.
    public var environment: String
    /// The root span's service (`service.name`).
    public var service: String
    /// Every service the trace crossed, the root's first (one for a trace recorded in one process).
    public var services: [String]
    /// Grows with every update of the trace: `tail` follows it.
    public var sequence: Int64
    /// The scores given to the trace's spans, oldest first (filled by ``TraceStore/traces(_:)`` and
    /// ``TraceStore/trace(_:)``; empty in `tail`'s rows).
    public var scores: [StoredScore] = []

    static let columns = """
        trace_id, name, start_ns, end_ns, duration_ns, status, error_count, span_count, model, models, input_tokens,
        output_tokens, cost, session_id, user_id, project, environment, service, seq, services
        """

    init(row: Row) {
        traceID = row[0]
        name = row[1]
        startNanos = row[2]
        endNanos = row[3]
        durationNanos = row[4]
        status = row[5]
        errorCount = row[6]
        spanCount = row[7]
        model = row[8]
        models = row[9]
        inputTokens = row[10]
        outputTokens = row[11]
        cost = row[12]
        sessionID = row[13]
        userID = row[14]
        project = row[15]
        environment = row[16]
        service = row[17]
        sequence = row[18]
        let services: String? = row[19]
        self.services = services.map { $0.split(separator: ",").map(String.init) } ?? [self.service]
    }
}
