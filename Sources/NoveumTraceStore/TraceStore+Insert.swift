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

    static func insert(_ records: [LocalSpanRecord], in db: Database) throws {
        let spanStatement = try db.cachedStatement(
            sql: """
                INSERT OR REPLACE INTO spans (trace_id, span_id, parent_span_id, parent_remote, sampled, trace_state,
                  name, kind, start_ns, end_ns, duration_ns, status, status_message, model, input_tokens,
                  output_tokens, cost, session_id, user_id, exception_type, exception_message, exception_stack,
                  links, dropped_attributes, dropped_events, service, resource_id, provider, operation)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """)
        let clearAttributes = try db.cachedStatement(sql: "DELETE FROM attributes WHERE trace_id = ? AND span_id = ?")
        let clearEvents = try db.cachedStatement(sql: "DELETE FROM events WHERE trace_id = ? AND span_id = ?")
        let attributeStatement = try db.cachedStatement(
            sql: "INSERT INTO attributes (trace_id, span_id, position, key, type, value) VALUES (?, ?, ?, ?, ?, ?)")
        let eventStatement = try db.cachedStatement(
            sql: "INSERT INTO events (trace_id, span_id, position, name, time_ns, attributes) VALUES (?, ?, ?, ?, ?, ?)")
        let findResource = try db.cachedStatement(sql: "SELECT id FROM resources WHERE attributes = ?")
        let addResource = try db.cachedStatement(sql: "INSERT INTO resources (attributes) VALUES (?)")
        // Most batches carry one resource: encode and look it up once per distinct resource.
        var resourceIDs: [Resource: (id: Int64, json: String)] = [:]
        var touched: [String: LocalSpanRecord] = [:]
        for record in records {
            let resource: (id: Int64, json: String)
            if let known = resourceIDs[record.resource] {
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
            let arguments: [(any DatabaseValueConvertible)?] = [
                traceID, spanID, span.parentSpanID?.description, span.parentIsRemote, span.context.isSampled,
                span.context.traceState, span.name, span.kind.spoolName,
                Int64(clamping: span.startTimeNanos), Int64(clamping: span.endTimeNanos),
                Int64(clamping: span.durationNanos), span.status.rawValue, span.statusMessage, derived.model,
                derived.inputTokens, derived.outputTokens, derived.cost, derived.sessionID, derived.userID,
                span.exception?.type, span.exception?.message, span.exception?.stackTrace, links,
                span.droppedAttributeCount, span.droppedEventCount, record.resource.serviceName, resource.id,
                derived.provider, derived.operation,
            ]
            try spanStatement.execute(arguments: StatementArguments(arguments))
            try clearAttributes.execute(arguments: [traceID, spanID])
            try clearEvents.execute(arguments: [traceID, spanID])
            for (position, element) in span.attributes.enumerated() {
                let (type, value) = StoredAttribute.column(element.value)
                try attributeStatement.execute(arguments: [traceID, spanID, position, element.key, type, value])
            }
            for (position, event) in span.events.enumerated() {
                try eventStatement.execute(arguments: [
                    traceID, spanID, position, event.name, Int64(clamping: event.timeNanos),
                    LocalSpanLineEncoder.encodeAttributes(event.attributes),
                ])
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
