import NoveumTrace

/// Encodes finished spans as an OTLP `ExportTraceServiceRequest` in protobuf's binary wire format: the body of an
/// OTLP/HTTP request with `Content-Type: application/x-protobuf`.
///
/// The request holds one `ResourceSpans` with the resource's attributes and one `ScopeSpans` whose scope is
/// this SDK (`noveum-trace-swift` and its version). Each span keeps its ids, trace state, parent, name, kind,
/// times, attributes, events, links, dropped counts, flags and status; see ``OTLPJSONEncoder`` for the same
/// request as OTLP/JSON.
///
/// Status: `ok` is `OK`, `unset` is `UNSET`, and `error`, `timeout` and `cancelled` are `ERROR` with the span's
/// message (for `timeout` and `cancelled` without one, the status name). Every span whose status is set also
/// carries the attribute `noveum.status` with the Noveum status, which OTLP's two codes cannot tell apart.
///
/// The bytes are written directly, in field-number order, without building intermediate messages: this runs for
/// every exported span.
public struct OTLPProtobufEncoder: Sendable {
    /// The instrumentation scope the spans are sent under.
    public var scope: OTLPScope

    public init(scope: OTLPScope = OTLPScope()) {
        self.scope = scope
    }

    /// The serialized `ExportTraceServiceRequest` for `spans`.
    public func encode(_ spans: [SpanData], resource: Resource) -> [UInt8] {
        var sink = ByteSink(capacity: 512 + spans.count * 320)
        encode(spans, resource: resource, into: &sink)
        return sink.bytes()
    }

    func encode(_ spans: [SpanData], resource: Resource, into sink: inout ByteSink) {
        // ExportTraceServiceRequest.resource_spans = 1
        sink.message(0x0A, reserve: 3) { sink in
            // ResourceSpans.resource = 1
            sink.message(0x0A, reserve: 2) { sink in
                // Resource.attributes = 1
                for attribute in resource.attributes { sink.keyValue(0x0A, attribute.key, attribute.value) }
            }
            // ResourceSpans.scope_spans = 2
            sink.message(0x12, reserve: 3) { sink in
                // ScopeSpans.scope = 1: name = 1, version = 2
                sink.message(0x0A, reserve: 1) { sink in
                    sink.string(0x0A, scope.name)
                    sink.string(0x12, scope.version)
                }
                // ScopeSpans.spans = 2
                for span in spans { sink.span(span) }
            }
        }
    }
}

extension ByteSink {
    /// Writes a length-delimited field whose content `body` writes, reserving `reserve` bytes for the length
    /// and moving the content if the length needs another size.
    @inline(__always)
    mutating func message(_ tag: UInt8, reserve: Int, _ body: (inout ByteSink) -> Void) {
        append(tag)
        self.reserve(reserve)
        let lengthAt = count
        count &+= reserve
        body(&self)
        let length = count &- lengthAt &- reserve
        let size = varintSize(length)
        if size != reserve { shift(from: lengthAt &+ reserve, by: size &- reserve) }
        writeVarint(length, size: size, at: lengthAt)
    }

    /// Writes a string field unless the string is empty (proto3's default).
    @inline(__always)
    mutating func string(_ tag: UInt8, _ value: String) {
        value.withUTF8Bytes { bytes in
            guard bytes.count > 0 else { return }
            append(tag)
            appendVarint(UInt64(bytes.count))
            append(bytes)
        }
    }

    /// Writes a string field even when empty, as a oneof member must be.
    @inline(__always)
    mutating func stringAlways(_ tag: UInt8, _ value: String) {
        value.withUTF8Bytes { bytes in
            append(tag)
            appendVarint(UInt64(bytes.count))
            append(bytes)
        }
    }

    @inline(__always)
    mutating func traceID(_ tag: UInt8, _ id: TraceID) {
        append(tag, 16)
        appendBigEndian64(id.high)
        appendBigEndian64(id.low)
    }

    @inline(__always)
    mutating func spanID(_ tag: UInt8, _ id: SpanID) {
        append(tag, 8)
        appendBigEndian64(id.rawValue)
    }

    /// A `KeyValue` message as field `tag`: key = 1, value = 2.
    @inline(__always)
    mutating func keyValue(_ tag: UInt8, _ key: String, _ value: AttributeValue) {
        message(tag, reserve: 1) { sink in
            sink.string(0x0A, key)
            sink.anyValue(0x12, value)
        }
    }

