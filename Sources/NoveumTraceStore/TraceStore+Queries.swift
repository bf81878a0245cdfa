import GRDB
import NoveumTrace

extension TraceStore {
    /// The traces matching `query`, sorted and paged, and how many match in all.
    public func traces(_ query: TraceQuery) throws -> TracePage {
        var conditions: [String] = []
        var arguments = StatementArguments()
        if let since = query.sinceNanos {
            conditions.append("start_ns >= ?")
            arguments += [since]
        }
        if let until = query.untilNanos {
            conditions.append("start_ns < ?")
            arguments += [until]
        }
        if let status = query.status {
            guard ["ok", "error"].contains(status) else {
                throw TraceStoreError.invalidArgument("status must be ok or error, got \(status)")
            }
            conditions.append("status = ?")
            arguments += [status]
        }
        if let name = query.name {
            conditions.append("name LIKE ? ESCAPE '\\'")
            arguments += ["%" + Self.likeEscaped(name) + "%"]
        }
        if let model = query.model {
            conditions.append("trace_id IN (SELECT trace_id FROM spans WHERE model = ?)")
            arguments += [model]
        }
        if let session = query.session {
            conditions.append("session_id = ?")
            arguments += [session]
        }
        if let score = query.score {
            let (condition, values) = score.sql
            conditions.append(condition)
            arguments += values
        }
        if let search = query.search, !search.isEmpty {
            let pattern = "%" + Self.likeEscaped(search) + "%"
            conditions.append(
                "(name LIKE ? ESCAPE '\\' OR trace_id LIKE ? ESCAPE '\\' OR models LIKE ? ESCAPE '\\' "
                    + "OR session_id LIKE ? ESCAPE '\\' OR user_id LIKE ? ESCAPE '\\')")
            arguments += [pattern, pattern, pattern, pattern, pattern]
        }
        let whereClause = conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND ")
        let limit = max(0, min(query.limit, 10_000))
        let offset = max(0, query.offset)
        return try read { db in
            let total = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM traces" + whereClause, arguments: arguments) ?? 0
            var pageArguments = arguments
            pageArguments += [limit, offset]
            let rows = try Row.fetchAll(
                db,
                sql: "SELECT \(TraceSummary.columns) FROM traces\(whereClause) ORDER BY \(query.sort.orderBy) "
                    + "LIMIT ? OFFSET ?",
                arguments: pageArguments)
            var traces = rows.map(TraceSummary.init(row:))
            let scores = try Self.scores(traceIDs: traces.map(\.traceID), db: db)
            for index in traces.indices { traces[index].scores = scores[traces[index].traceID] ?? [] }
            return TracePage(traces: traces, total: total, offset: offset, limit: limit)
        }
    }

    /// The full trace id that `prefix` (at least 4 hex digits, or the whole id) names.
    public func resolveTraceID(_ prefix: String) throws -> String {
        let prefix = prefix.lowercased()
        guard prefix.count >= 4, prefix.count <= 32, prefix.allSatisfy(\.isHexDigit) else {
            throw TraceStoreError.invalidArgument(
                "A trace id is 32 hex digits; a prefix of at least 4 is accepted, got \"\(prefix)\"")
        }
        let matches = try read { db in
            try String.fetchAll(
                db, sql: "SELECT trace_id FROM traces WHERE trace_id >= ? AND trace_id < ? ORDER BY trace_id LIMIT 6",
                arguments: [prefix, prefix + "g"])
        }
        switch matches.count {
        case 0: throw TraceStoreError.traceNotFound(prefix)
        case 1: return matches[0]
        default: throw TraceStoreError.ambiguousPrefix(prefix, matches: matches)
        }
    }

