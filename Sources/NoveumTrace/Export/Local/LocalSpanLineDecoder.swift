import Foundation
import Tracing

/// Reads lines of the local spool format that ``LocalSpanLineEncoder`` writes back into ``LocalSpanRecord``s.
public enum LocalSpanLineDecoder {
    /// Why a line could not be read.
    public struct Malformed: Error, Sendable, Hashable, CustomStringConvertible {
        /// What is wrong with the line.
        public var reason: String
        public var description: String { "malformed spool line: \(reason)" }
    }

    /// Decodes one line (without or with its newline).
    public static func decode(_ line: Data) throws(Malformed) -> LocalSpanRecord {
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: line, options: [])
        } catch {
            throw Malformed(reason: "not JSON")
        }
        guard let root = object as? [String: Any] else { throw Malformed(reason: "not an object") }
        guard (root["v"] as? NSNumber)?.intValue == LocalSpanLineEncoder.version else {
            throw Malformed(reason: "unknown format version")
        }
        guard let traceHex = root["trace_id"] as? String, let traceID = TraceID(hex: traceHex) else {
            throw Malformed(reason: "trace_id")
        }
        guard let spanHex = root["span_id"] as? String, let spanID = SpanID(hex: spanHex) else {
            throw Malformed(reason: "span_id")
        }
        var parent: SpanID?
        if let parentHex = root["parent_span_id"] as? String {
            guard let parsed = SpanID(hex: parentHex) else { throw Malformed(reason: "parent_span_id") }
            parent = parsed
        }
        guard let name = root["name"] as? String else { throw Malformed(reason: "name") }
        guard let start = unsigned(root["start_ns"]), let end = unsigned(root["end_ns"]) else {
            throw Malformed(reason: "start_ns or end_ns")
        }
        let status = (root["status"] as? String).flatMap(NoveumSpan.Status.init(rawValue:)) ?? .unset
        let context = SpanContext(
            traceID: traceID, spanID: spanID, isSampled: (root["sampled"] as? Bool) ?? true,
            traceState: root["trace_state"] as? String)
        var events: [NoveumSpan.Event] = []
        for case let event as [String: Any] in (root["events"] as? [Any]) ?? [] {
            events.append(
                NoveumSpan.Event(
                    name: event["name"] as? String ?? "", timeNanos: unsigned(event["time_ns"]) ?? 0,
                    attributes: try attributes(event["attributes"])))
        }
        var links: [NoveumSpan.Link] = []
        for case let link as [String: Any] in (root["links"] as? [Any]) ?? [] {
            guard let t = (link["trace_id"] as? String).flatMap({ TraceID(hex: $0) }),
                let s = (link["span_id"] as? String).flatMap({ SpanID(hex: $0) })
            else { throw Malformed(reason: "link ids") }
            links.append(
                NoveumSpan.Link(
                    context: SpanContext(
                        traceID: t, spanID: s, isSampled: true, traceState: link["trace_state"] as? String,
                        isRemote: true),
                    attributes: try attributes(link["attributes"])))
        }
        var exception: NoveumSpan.ExceptionInfo?
        if let block = root["exception"] as? [String: Any] {
            exception = NoveumSpan.ExceptionInfo(
                type: block["type"] as? String ?? "", message: block["message"] as? String ?? "",
                stackTrace: block["stack"] as? String)
        }
        let span = SpanData(
            context: context, parentSpanID: parent, parentIsRemote: (root["parent_remote"] as? Bool) ?? false,
            name: name, kind: SpanKind(spoolName: root["kind"] as? String), startTimeNanos: start, endTimeNanos: end, status: status,
            statusMessage: root["status_message"] as? String, attributes: try attributes(root["attributes"]),
            events: events, links: links, exception: exception,
            droppedAttributeCount: (root["dropped_attributes"] as? NSNumber)?.intValue ?? 0,
            droppedEventCount: (root["dropped_events"] as? NSNumber)?.intValue ?? 0)
        return LocalSpanRecord(
            span: span, project: root["project"] as? String ?? "default",
            environment: root["environment"] as? String ?? "development",
            resource: Resource(attributes: try attributes(root["resource"])))
    }

    /// Decodes a JSON array of typed attribute triples, as ``LocalSpanLineEncoder/encodeAttributes(_:)`` writes.
    public static func decodeAttributes(_ json: String) throws(Malformed) -> AttributeList {
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: Data(json.utf8), options: [])
        } catch {
            throw Malformed(reason: "attributes are not JSON")
        }
        return try attributes(object)
    }

    /// One attribute value from its type tag and JSON value.
    public static func attributeValue(tag: String, value: Any) -> AttributeValue? {
        switch tag {
        case "s": return (value as? String).map(AttributeValue.string)
        case "i": return (value as? NSNumber).map { .int($0.int64Value) }
        case "d": return double(value).map(AttributeValue.double)
        case "b": return (value as? Bool).map(AttributeValue.bool)
        case "sa", "ia", "da", "ba":
            guard let items = value as? [Any] else { return nil }
            return array(tag: tag, items: items)
        default: return nil
        }
    }

    private static func array(tag: String, items: [Any]) -> AttributeValue? {
        switch tag {
        case "sa":
            var strings: [String] = []
            for item in items { if let string = item as? String { strings.append(string) } }
            return .stringArray(strings)
        case "ia":
            var ints: [Int64] = []
            for item in items { if let number = item as? NSNumber { ints.append(number.int64Value) } }
            return .intArray(ints)
        case "da":
            var doubles: [Double] = []
            for item in items { if let number = double(item) { doubles.append(number) } }
            return .doubleArray(doubles)
        default:
            var bools: [Bool] = []
            for item in items { if let bool = item as? Bool { bools.append(bool) } }
            return .boolArray(bools)
        }
    }

    static func attributes(_ object: Any?) throws(Malformed) -> AttributeList {
        var list = AttributeList()
        guard let triples = object as? [Any] else { return list }
        for case let triple as [Any] in triples {
            guard triple.count == 3, let key = triple[0] as? String, let tag = triple[1] as? String,
                let value = attributeValue(tag: tag, value: triple[2])
            else { throw Malformed(reason: "attribute") }
            list[key] = value
        }
        return list
    }

    private static func double(_ value: Any) -> Double? {
        if let number = value as? NSNumber { return number.doubleValue }
        switch value as? String {
        case "NaN": return .nan
        case "Infinity": return .infinity
        case "-Infinity": return -.infinity
        default: return nil
        }
    }

    private static func unsigned(_ value: Any?) -> UInt64? {
        guard let number = value as? NSNumber else { return nil }
        return number.uint64Value
    }
}
