import GRDB
import NoveumTrace

extension TraceStore {
    /// Stores `records` in one transaction and updates the summaries of the traces they belong to.
    ///
    /// A span already stored (same trace id and span id) is replaced, so ingesting the same line twice keeps one
    /// copy.
    public func insert(_ records: [LocalSpanRecord]) throws {
        guard !records.isEmpty else { return }
        try write { db in try Self.insert(records, in: db) }
    }

    /// The span row's columns, shared by the statement for a new span and the one that replaces a stored span.
    private static let spanColumns = """
        spans (trace_id, span_id, parent_span_id, parent_remote, sampled, trace_state,
          name, kind, start_ns, end_ns, duration_ns, status, status_message, model, input_tokens,
          output_tokens, cost, session_id, user_id, exception_type, exception_message, exception_stack,
          links, dropped_attributes, dropped_events, service, resource_id, provider, operation, attributes)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        """

    static func insert(_ records: [LocalSpanRecord], in db: Database) throws {
        // A new span costs one statement: its row, attributes included (as typed JSON, the spool's form). Only a span
        // stored before (a retry, a spool line ingested twice) pays for replacing its row and deleting the events
        // and the attribute rows a version 1 store kept.
        let newSpan = try db.cachedStatement(sql: "INSERT INTO " + spanColumns + " ON CONFLICT DO NOTHING")
        let spanStatement = try db.cachedStatement(sql: "INSERT OR REPLACE INTO " + spanColumns)
        let clearAttributes = try db.cachedStatement(sql: "DELETE FROM attributes WHERE trace_id = ? AND span_id = ?")
        let clearEvents = try db.cachedStatement(sql: "DELETE FROM events WHERE trace_id = ? AND span_id = ?")
        let eventStatement = try db.cachedStatement(
            sql: "INSERT INTO events (trace_id, span_id, position, name, time_ns, attributes) VALUES (?, ?, ?, ?, ?, ?)")
        let clearScores = try db.cachedStatement(sql: "DELETE FROM scores WHERE trace_id = ? AND source_span_id = ?")
        let scoreStatement = try db.cachedStatement(
            sql: """
                INSERT OR REPLACE INTO scores (trace_id, span_id, source_span_id, position, name, value, label,
                  explanation, source, type, response_id, time_ns, late) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """)
        let findResource = try db.cachedStatement(sql: "SELECT id FROM resources WHERE attributes = ?")
        let addResource = try db.cachedStatement(sql: "INSERT INTO resources (attributes) VALUES (?)")
        // Most batches carry one resource: encode and look it up once per distinct resource.
        var resourceIDs: [Resource: (id: Int64, json: String)] = [:]
        var last: (resource: Resource, id: Int64, json: String)?
        var touched: [String: LocalSpanRecord] = [:]
        var newRow = SQLiteRow(newSpan, in: db)
        var replaceRow = SQLiteRow(spanStatement, in: db)
        for record in records {
            let resource: (id: Int64, json: String)
            // Spans of one request share one resource value: comparing with the last one is a pointer check.
            if let last, last.resource == record.resource {
                resource = (last.id, last.json)
            } else if let known = resourceIDs[record.resource] {
                resource = known
            } else {
                let json = LocalSpanLineEncoder.encodeAttributes(record.resource.attributes)
                var id = try Int64.fetchOne(findResource, arguments: [json])
                if id == nil {
                    try addResource.execute(arguments: [json])
                    id = db.lastInsertedRowID
                }
                resource = (id ?? 0, json)
                resourceIDs[record.resource] = resource
            }
            last = (record.resource, resource.id, resource.json)
            let span = record.span
            let traceID = span.traceID.description
            let spanID = span.spanID.description
            let derived = DerivedSpanFields(span.attributes)
            var links = "[]"
            if !span.links.isEmpty {
                links = "["
                    + span.links.map { link in
                        "{\"trace_id\":\"\(link.context.traceID)\",\"span_id\":\"\(link.context.spanID)\","
                            + "\"attributes\":\(LocalSpanLineEncoder.encodeAttributes(link.attributes))}"
                    }.joined(separator: ",") + "]"
            }
            func bindSpan(_ row: inout SQLiteRow) {
                row.text(traceID)
                row.text(spanID)
                row.text(span.parentSpanID?.description)
                row.bool(span.parentIsRemote)
                row.bool(span.context.isSampled)
                row.text(span.context.traceState)
                row.text(span.name)
                row.text(span.kind.spoolName)
                row.int(Int64(clamping: span.startTimeNanos))
                row.int(Int64(clamping: span.endTimeNanos))
                row.int(Int64(clamping: span.durationNanos))
                row.text(span.status.rawValue)
                row.text(span.statusMessage)
                row.text(derived.model)
                row.int(derived.inputTokens)
                row.int(derived.outputTokens)
                row.double(derived.cost)
                row.text(derived.sessionID)
                row.text(derived.userID)
                row.text(span.exception?.type)
                row.text(span.exception?.message)
                row.text(span.exception?.stackTrace)
                row.text(links)
                row.int(span.droppedAttributeCount)
                row.int(span.droppedEventCount)
                row.text(record.resource.serviceName)
                row.int(resource.id)
                row.text(derived.provider)
                row.text(derived.operation)
                row.text(attributesJSON)
            }
            let attributesJSON = LocalSpanLineEncoder.encodeAttributes(span.attributes)
            bindSpan(&newRow)
            try newRow.run()
            if db.changesCount == 0 {
                bindSpan(&replaceRow)
                try replaceRow.run()
                try clearAttributes.execute(arguments: [traceID, spanID])
                try clearEvents.execute(arguments: [traceID, spanID])
                try clearScores.execute(arguments: [traceID, spanID])
            }
            for (position, event) in span.events.enumerated() {
                try eventStatement.execute(arguments: [
                    traceID, spanID, position, event.name, Int64(clamping: event.timeNanos),
                    LocalSpanLineEncoder.encodeAttributes(event.attributes),
                ])
                if event.name == Score.eventName {
                    let late = span.attributes["noveum.evaluation.late"] == .bool(true)
                    let attributes = event.attributes
                    try scoreStatement.execute(arguments: [
                        traceID, late ? span.parentSpanID?.description : spanID, spanID, position,
                        attributes["gen_ai.evaluation.name"]?.stringValue ?? "", attributes["gen_ai.evaluation.score.value"]?.doubleValue,
                        attributes["gen_ai.evaluation.score.label"]?.stringValue,
                        attributes["gen_ai.evaluation.explanation"]?.stringValue,
                        attributes["noveum.score.source"]?.stringValue, attributes["noveum.score.type"]?.stringValue,
                        attributes["gen_ai.response.id"]?.stringValue, Int64(clamping: event.timeNanos), late,
                    ])
                }
            }
            touched[traceID] = record
        }
        let summary = try db.cachedStatement(sql: summarySQL)
        let latestSeq = try Int64.fetchOne(db, sql: "SELECT COALESCE(MAX(seq), 0) FROM traces") ?? 0
        for (offset, (traceID, record)) in touched.sorted(by: { $0.key < $1.key }).enumerated() {
            let resourceJSON = resourceIDs[record.resource]?.json ?? "[]"
            // Saturating: a damaged or hand-edited store may already hold a sequence number near `Int64.max`.
            let (seq, overflow) = latestSeq.addingReportingOverflow(1 + Int64(offset))
            try summary.execute(arguments: [
                traceID, record.project, record.environment, record.resource.serviceName,
                resourceJSON, overflow ? Int64.max : seq,
            ])
        }
    }

