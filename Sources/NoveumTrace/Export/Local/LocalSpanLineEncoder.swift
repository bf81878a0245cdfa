import Tracing

/// Writes spans in the local spool format: one JSON object per line, lossless, so the local store can rebuild the
/// exact ``SpanData`` (and export it as OTLP or Noveum JSON later).
///
/// Format version 1, keys in this order:
///
/// ```json
/// {"v":1,"project":"default","environment":"development","resource":[["service.name","s","app"]],
///  "trace_id":"<32 hex>","span_id":"<16 hex>","parent_span_id":"<16 hex>"|null,"parent_remote":false,
///  "sampled":true,"trace_state":null,"name":"chat gpt-4o","kind":"client","start_ns":1,"end_ns":2,
///  "status":"ok","status_message":null,"attributes":[["llm.model","s","gpt-4o"],["llm.input_tokens","i",12]],
///  "events":[{"name":"...","time_ns":1,"attributes":[...]}],
///  "links":[{"trace_id":"...","span_id":"...","trace_state":null,"attributes":[...]}],
///  "exception":{"type":"...","message":"...","stack":null}|null,"dropped_attributes":0,"dropped_events":0}
/// ```
///
/// Attributes are `[key, type, value]` triples, in list order: type `s` string, `i` integer, `d` double (the
/// strings `"NaN"`, `"Infinity"`, `"-Infinity"` for values JSON cannot hold), `b` boolean, and `sa`, `ia`, `da`,
/// `ba` for arrays of those. Times are nanoseconds since the Unix epoch. A line never contains a raw newline: JSON
/// escapes them inside strings.
public struct LocalSpanLineEncoder: Sendable {
    /// The format version written as `v`.
    public static let version = 1

    private let header: [UInt8]

    /// Creates an encoder for spans of one client.
    public init(project: String, environment: String, resource: Resource) {
        var w = ByteSink(capacity: 256)
        w.raw("{\"v\":1,\"project\":")
        w.string(project)
        w.raw(",\"environment\":")
        w.string(environment)
        w.raw(",\"resource\":")
        Self.typedAttributes(resource.attributes, into: &w)
        header = w.bytes()
    }

    /// Creates an encoder for the client described by `context`.
    public init(context: ExporterContext) {
        self.init(
            project: context.settings.project, environment: context.settings.environment, resource: context.resource)
    }

    /// The lines for `spans`, each ending with a newline.
    public func encode(_ spans: [SpanData]) -> [UInt8] {
        var w = ByteSink(capacity: spans.count * 512)
        for span in spans { encode(span, into: &w) }
        return w.bytes()
    }

    /// The line for one span, ending with a newline.
    public func encodeLine(_ span: SpanData) -> [UInt8] {
        var w = ByteSink(capacity: 512)
        encode(span, into: &w)
        return w.bytes()
    }

    /// The typed attribute triples, as a JSON array: the encoding the store keeps for event attributes.
    public static func encodeAttributes(_ list: AttributeList) -> String {
        var w = ByteSink(capacity: 256)
        typedAttributes(list, into: &w)
        return String(decoding: w.bytes(), as: UTF8.self)
    }

    private func encode(_ span: SpanData, into w: inout ByteSink) {
        w.raw(header)
        w.raw(",\"trace_id\":")
        w.traceID(span.traceID)
        w.raw(",\"span_id\":")
        w.spanID(span.spanID)
        w.raw(",\"parent_span_id\":")
        w.spanID(span.parentSpanID)
        w.raw(",\"parent_remote\":")
        w.bool(span.parentIsRemote)
        w.raw(",\"sampled\":")
        w.bool(span.context.isSampled)
        w.raw(",\"trace_state\":")
        w.string(span.context.traceState)
        w.raw(",\"name\":")
        w.string(span.name)
        w.raw(",\"kind\":")
        w.raw(UInt8(ascii: "\""))
        w.raw(span.kind.formatNames.spool)
        w.raw(UInt8(ascii: "\""))
        w.raw(",\"start_ns\":")
        w.unsigned(span.startTimeNanos)
        w.raw(",\"end_ns\":")
        w.unsigned(span.endTimeNanos)
        w.raw(",\"status\":")
        w.string(span.status.rawValue)
        w.raw(",\"status_message\":")
        w.string(span.statusMessage)
        w.raw(",\"attributes\":")
        Self.typedAttributes(span.attributes, into: &w)
        w.raw(",\"events\":[")
        for (index, event) in span.events.enumerated() {
            if index > 0 { w.raw(",") }
            w.raw("{\"name\":")
            w.string(event.name)
            w.raw(",\"time_ns\":")
            w.unsigned(event.timeNanos)
            w.raw(",\"attributes\":")
            Self.typedAttributes(event.attributes, into: &w)
            w.raw("}")
        }
        w.raw("],\"links\":[")
        for (index, link) in span.links.enumerated() {
            if index > 0 { w.raw(",") }
            w.raw("{\"trace_id\":")
            w.traceID(link.context.traceID)
            w.raw(",\"span_id\":")
            w.spanID(link.context.spanID)
            w.raw(",\"trace_state\":")
            w.string(link.context.traceState)
            w.raw(",\"attributes\":")
            Self.typedAttributes(link.attributes, into: &w)
            w.raw("}")
        }
        w.raw("],\"exception\":")
        if let exception = span.exception {
            w.raw("{\"type\":")
            w.string(exception.type)
            w.raw(",\"message\":")
            w.string(exception.message)
            w.raw(",\"stack\":")
            w.string(exception.stackTrace)
            w.raw("}")
        } else {
            w.null()
        }
        w.raw(",\"dropped_attributes\":")
        w.int(span.droppedAttributeCount)
        w.raw(",\"dropped_events\":")
        w.int(span.droppedEventCount)
        w.raw("}\n")
    }

    static func typedAttributes(_ list: AttributeList, into w: inout ByteSink) {
        w.raw("[")
        for (index, element) in list.enumerated() {
            if index > 0 { w.raw(",") }
            w.raw("[")
            w.string(element.key)
            w.raw(",\"")
            w.raw(element.value.spoolTypeTag)
            w.raw("\",")
            w.attributeValue(element.value)
            w.raw("]")
        }
        w.raw("]")
    }
}
