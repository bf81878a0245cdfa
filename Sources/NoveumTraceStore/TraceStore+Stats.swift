import GRDB

extension TraceStore {
    /// Calls, error rate, p50/p95/p99 latency, tokens and cost by model and by operation (span name), over the spans
    /// that started at or after `sinceNanos` (all when nil).
    ///
    /// Counts and sums are one grouped scan; each percentile is one ordered index lookup
    /// (`ORDER BY duration_ns LIMIT 1 OFFSET k`), all on covering indexes.
    public func stats(sinceNanos: Int64? = nil, limit: Int = 50) throws -> StatsReport {
        try read { db in
            let traceCount =
                try Int.fetchOne(
                    db, sql: "SELECT COUNT(*) FROM traces WHERE start_ns >= ?", arguments: [sinceNanos ?? Int64.min])
                ?? 0
            return StatsReport(
                traceCount: traceCount, sinceNanos: sinceNanos,
                byModel: try Self.groups(column: "model", since: sinceNanos, limit: limit, db: db),
                byOperation: try Self.groups(column: "name", since: sinceNanos, limit: limit, db: db),
                scoresByModel: try Self.scoreSummaries(column: "s.model", since: sinceNanos, db: db),
                scoresByOperation: try Self.scoreSummaries(column: "s.name", since: sinceNanos, db: db))
        }
    }

    private static func groups(column: String, since: Int64?, limit: Int, db: Database) throws -> [StatsReport.Group] {
        let sinceClause = since.map { " AND start_ns >= \($0)" } ?? ""
        let rows = try Row.fetchAll(
            db,
            sql: """
                SELECT \(column), COUNT(*), SUM(status IN ('error', 'timeout')), CAST(TOTAL(input_tokens) AS INTEGER),
                  CAST(TOTAL(output_tokens) AS INTEGER), COALESCE(SUM(cost), 0)
                FROM spans WHERE \(column) IS NOT NULL\(sinceClause) GROUP BY \(column) ORDER BY COUNT(*) DESC LIMIT ?
                """, arguments: [limit])
        let percentile = try db.cachedStatement(
            sql: "SELECT duration_ns FROM spans WHERE \(column) = ?\(sinceClause) ORDER BY duration_ns LIMIT 1 OFFSET ?")
        return try rows.map { row in
            let key: String = row[0]
            let calls: Int = row[1]
            func at(_ fraction: Double) throws -> Int64 {
                // Nearest rank: the smallest value with at least `fraction` of the calls at or below it.
                let rank = max(1, Int((fraction * Double(calls)).rounded(.up)))
                return try Int64.fetchOne(percentile, arguments: [key, rank - 1]) ?? 0
            }
            let errors: Int = row[2]
            return StatsReport.Group(
                key: key, calls: calls, errors: errors, errorRate: calls == 0 ? 0 : Double(errors) / Double(calls),
                p50Nanos: try at(0.50), p95Nanos: try at(0.95), p99Nanos: try at(0.99), inputTokens: row[3],
                outputTokens: row[4], cost: row[5])
        }
    }
}