    /// Recomputes one trace's row from its spans: ?1 trace id, ?2 project, ?3 environment, ?4 service,
    /// ?5 resource, ?6 sequence number.
    ///
    /// The trace's name, service and resource are its root's: the span without a parent, else the earliest whose
    /// parent is in another process (a trace received only in part). ?4 and ?5 stand in for spans stored before
    /// spans kept their own service. `services` lists every service, the root's first.
    ///
    /// Token counts are summed with `TOTAL` and cast back, not with `SUM`: the counts come from span attributes
    /// (ultimately from model responses), and SQLite's `SUM` of integers fails with "integer overflow", which
    /// would fail every later ingest of the same spool lines. The cast saturates at `Int64.max` instead; sums
    /// below 2^53 are exact.
    static let summarySQL = """
        INSERT OR REPLACE INTO traces (trace_id, name, start_ns, end_ns, duration_ns, status, error_count, span_count,
          model, models, input_tokens, output_tokens, cost, session_id, user_id, project, environment, service,
          resource, seq, services)
        WITH root AS (
          SELECT name, service, resource_id FROM spans WHERE trace_id = ?1
          ORDER BY parent_span_id IS NULL DESC, (parent_span_id IS NULL OR parent_remote) DESC, start_ns LIMIT 1)
        SELECT ?1,
          (SELECT name FROM root),
          MIN(start_ns), MAX(end_ns), MAX(end_ns) - MIN(start_ns),
          CASE WHEN SUM(status IN ('error', 'timeout')) > 0 THEN 'error' ELSE 'ok' END,
          SUM(status IN ('error', 'timeout')), COUNT(*),
          (SELECT model FROM spans WHERE trace_id = ?1 AND model IS NOT NULL ORDER BY start_ns LIMIT 1),
          (SELECT group_concat(model, ',') FROM
             (SELECT DISTINCT model FROM spans WHERE trace_id = ?1 AND model IS NOT NULL ORDER BY model)),
          CAST(TOTAL(input_tokens) AS INTEGER), CAST(TOTAL(output_tokens) AS INTEGER), COALESCE(SUM(cost), 0),
          (SELECT session_id FROM spans WHERE trace_id = ?1 AND session_id IS NOT NULL ORDER BY start_ns LIMIT 1),
          (SELECT user_id FROM spans WHERE trace_id = ?1 AND user_id IS NOT NULL ORDER BY start_ns LIMIT 1),
          ?2, ?3, COALESCE((SELECT service FROM root), ?4),
          COALESCE((SELECT attributes FROM resources WHERE id = (SELECT resource_id FROM root)), ?5), ?6,
          (SELECT group_concat(service, ',') FROM
             (SELECT service FROM spans WHERE trace_id = ?1 AND service IS NOT NULL GROUP BY service
              ORDER BY service = COALESCE((SELECT service FROM root), ?4) DESC, MIN(start_ns)))
        FROM spans WHERE trace_id = ?1
        """
}
