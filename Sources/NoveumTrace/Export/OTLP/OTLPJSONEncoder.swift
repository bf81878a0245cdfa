
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
        sink.append("},\"spans\":[")
        for index in spans.indices {
            if index != spans.startIndex { sink.append(UInt8(ascii: ",")) }
            sink.jsonSpan(spans[index])
        }
        sink.append("]}]}]}")
    }
}

extension ByteSink {
    /// One `Span` object. Fields in field-number order; defaults left out.
    @inline(__always)
    mutating func jsonSpan(_ span: SpanData) {
        append("{\"traceId\":\"")
        appendHex(span.context.traceID.high, width: 16)
        appendHex(span.context.traceID.low, width: 16)
        append("\",\"spanId\":\"")
        appendHex(span.context.spanID.rawValue, width: 16)
        append(UInt8(ascii: "\""))
        if let state = span.context.traceState, !state.isEmpty {
            append(",\"traceState\":")
            string(state)
        }
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
        if span.droppedAttributeCount > 0 {
            append(",\"droppedAttributesCount\":")
            appendDecimal(UInt64(OTLPMapping.count32(span.droppedAttributeCount)))
        }
        if !span.events.isEmpty {
            append(",\"events\":[")
            for index in span.events.indices {
                if index != 0 { append(UInt8(ascii: ",")) }
                jsonEvent(span.events[index])
            }
            append(UInt8(ascii: "]"))
        }
        if span.droppedEventCount > 0 {
            append(",\"droppedEventsCount\":")
            appendDecimal(UInt64(OTLPMapping.count32(span.droppedEventCount)))
        }
        if !span.links.isEmpty {
            append(",\"links\":[")
            for index in span.links.indices {
                if index != 0 { append(UInt8(ascii: ",")) }
                jsonLink(span.links[index])
            }
            append(UInt8(ascii: "]"))
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
        append("{\"traceId\":\"")
        appendHex(link.context.traceID.high, width: 16)
        appendHex(link.context.traceID.low, width: 16)
        append("\",\"spanId\":\"")
        appendHex(link.context.spanID.rawValue, width: 16)
        append(UInt8(ascii: "\""))
        if let state = link.context.traceState, !state.isEmpty {
            append(",\"traceState\":")
            string(state)
        }
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
        append(UInt8(ascii: "["))
        for index in attributes.indices {
            if index != attributes.startIndex { append(UInt8(ascii: ",")) }
            let attribute = attributes[index]
            jsonKeyValue(attribute.key, attribute.value)
        }
        append(UInt8(ascii: "]"))
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
            append("{\"stringValue\":")
            string(v)
            append(UInt8(ascii: "}"))
        case .bool(let v):
            append(v ? "{\"boolValue\":true}" : "{\"boolValue\":false}")
        case .int(let v):
            jsonInt(v)
        case .double(let v):
            jsonDouble(v)
        case .stringArray(let values):
            append("{\"arrayValue\":{\"values\":[")
            for index in values.indices {
                if index != 0 { append(UInt8(ascii: ",")) }
                append("{\"stringValue\":")
                string(values[index])
                append(UInt8(ascii: "}"))
            }
            append("]}}")
        case .intArray(let values):
            append("{\"arrayValue\":{\"values\":[")
            for index in values.indices {
                if index != 0 { append(UInt8(ascii: ",")) }
                jsonInt(values[index])
            }
            append("]}}")
        case .doubleArray(let values):
            append("{\"arrayValue\":{\"values\":[")
            for index in values.indices {
                if index != 0 { append(UInt8(ascii: ",")) }
                jsonDouble(values[index])
            }
            append("]}}")
        case .boolArray(let values):
            append("{\"arrayValue\":{\"values\":[")
            for index in values.indices {
                if index != 0 { append(UInt8(ascii: ",")) }
                append(values[index] ? "{\"boolValue\":true}" : "{\"boolValue\":false}")
            }
            append("]}}")
        }
    }

    @inline(__always)
    mutating func jsonInt(_ value: Int64) {
        append("{\"intValue\":\"")
        appendDecimal(value)
        append("\"}")
    }

    @inline(__always)
    mutating func jsonDouble(_ value: Double) {
        append("{\"doubleValue\":")
        if value.isFinite {
            let text = value.description
            appendUTF8(text, count: text.utf8.count)
        } else if value.isNaN {
            append("\"NaN\"")
        } else {
            append(value < 0 ? "\"-Infinity\"" : "\"Infinity\"")
        }
        append(UInt8(ascii: "}"))
    }
}
