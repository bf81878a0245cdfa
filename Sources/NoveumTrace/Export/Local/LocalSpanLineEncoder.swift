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
        w.member("{\"v\":1,\"project\":", .string(project))
        w.member(",\"environment\":", .string(environment))
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
        w.member(",\"trace_id\":", .traceID(span.traceID))
        w.member(",\"span_id\":", .spanID(span.spanID))
        w.member(",\"parent_span_id\":", .spanID(span.parentSpanID))
        w.member(",\"parent_remote\":", .bool(span.parentIsRemote))
        w.member(",\"sampled\":", .bool(span.context.isSampled))
        w.member(",\"trace_state\":", .string(span.context.traceState))
        w.member(",\"name\":", .string(span.name))
        w.raw(",\"kind\":")
        w.raw(UInt8(ascii: "\""))
        w.raw(span.kind.formatNames.spool)
        w.raw(UInt8(ascii: "\""))
        w.member(",\"start_ns\":", .unsigned(span.startTimeNanos))
        w.member(",\"end_ns\":", .unsigned(span.endTimeNanos))
        w.spanOutcomeAndContent(span, as: Dialect.self)
        w.raw(",\"exception\":")
        if let exception = span.exception {
            w.spanException(exception, as: Dialect.self)
        } else {
            w.null()
        }
        w.member(",\"dropped_attributes\":", .int(span.droppedAttributeCount))
        w.member(",\"dropped_events\":", .int(span.droppedEventCount))
        w.raw("}\n")
    }

    /// `[[key, type, value], …]`: an attribute list as typed triples, in list order.
    static func typedAttributes(_ list: AttributeList, into w: inout ByteSink) {
        w.jsonArray(list) { w, element in
            w.raw("[")
            w.string(element.key)
            w.raw(",\"")
            w.raw(element.value.spoolTypeTag)
            w.raw("\",")
            w.attributeValue(element.value)
            w.raw("]")
        }
    }

    /// The spool's events, links and exception: typed attributes, times in nanoseconds, every key written.
    enum Dialect: SpanJSONDialect {
        static func attributes(_ list: AttributeList, into sink: inout ByteSink) {
            typedAttributes(list, into: &sink)
        }

        static func eventTime(_ nanos: UInt64, into sink: inout ByteSink) {
            sink.member(",\"time_ns\":", .unsigned(nanos))
        }

        static let linkHasTraceState = true

        static func exceptionStack(_ stackTrace: String?, into sink: inout ByteSink) {
            sink.member(",\"stack\":", .string(stackTrace))
        }
    }
}
