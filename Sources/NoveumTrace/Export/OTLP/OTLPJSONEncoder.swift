
/// Encodes finished spans as an OTLP `ExportTraceServiceRequest` in OTLP/JSON: the body of an OTLP/HTTP request
/// with `Content-Type: application/json`.
///
/// OTLP/JSON is the protobuf JSON mapping with OTLP's own rules: trace and span ids are lowercase hex (not
/// base64), enum values are integers, field names are lowerCamelCase (`resourceSpans`, `traceId`,
/// `startTimeUnixNano`), 64-bit integers are decimal strings, and fields holding their default value are left
/// out. Doubles that JSON cannot hold are the strings `"NaN"`, `"Infinity"` and `"-Infinity"`, as proto3 JSON
/// writes them, so the output is always valid JSON.
///
/// The content and the status mapping are those of ``OTLPProtobufEncoder``.
public struct OTLPJSONEncoder: Sendable {
    /// The instrumentation scope the spans are sent under.
    public var scope: OTLPScope
    private let pool = ByteSinkPool()

    public init(scope: OTLPScope = OTLPScope()) {
        self.scope = scope
    }

    /// The JSON text of the `ExportTraceServiceRequest` for `spans`, as UTF-8.
    public func encode(_ spans: [SpanData], resource: Resource) -> [UInt8] {
        pool.withSink(capacity: 1024 + spans.count * 1024) { sink in
            encode(spans, resource: resource, into: &sink)
            return sink.bytes()
        }
    }

    func encode(_ spans: [SpanData], resource: Resource, into sink: inout ByteSink) {
        sink.append("{\"resourceSpans\":[{\"resource\":{")
        if !resource.attributes.isEmpty {
            sink.append("\"attributes\":")
            sink.jsonAttributes(resource.attributes)
        }
        sink.append("},\"scopeSpans\":[{\"scope\":{")
        var needsComma = false
        if !scope.name.isEmpty {
            sink.append("\"name\":")
            sink.string(scope.name)
            needsComma = true
        }
        if !scope.version.isEmpty {
            if needsComma { sink.append(UInt8(ascii: ",")) }
            sink.append("\"version\":")
            sink.string(scope.version)
        }
        sink.append("},\"spans\":")
        sink.jsonArray(spans) { $0.jsonSpan($1) }
        sink.append("}]}]}")
    }
}

extension ByteSink {
    /// One `Span` object. Fields in field-number order; defaults left out.
    @inline(__always)
    mutating func jsonSpan(_ span: SpanData) {
        jsonOpenContext(span.context)
        if let parent = span.parentSpanID {
            append(",\"parentSpanId\":\"")
            appendHex(parent.rawValue, width: 16)
            append(UInt8(ascii: "\""))
        }
        append(",\"flags\":")
        appendDecimal(UInt64(OTLPMapping.spanFlags(span)))
        if !span.name.isEmpty {
            append(",\"name\":")
            string(span.name)
        }
        append(",\"kind\":")
        append(OTLPMapping.kind(span.kind) &+ UInt8(ascii: "0"))
        if span.startTimeNanos != 0 {
            append(",\"startTimeUnixNano\":\"")
            appendDecimal(span.startTimeNanos)
            append(UInt8(ascii: "\""))
        }
        if span.endTimeNanos != 0 {
            append(",\"endTimeUnixNano\":\"")
            appendDecimal(span.endTimeNanos)
            append(UInt8(ascii: "\""))
        }
        let hasStatus = span.status != .unset
        if !span.attributes.isEmpty || hasStatus {
            append(",\"attributes\":[")
            var first = true
            for attribute in span.attributes {
                if hasStatus && OTLPMapping.isStatusAttribute(attribute.key) { continue }
                if !first { append(UInt8(ascii: ",")) }
                first = false
                jsonKeyValue(attribute.key, attribute.value)
            }
            if hasStatus {
                if !first { append(UInt8(ascii: ",")) }
                jsonKeyValue(OTLPMapping.statusAttributeKey, .string(span.status.rawValue))
            }
            append(UInt8(ascii: "]"))
        }
        jsonDroppedCount(",\"droppedAttributesCount\":", span.droppedAttributeCount)
        if !span.events.isEmpty {
            append(",\"events\":")
            jsonArray(span.events) { $0.jsonEvent($1) }
        }
        jsonDroppedCount(",\"droppedEventsCount\":", span.droppedEventCount)
        if !span.links.isEmpty {
            append(",\"links\":")
            jsonArray(span.links) { $0.jsonLink($1) }
        }
        if hasStatus {
            append(",\"status\":{")
            if let message = OTLPMapping.statusMessage(span.status, span.statusMessage), !message.isEmpty {
                append("\"message\":")
                string(message)
                append(UInt8(ascii: ","))
            }
            append("\"code\":")
            append(OTLPMapping.statusCode(span.status) &+ UInt8(ascii: "0"))
            append(UInt8(ascii: "}"))
        }
        append(UInt8(ascii: "}"))
    }

