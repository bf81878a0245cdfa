import Foundation
import GRDB
import NoveumTrace
import Tracing

extension TraceStore {
    /// The spans of the trace `idOrPrefix` names, rebuilt exactly as they were recorded, for export.
    public func records(trace idOrPrefix: String) throws -> [LocalSpanRecord] {
        let traceID = try resolveTraceID(idOrPrefix)
        return try read { db in try Self.records(where: "t.trace_id = ?", arguments: [traceID], db: db) }
    }

    /// The spans of every trace that started in `[sinceNanos, untilNanos)`, for export.
    public func records(sinceNanos: Int64?, untilNanos: Int64?) throws -> [LocalSpanRecord] {
        try read { db in
            try Self.records(
                where: "t.start_ns >= ? AND t.start_ns < ?", arguments: [sinceNanos ?? Int64.min, untilNanos ?? Int64.max],
                db: db)
        }
    }

    private static func records(where condition: String, arguments: StatementArguments, db: Database) throws
        -> [LocalSpanRecord]
    {
        let rows = try Row.fetchAll(
            db,
            sql: """
                SELECT s.trace_id, s.span_id, s.parent_span_id, s.parent_remote, s.sampled, s.trace_state, s.name,
                  s.kind, s.start_ns, s.end_ns, s.status, s.status_message, s.exception_type, s.exception_message,
                  s.exception_stack, s.links, s.dropped_attributes, s.dropped_events, t.project, t.environment,
                  COALESCE((SELECT attributes FROM resources WHERE id = s.resource_id), t.resource), s.attributes
                FROM traces t JOIN spans s ON s.trace_id = t.trace_id WHERE \(condition)
                ORDER BY t.start_ns, s.trace_id, s.start_ns, s.span_id
                """, arguments: arguments)
        let attributeStatement = try db.cachedStatement(
            sql: "SELECT key, type, value FROM attributes WHERE trace_id = ? AND span_id = ? ORDER BY position")
        let eventStatement = try db.cachedStatement(
            sql: "SELECT name, time_ns, attributes FROM events WHERE trace_id = ? AND span_id = ? ORDER BY position")
        var resources: [String: Resource] = [:]
        return try rows.compactMap { row -> LocalSpanRecord? in
            let traceHex: String = row[0]
            let spanHex: String = row[1]
            guard let traceID = TraceID(hex: traceHex), let spanID = SpanID(hex: spanHex) else { return nil }
            var attributes = AttributeList()
            if let json = row[21] as String? {
                attributes = (try? LocalSpanLineDecoder.decodeAttributes(json)) ?? AttributeList()
            } else {  // stored by version 1: one row per attribute
                for attribute in try Row.fetchAll(attributeStatement, arguments: [traceHex, spanHex]) {
                    if let value = StoredAttribute.value(type: attribute[1], column: attribute[2] as DatabaseValue) {
                        attributes[attribute[0]] = value
                    }
                }
            }
            let events = try Row.fetchAll(eventStatement, arguments: [traceHex, spanHex]).map { event in
                NoveumSpan.Event(
                    name: event[0], timeNanos: UInt64(clamping: event[1] as Int64),
                    attributes: (try? LocalSpanLineDecoder.decodeAttributes(event[2])) ?? AttributeList())
            }
            var exception: NoveumSpan.ExceptionInfo?
            if let type: String = row[12] {
                exception = NoveumSpan.ExceptionInfo(type: type, message: row[13] ?? "", stackTrace: row[14])
            }
            let resourceJSON: String = row[20]
            let resource =
                resources[resourceJSON]
                ?? Resource(attributes: (try? LocalSpanLineDecoder.decodeAttributes(resourceJSON)) ?? AttributeList())
            resources[resourceJSON] = resource
            let span = SpanData(
                context: SpanContext(traceID: traceID, spanID: spanID, isSampled: row[4], traceState: row[5]),
                parentSpanID: (row[2] as String?).flatMap { SpanID(hex: $0) }, parentIsRemote: row[3], name: row[6],
                kind: SpanKind(spoolName: row[7]), startTimeNanos: UInt64(clamping: row[8] as Int64),
                endTimeNanos: UInt64(clamping: row[9] as Int64),
                status: NoveumSpan.Status(rawValue: row[10]) ?? .unset, statusMessage: row[11],
                attributes: attributes, events: events, links: links(row[15]), exception: exception,
                droppedAttributeCount: row[16], droppedEventCount: row[17])
            return LocalSpanRecord(span: span, project: row[18], environment: row[19], resource: resource)
        }
    }

    private static func links(_ json: String) -> [NoveumSpan.Link] {
        guard json != "[]" else { return [] }
        // The links column holds `[{"trace_id":..,"span_id":..,"attributes":[...]}]`: read it as a spool line's
        // links by wrapping it in a minimal record.
        let line =
            "{\"v\":1,\"trace_id\":\"00000000000000000000000000000001\",\"span_id\":\"0000000000000001\","
            + "\"name\":\"\",\"start_ns\":0,\"end_ns\":0,\"links\":\(json)}"
        return (try? LocalSpanLineDecoder.decode(Data(line.utf8)))?.span.links ?? []
    }
}
