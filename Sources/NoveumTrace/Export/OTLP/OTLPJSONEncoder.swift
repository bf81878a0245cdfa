
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
            sink.jsonString(scope.name)
            needsComma = true
        }
        if !scope.version.isEmpty {
            if needsComma { sink.append(UInt8(ascii: ",")) }
            sink.append("\"version\":")
            sink.jsonString(scope.version)
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
            jsonString(state)
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
            jsonString(span.name)
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
                jsonString(message)
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
            jsonString(event.name)
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
            jsonString(state)
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
        jsonString(key)
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
            jsonString(v)
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
                jsonString(values[index])
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

    /// A JSON string literal: quotes, backslashes and control characters escaped, everything else as UTF-8.
    @inline(__always)
    mutating func jsonString(_ text: String) {
        let length = text.utf8.count
        reserve(length &+ 2)
        base[count] = UInt8(ascii: "\"")
        count &+= 1
        let copied: Bool? = text.utf8.withContiguousStorageIfAvailable { bytes in
            // Copy first, then look for bytes that need escaping; almost no text has any.
            guard let source = bytes.baseAddress else { return true }
            var index = 0
            // Eight bytes at a time while none needs escaping.
            let raw = UnsafeRawPointer(source)
            while index &+ 8 <= length {
                if Self.needsEscape(raw.loadUnaligned(fromByteOffset: index, as: UInt64.self)) { break }
                index &+= 8
            }
            while index < length {
                let byte = source[index]
                if byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") { break }
                index &+= 1
            }
            (base + count).update(from: source, count: index)
            count &+= index
            while index < length {
                let byte = source[index]
                if byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") {
                    appendEscaped(byte)
                } else {
                    append(byte)
                }
                index &+= 1
            }
            return true
        }
        if copied == nil {
            for byte in text.utf8 {
                if byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") {
                    appendEscaped(byte)
                } else {
                    append(byte)
                }
            }
        }
        append(UInt8(ascii: "\""))
    }

    /// Whether any of the eight bytes in `word` is a control character, a quote or a backslash (exact: no false
    /// positives or negatives, by the classic zero-byte tests).
    @inline(__always)
    static func needsEscape(_ word: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        let below20 = (word &- ones &* 0x20) & ~word & highs
        let quote = word ^ (ones &* 0x22)
        let backslash = word ^ (ones &* 0x5C)
        let hasQuote = (quote &- ones) & ~quote & highs
        let hasBackslash = (backslash &- ones) & ~backslash & highs
        return (below20 | hasQuote | hasBackslash) != 0
    }

    @inline(never)
    mutating func appendEscaped(_ byte: UInt8) {
        switch byte {
        case UInt8(ascii: "\""): append(UInt8(ascii: "\\"), UInt8(ascii: "\""))
        case UInt8(ascii: "\\"): append(UInt8(ascii: "\\"), UInt8(ascii: "\\"))
        case UInt8(ascii: "\n"): append(UInt8(ascii: "\\"), UInt8(ascii: "n"))
        case UInt8(ascii: "\r"): append(UInt8(ascii: "\\"), UInt8(ascii: "r"))
        case UInt8(ascii: "\t"): append(UInt8(ascii: "\\"), UInt8(ascii: "t"))
        case 0x08: append(UInt8(ascii: "\\"), UInt8(ascii: "b"))
        case 0x0C: append(UInt8(ascii: "\\"), UInt8(ascii: "f"))
        default:
            append("\\u00")
            appendHex(UInt64(byte), width: 2)
        }
    }
}