    /// A dropped-items count, left out when zero (the default).
    @inline(__always)
    mutating func jsonDroppedCount(_ key: StaticString, _ count: Int) {
        guard count > 0 else { return }
        append(key)
        appendDecimal(UInt64(OTLPMapping.count32(count)))
    }

    /// `{"traceId":"…","spanId":"…"`, and `,"traceState":…` when there is one: how a span and a link begin.
    @inline(__always)
    mutating func jsonOpenContext(_ context: SpanContext) {
        append("{\"traceId\":\"")
        appendHex(context.traceID.high, width: 16)
        appendHex(context.traceID.low, width: 16)
        append("\",\"spanId\":\"")
        appendHex(context.spanID.rawValue, width: 16)
        append(UInt8(ascii: "\""))
        if let state = context.traceState, !state.isEmpty {
            append(",\"traceState\":")
            string(state)
        }
    }

    @inline(__always)
    mutating func jsonEvent(_ event: NoveumSpan.Event) {
        append(UInt8(ascii: "{"))
        var needsComma = false
        if event.timeNanos != 0 {
            append("\"timeUnixNano\":\"")
            appendDecimal(event.timeNanos)
            append(UInt8(ascii: "\""))
            needsComma = true
        }
        if !event.name.isEmpty {
            if needsComma { append(UInt8(ascii: ",")) }
            append("\"name\":")
            string(event.name)
            needsComma = true
        }
        if !event.attributes.isEmpty {
            if needsComma { append(UInt8(ascii: ",")) }
            append("\"attributes\":")
            jsonAttributes(event.attributes)
        }
        append(UInt8(ascii: "}"))
    }

    @inline(__always)
    mutating func jsonLink(_ link: NoveumSpan.Link) {
        jsonOpenContext(link.context)
        if !link.attributes.isEmpty {
            append(",\"attributes\":")
            jsonAttributes(link.attributes)
        }
        append(",\"flags\":")
        appendDecimal(UInt64(OTLPMapping.linkFlags(link.context)))
        append(UInt8(ascii: "}"))
    }

    /// A JSON array of `KeyValue` objects.
    @inline(__always)
    mutating func jsonAttributes(_ attributes: AttributeList) {
        jsonArray(attributes) { $0.jsonKeyValue($1.key, $1.value) }
    }

    @inline(__always)
    mutating func jsonKeyValue(_ key: String, _ value: AttributeValue) {
        append("{\"key\":")
        string(key)
        append(",\"value\":")
        jsonAnyValue(value)
        append(UInt8(ascii: "}"))
    }

    /// An `AnyValue` object: exactly one of `stringValue`, `boolValue`, `intValue` (a decimal string),
    /// `doubleValue` or `arrayValue`.
    mutating func jsonAnyValue(_ value: AttributeValue) {
        switch value {
        case .string(let v):
            jsonString(v)
        case .bool(let v):
            jsonBool(v)
        case .int(let v):
            jsonInt(v)
        case .double(let v):
            jsonDouble(v)
        case .stringArray(let values):
            jsonArrayValue(values) { $0.jsonString($1) }
        case .intArray(let values):
            jsonArrayValue(values) { $0.jsonInt($1) }
        case .doubleArray(let values):
            jsonArrayValue(values) { $0.jsonDouble($1) }
        case .boolArray(let values):
            jsonArrayValue(values) { $0.jsonBool($1) }
        }
    }

    /// `{"arrayValue":{"values":[…]}}`.
    @inline(__always)
    private mutating func jsonArrayValue<Element>(_ values: [Element], _ write: (inout ByteSink, Element) -> Void) {
        append("{\"arrayValue\":{\"values\":")
        jsonArray(values, write)
        append("}}")
    }

    @inline(__always)
    mutating func jsonString(_ value: String) {
        jsonValue("{\"stringValue\":", "}") { $0.string(value) }
    }

    @inline(__always)
    mutating func jsonBool(_ value: Bool) {
        append(value ? "{\"boolValue\":true}" : "{\"boolValue\":false}")
    }

    /// `{"intValue":"…"}`: 64-bit integers are decimal strings in OTLP/JSON.
    @inline(__always)
    mutating func jsonInt(_ value: Int64) {
        jsonValue("{\"intValue\":\"", "\"}") { $0.appendDecimal(value) }
    }

    @inline(__always)
    mutating func jsonDouble(_ value: Double) {
        jsonValue("{\"doubleValue\":", "}") { $0.double(value) }
    }

    /// `opening`, the value as `write` writes it, `closing`.
    @inline(__always)
    private mutating func jsonValue(_ opening: StaticString, _ closing: StaticString, _ write: (inout ByteSink) -> Void) {
        append(opening)
        write(&self)
        append(closing)
    }
}