    /// The trace that `idOrPrefix` names, with its spans, attributes and events.
    public func trace(_ idOrPrefix: String) throws -> StoredTrace {
        let traceID = try resolveTraceID(idOrPrefix)
        return try read { db in
            guard
                let row = try Row.fetchOne(
                    db, sql: "SELECT \(TraceSummary.columns) FROM traces WHERE trace_id = ?", arguments: [traceID])
            else { throw TraceStoreError.traceNotFound(traceID) }
            var attributes: [String: [StoredSpan.Attribute]] = [:]
            for attribute in try Row.fetchAll(
                db, sql: "SELECT span_id, key, type, value FROM attributes WHERE trace_id = ? ORDER BY span_id, position",
                arguments: [traceID])
            {
                let type: String = attribute[2]
                let value = StoredAttribute.value(type: type, column: attribute[3] as DatabaseValue)
                attributes[attribute[0], default: []].append(
                    StoredSpan.Attribute(
                        key: attribute[1], type: type, value: value.map(StoredSpan.text) ?? ""))
            }
            var events: [String: [StoredSpan.Event]] = [:]
            for event in try Row.fetchAll(
                db, sql: "SELECT span_id, name, time_ns, attributes FROM events WHERE trace_id = ? ORDER BY span_id, position",
                arguments: [traceID])
            {
                let list = (try? LocalSpanLineDecoder.decodeAttributes(event[3])) ?? AttributeList()
                events[event[0], default: []].append(
                    StoredSpan.Event(name: event[1], timeNanos: event[2], attributes: StoredSpan.attributes(list)))
            }
            var sdks: [Int64: String] = [:]
            for resource in try Row.fetchAll(
                db,
                sql: "SELECT id, attributes FROM resources WHERE id IN (SELECT resource_id FROM spans WHERE trace_id = ?)",
                arguments: [traceID])
            {
                let list = (try? LocalSpanLineDecoder.decodeAttributes(resource[1])) ?? AttributeList()
                let sdk = ["telemetry.sdk.language", "telemetry.sdk.name", "telemetry.sdk.version"]
                    .compactMap { list[$0]?.stringValue }.joined(separator: " ")
                if !sdk.isEmpty { sdks[resource[0]] = sdk }
            }
            let spans = try Row.fetchAll(
                db,
                sql: """
                    SELECT span_id, parent_span_id, name, kind, start_ns, end_ns, duration_ns, status, status_message,
                      model, input_tokens, output_tokens, cost, exception_type, exception_message, exception_stack,
                      parent_remote, service, resource_id, provider, operation, links, attributes
                    FROM spans WHERE trace_id = ? ORDER BY start_ns, span_id
                    """, arguments: [traceID]
            ).map { span in
                let spanID: String = span[0]
                let resourceID: Int64? = span[18]
                return StoredSpan(
                    traceID: traceID, spanID: spanID, parentSpanID: span[1], parentRemote: span[16],
                    service: span[17], sdk: resourceID.flatMap { sdks[$0] }, name: span[2], kind: span[3],
                    startNanos: span[4], endNanos: span[5], durationNanos: span[6], status: span[7],
                    statusMessage: span[8], model: span[9], provider: span[19], operation: span[20],
                    inputTokens: span[10], outputTokens: span[11], cost: span[12], exceptionType: span[13],
                    exceptionMessage: span[14], exceptionStack: span[15],
                    attributes: (span[22] as String?).map(StoredSpan.attributes(json:)) ?? attributes[spanID] ?? [],
                    events: events[spanID] ?? [], links: StoredSpan.links(span[21]))
            }
            var summary = TraceSummary(row: row)
            summary.scores = try Self.scores(traceIDs: [traceID], db: db)[traceID] ?? []
            return StoredTrace(summary: summary, spans: spans)
        }
    }

    /// Traces updated after `sequence`, oldest update first: what `tail` prints next.
    public func traces(updatedAfter sequence: Int64, limit: Int = 500) throws -> [TraceSummary] {
        try read { db in
            try Row.fetchAll(
                db, sql: "SELECT \(TraceSummary.columns) FROM traces WHERE seq > ? ORDER BY seq LIMIT ?",
                arguments: [sequence, limit]
            ).map(TraceSummary.init(row:))
        }
    }

    /// The highest update sequence number: start `tail` from here to see only new traces.
    public func latestSequence() throws -> Int64 {
        try read { db in try Int64.fetchOne(db, sql: "SELECT COALESCE(MAX(seq), 0) FROM traces") ?? 0 }
    }

    /// Sessions (traces grouped by `session.id`), most recent first.
    public func sessions(limit: Int = 100, offset: Int = 0) throws -> [SessionSummary] {
        try read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT session_id, COUNT(*), SUM(status = 'error'), MIN(start_ns), MAX(end_ns),
                      CAST(TOTAL(input_tokens) AS INTEGER), CAST(TOTAL(output_tokens) AS INTEGER), SUM(cost),
                      MIN(user_id)
                    FROM traces WHERE session_id IS NOT NULL GROUP BY session_id ORDER BY MAX(start_ns) DESC
                    LIMIT ? OFFSET ?
                    """, arguments: [limit, offset]
            ).map { row in
                SessionSummary(
                    sessionID: row[0], traceCount: row[1], errorCount: row[2], firstStartNanos: row[3],
                    lastEndNanos: row[4], inputTokens: row[5], outputTokens: row[6], cost: row[7], userID: row[8])
            }
        }
    }

    /// How many traces and spans the store holds.
    public func counts() throws -> (traces: Int, spans: Int) {
        try read { db in
            (
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM traces") ?? 0,
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM spans") ?? 0
            )
        }
    }

    static func likeEscaped(_ text: String) -> String {
        var result = ""
        for character in text {
            if character == "%" || character == "_" || character == "\\" { result.append("\\") }
            result.append(character)
        }
        return result
    }
}