    /// An `AnyValue` message as field `tag`. Its oneof member is written even when it holds the default value.
    @inline(__always)
    mutating func anyValue(_ tag: UInt8, _ value: AttributeValue) {
        switch value {
        case .string(let v):
            message(tag, reserve: 1) { $0.stringAlways(0x0A, v) }
        case .bool(let v):
            append(tag, 2)
            append(0x10, v ? 1 : 0)
        case .int(let v):
            append(tag, UInt8(truncatingIfNeeded: 1 &+ varintSize(Int(v))))
            append(0x18)
            appendVarint(UInt64(bitPattern: v))
        case .double(let v):
            append(tag, 9)
            append(0x21)
            appendFixed64(v.bitPattern)
        case .stringArray(let values):
            message(tag, reserve: 1) { sink in
                sink.message(0x2A, reserve: 1) { sink in
                    for v in values { sink.message(0x0A, reserve: 1) { $0.stringAlways(0x0A, v) } }
                }
            }
        case .intArray(let values):
            message(tag, reserve: 1) { sink in
                sink.message(0x2A, reserve: 1) { sink in
                    for v in values {
                        sink.append(0x0A, UInt8(truncatingIfNeeded: 1 &+ varintSize(Int(v))))
                        sink.append(0x18)
                        sink.appendVarint(UInt64(bitPattern: v))
                    }
                }
            }
        case .doubleArray(let values):
            message(tag, reserve: 1) { sink in
                sink.message(0x2A, reserve: 1) { sink in
                    for v in values {
                        sink.append(0x0A, 9)
                        sink.append(0x21)
                        sink.appendFixed64(v.bitPattern)
                    }
                }
            }
        case .boolArray(let values):
            message(tag, reserve: 1) { sink in
                sink.message(0x2A, reserve: 1) { sink in
                    for v in values {
                        sink.append(0x0A, 2)
                        sink.append(0x10, v ? 1 : 0)
                    }
                }
            }
        }
    }

    /// One `Span` as field 2 of `ScopeSpans`.
    @inline(__always)
    mutating func span(_ span: SpanData) {
        message(0x12, reserve: 2) { sink in
            sink.traceID(0x0A, span.context.traceID)  // trace_id = 1
            sink.spanID(0x12, span.context.spanID)  // span_id = 2
            if let state = span.context.traceState { sink.string(0x1A, state) }  // trace_state = 3
            if let parent = span.parentSpanID { sink.spanID(0x22, parent) }  // parent_span_id = 4
            sink.string(0x2A, span.name)  // name = 5
            sink.append(0x30, OTLPMapping.kind(span.kind))  // kind = 6
            if span.startTimeNanos != 0 {  // start_time_unix_nano = 7
                sink.append(0x39)
                sink.appendFixed64(span.startTimeNanos)
            }
            if span.endTimeNanos != 0 {  // end_time_unix_nano = 8
                sink.append(0x41)
                sink.appendFixed64(span.endTimeNanos)
            }
            // attributes = 9
            let hasStatus = span.status != .unset
            for attribute in span.attributes {
                if hasStatus && OTLPMapping.isStatusAttribute(attribute.key) { continue }
                sink.keyValue(0x4A, attribute.key, attribute.value)
            }
            if hasStatus {
                sink.keyValue(0x4A, OTLPMapping.statusAttributeKey, .string(span.status.rawValue))
            }
            if span.droppedAttributeCount > 0 {  // dropped_attributes_count = 10
                sink.append(0x50)
                sink.appendVarint(UInt64(OTLPMapping.count32(span.droppedAttributeCount)))
            }
            for event in span.events { sink.event(event) }  // events = 11
            if span.droppedEventCount > 0 {  // dropped_events_count = 12
                sink.append(0x60)
                sink.appendVarint(UInt64(OTLPMapping.count32(span.droppedEventCount)))
            }
            for link in span.links { sink.link(link) }  // links = 13
            if hasStatus {  // status = 15: message = 2, code = 3
                sink.message(0x7A, reserve: 1) { sink in
                    if let message = OTLPMapping.statusMessage(span.status, span.statusMessage) {
                        sink.string(0x12, message)
                    }
                    sink.append(0x18, OTLPMapping.statusCode(span.status))
                }
            }
            sink.append(0x85, 0x01)  // flags = 16, fixed32
            sink.appendFixed32(OTLPMapping.spanFlags(span))
        }
    }

    /// One `Span.Event` as field 11 of `Span`: time_unix_nano = 1, name = 2, attributes = 3.
    @inline(__always)
    mutating func event(_ event: NoveumSpan.Event) {
        message(0x5A, reserve: 1) { sink in
            if event.timeNanos != 0 {
                sink.append(0x09)
                sink.appendFixed64(event.timeNanos)
            }
            sink.string(0x12, event.name)
            for attribute in event.attributes { sink.keyValue(0x1A, attribute.key, attribute.value) }
        }
    }

    /// One `Span.Link` as field 13 of `Span`: trace_id = 1, span_id = 2, trace_state = 3, attributes = 4,
    /// flags = 6.
    @inline(__always)
    mutating func link(_ link: NoveumSpan.Link) {
        message(0x6A, reserve: 1) { sink in
            sink.traceID(0x0A, link.context.traceID)
            sink.spanID(0x12, link.context.spanID)
            if let state = link.context.traceState { sink.string(0x1A, state) }
            for attribute in link.attributes { sink.keyValue(0x22, attribute.key, attribute.value) }
            sink.append(0x35)
            sink.appendFixed32(OTLPMapping.linkFlags(link.context))
        }
    }
}
