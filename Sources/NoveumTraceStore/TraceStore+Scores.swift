import GRDB
import NoveumTrace

/// One score the store holds (a `gen_ai.evaluation.result` event; see `Score`), on the span it evaluates.
public struct StoredScore: Sendable, Hashable, Codable {
    public var traceID: String
    /// The evaluated span; nil when a whole trace was scored.
    public var spanID: String?
    public var name: String
    public var value: Double?
    public var label: String?
    public var explanation: String?
    /// `human`, `llm_judge`, `rule`, or another source.
    public var source: String?
    /// `numeric`, `boolean` or `categorical`.
    public var type: String?
    public var responseID: String?
    public var timeNanos: Int64
    /// Recorded after the span ended, by its ids.
    public var late: Bool
    /// Whether the store holds the evaluated span. A late score names its span by id, and may arrive for a span
    /// recorded elsewhere (another backend, a sampled process): it is kept all the same.
    public var spanRecorded: Bool
}

/// Scores of one name over one group of evaluated spans (a model, or an operation).
public struct ScoreSummary: Sendable, Hashable, Codable {
    /// The score's name.
    public var name: String
    /// The model, or the name, of the evaluated spans; nil for spans without one (or not in the store).
    public var group: String?
    public var count: Int
    /// The mean of the numeric values (booleans count 1 and 0, so this is their pass rate); nil when none has a
    /// value.
    public var average: Double?
    /// Boolean scores that passed, out of ``booleans``.
    public var passed: Int
    public var booleans: Int
}

extension TraceStore {
    /// The scores on the spans of the trace `idOrPrefix` names, oldest first.
    public func scores(trace idOrPrefix: String) throws -> [StoredScore] {
        let traceID = try resolveTraceID(idOrPrefix)
        return try read { db in try Self.scores(traceIDs: [traceID], db: db)[traceID] ?? [] }
    }

    /// The scores of each of `traceIDs`, oldest first.
    static func scores(traceIDs: [String], db: Database) throws -> [String: [StoredScore]] {
        guard !traceIDs.isEmpty else { return [:] }
        var byTrace: [String: [StoredScore]] = [:]
        // SQLite takes at most 32,766 arguments in one statement: pages of the list go in slices.
        for start in stride(from: 0, to: traceIDs.count, by: 500) {
            let slice = Array(traceIDs[start..<min(traceIDs.count, start + 500)])
            let marks = Array(repeating: "?", count: slice.count).joined(separator: ",")
            for row in try Row.fetchAll(
                db,
                sql: """
                    SELECT c.trace_id, c.span_id, c.name, c.value, c.label, c.explanation, c.source, c.type, c.response_id,
                      c.time_ns, c.late,
                      EXISTS (SELECT 1 FROM spans s WHERE s.trace_id = c.trace_id AND s.span_id = c.span_id)
                    FROM scores c WHERE c.trace_id IN (\(marks)) ORDER BY c.time_ns, c.source_span_id, c.position
                    """, arguments: StatementArguments(slice))
            {
                let score = Self.score(row)
                byTrace[score.traceID, default: []].append(score)
            }
        }
        return byTrace
    }

    /// What each score says per model (`by: .model`) or per operation (`by: .operation`) of the spans it
    /// evaluates: count, average value and pass rate.
    /// The operation is the evaluated span's name, as in ``stats(sinceNanos:limit:)``. With `sinceNanos`, only
    /// scores given at or after it.
    public func scoreSummaries(by grouping: ScoreGrouping, sinceNanos: Int64? = nil) throws -> [ScoreSummary] {
        try read { db in
            try Self.scoreSummaries(column: grouping == .model ? "s.model" : "s.name", since: sinceNanos, db: db)
        }
    }

    static func scoreSummaries(column: String, since: Int64?, db: Database) throws -> [ScoreSummary] {
        try Row.fetchAll(
            db,
            sql: """
                SELECT c.name, \(column) AS grp, COUNT(*), AVG(c.value),
                  SUM(CASE WHEN c.type = 'boolean' AND c.value = 1 THEN 1 ELSE 0 END),
                  SUM(CASE WHEN c.type = 'boolean' THEN 1 ELSE 0 END)
                FROM scores c LEFT JOIN spans s ON s.trace_id = c.trace_id AND s.span_id = c.span_id
                WHERE c.time_ns >= ? GROUP BY c.name, grp ORDER BY c.name, grp
                """, arguments: [since ?? Int64.min]
        ).map { row in
            ScoreSummary(
                name: row[0], group: row[1], count: row[2], average: row[3], passed: row[4] ?? 0, booleans: row[5] ?? 0)
        }
    }

    private static func score(_ row: Row) -> StoredScore {
        StoredScore(
            traceID: row[0], spanID: row[1], name: row[2], value: row[3], label: row[4], explanation: row[5],
            source: row[6], type: row[7], responseID: row[8], timeNanos: row[9], late: row[10], spanRecorded: row[11])
    }
}

/// How ``TraceStore/scoreSummaries(by:sinceNanos:)`` groups scores.
public enum ScoreGrouping: String, Sendable, CaseIterable {
    /// By the evaluated span's model.
    case model
    /// By the evaluated span's name (its operation, as `stats` groups spans).
    case operation
}
