
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
    private let pool = ByteSinkPool()

    public init(scope: OTLPScope = OTLPScope()) {
        self.scope = scope
    }

    /// The serialized `ExportTraceServiceRequest` for `spans`.
    public func encode(_ spans: [SpanData], resource: Resource) -> [UInt8] {
        pool.withSink(capacity: 512 + spans.count * 400) { sink in
            encode(spans, resource: resource, into: &sink)
            return sink.bytes()
        }
    }

    func encode(_ spans: [SpanData], resource: Resource, into sink: inout ByteSink) {
        // ScopeSpans.spans = 2
        sink.otlpEnvelope(resource: resource, scope: scope) { sink in
            for index in spans.indices { sink.span(spans[index]) }
        }
    }
}

extension ByteSink {
    /// The envelope OTLP's export requests share, with the same field numbers for every signal:
    /// `Export…ServiceRequest.resource_… = 1` holding `resource = 1` (its attributes = 1) and `scope_… = 2`, which
    /// holds `scope = 1` (name = 1, version = 2) and then what `items` writes (spans or log records, field 2).
    @inline(__always)
    mutating func otlpEnvelope(resource: Resource, scope: OTLPScope, _ items: (inout ByteSink) -> Void) {
        message(0x0A, reserve: 3) { sink in
            sink.message(0x0A, reserve: 2) { sink in
                for attribute in resource.attributes { sink.keyValue(0x0A, attribute.key, attribute.value) }
            }
            sink.message(0x12, reserve: 3) { sink in
                sink.message(0x0A, reserve: 1) { sink in
                    sink.string(0x0A, scope.name)
                    sink.string(0x12, scope.version)
                }
                items(&sink)
            }
        }
    }

    /// Writes a length-delimited field whose content `body` writes, reserving `reserve` bytes for the length
    /// and moving the content if the length needs another size.
    @inline(__always)
    mutating func message(_ tag: UInt8, reserve: Int, _ body: (inout ByteSink) -> Void) {
        self.reserve(1 &+ reserve)
        put(tag)
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
        let length = value.utf8.count
        guard length > 0 else { return }
        reserve(11 &+ length)
        putString(tag, value, length: length)
    }

    /// A string field, written even when empty (as a oneof member must be). Unchecked: reserve first.
    @inline(__always)
    mutating func putString(_ tag: UInt8, _ value: String, length: Int) {
        put(tag)
        putVarint(UInt64(length))
        putUTF8(value, count: length)
    }

    /// A 16-byte trace id field. Unchecked: reserve 18 bytes first.
    @inline(__always)
    mutating func putTraceID(_ tag: UInt8, _ id: TraceID) {
        put(tag, 16)
        putBigEndian64(id.high)
        putBigEndian64(id.low)
    }

    /// An 8-byte span id field. Unchecked: reserve 10 bytes first.
    @inline(__always)
    mutating func putSpanID(_ tag: UInt8, _ id: SpanID) {
        put(tag, 8)
        putBigEndian64(id.rawValue)
    }

    /// A `KeyValue` message as field `tag`: key = 1, value = 2. Its length is computed, not patched, and
    /// room for all of it is reserved once.
    @inline(__always)
    mutating func keyValue(_ tag: UInt8, _ key: String, _ value: AttributeValue) {
        let keyLength = key.utf8.count
        let keySize = keyLength == 0 ? 0 : 1 &+ varintSize(keyLength) &+ keyLength
        let valueLength = Self.anyValueLength(value)
        let length = keySize &+ 1 &+ varintSize(valueLength) &+ valueLength
        reserve(11 &+ length)
        put(tag)
        putVarint(UInt64(length))
        if keyLength > 0 { putString(0x0A, key, length: keyLength) }
        put(0x12)
        putVarint(UInt64(valueLength))
        putAnyValueContent(value)
    }

    /// The encoded length of an `AnyValue` message's content.
    @inline(__always)
    static func anyValueLength(_ value: AttributeValue) -> Int {
        switch value {
        case .string(let v):
            let n = v.utf8.count
            return 1 &+ varintSize(n) &+ n
        case .bool: return 2
        case .int(let v): return 1 &+ varintSize(Int(v))
        case .double: return 9
        case .stringArray, .intArray, .doubleArray, .boolArray:
            let total = arrayValueLength(value)
            return 1 &+ varintSize(total) &+ total
        }
    }

    /// The encoded length of the `ArrayValue` content of an array attribute.
    @inline(__always)
    static func arrayValueLength(_ value: AttributeValue) -> Int {
        switch value {
        case .stringArray(let values):
            var total = 0
            for v in values {
                let n = v.utf8.count
                let element = 1 &+ varintSize(n) &+ n
                total &+= 1 &+ varintSize(element) &+ element
            }
            return total
        case .intArray(let values):
            var total = 0
            for v in values { total &+= 3 &+ varintSize(Int(v)) }  // tag, length (< 128), tag, varint
            return total
        case .doubleArray(let values): return values.count &* 11  // tag, length, tag, 8 bytes
        case .boolArray(let values): return values.count &* 4  // tag, length, tag, 0 or 1
        case .string, .bool, .int, .double: return 0
        }
    }

    /// The content of an `AnyValue` message; its oneof member is written even when it holds the default value.
    /// Unchecked: reserve `anyValueLength(value)` bytes first.
    @inline(__always)
    mutating func putAnyValueContent(_ value: AttributeValue) {
        switch value {
        case .string(let v):
            putString(0x0A, v, length: v.utf8.count)
        case .bool(let v):
            put(0x10, v ? 1 : 0)
        case .int(let v):
            put(0x18)
            putVarint(UInt64(bitPattern: v))
        case .double(let v):
            put(0x21)
            putFixed64(v.bitPattern)
        case .stringArray(let values):
            put(0x2A)  // array_value = 5
            putVarint(UInt64(Self.arrayValueLength(value)))
            for v in values {
                let n = v.utf8.count
                put(0x0A)
                putVarint(UInt64(1 &+ varintSize(n) &+ n))
                putString(0x0A, v, length: n)
            }
        case .intArray(let values):
            put(0x2A)
            putVarint(UInt64(Self.arrayValueLength(value)))
            for v in values {
                put(0x0A, UInt8(truncatingIfNeeded: 1 &+ varintSize(Int(v))))
                put(0x18)
                putVarint(UInt64(bitPattern: v))
            }
        case .doubleArray(let values):
            put(0x2A)
            putVarint(UInt64(Self.arrayValueLength(value)))
            for v in values {
                put(0x0A, 9)
                put(0x21)
                putFixed64(v.bitPattern)
            }
        case .boolArray(let values):
            put(0x2A)
            putVarint(UInt64(Self.arrayValueLength(value)))
            for v in values {
                put(0x0A, 2)
                put(0x10, v ? 1 : 0)
            }
        }
    }

    /// One `Span` as field 2 of `ScopeSpans`.
    @inline(__always)
    mutating func span(_ span: SpanData) {
        let nameLength = span.name.utf8.count
        let traceState = span.context.traceState ?? ""
        let traceStateLength = traceState.utf8.count
        message(0x12, reserve: 2) { sink in
            // The fixed-size fields, the name and the trace state: at most 92 bytes besides the two strings.
            sink.reserve(92 &+ nameLength &+ traceStateLength)
            sink.putTraceID(0x0A, span.context.traceID)  // trace_id = 1
            sink.putSpanID(0x12, span.context.spanID)  // span_id = 2
            if traceStateLength > 0 { sink.putString(0x1A, traceState, length: traceStateLength) }  // trace_state = 3
            if let parent = span.parentSpanID { sink.putSpanID(0x22, parent) }  // parent_span_id = 4
            if nameLength > 0 { sink.putString(0x2A, span.name, length: nameLength) }  // name = 5
            sink.put(0x30, OTLPMapping.kind(span.kind))  // kind = 6
            if span.startTimeNanos != 0 {  // start_time_unix_nano = 7
                sink.put(0x39)
                sink.putFixed64(span.startTimeNanos)
            }
            if span.endTimeNanos != 0 {  // end_time_unix_nano = 8
                sink.put(0x41)
                sink.putFixed64(span.endTimeNanos)
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
            for index in span.events.indices { sink.event(span.events[index]) }  // events = 11
            if span.droppedEventCount > 0 {  // dropped_events_count = 12
                sink.append(0x60)
                sink.appendVarint(UInt64(OTLPMapping.count32(span.droppedEventCount)))
            }
            for index in span.links.indices { sink.link(span.links[index]) }  // links = 13
            if hasStatus {  // status = 15: message = 2, code = 3
                let message = OTLPMapping.statusMessage(span.status, span.statusMessage) ?? ""
                let messageLength = message.utf8.count
                let messageSize = messageLength == 0 ? 0 : 1 &+ varintSize(messageLength) &+ messageLength
                sink.reserve(24 &+ messageLength)
                sink.put(0x7A)
                sink.putVarint(UInt64(messageSize &+ 2))
                if messageLength > 0 { sink.putString(0x12, message, length: messageLength) }
                sink.put(0x18, OTLPMapping.statusCode(span.status))
            }
            sink.reserve(6)
            sink.put(0x85, 0x01)  // flags = 16, fixed32
            sink.putFixed32(OTLPMapping.spanFlags(span))
        }
    }

    /// One `Span.Event` as field 11 of `Span`: time_unix_nano = 1, name = 2, attributes = 3.
    @inline(__always)
    mutating func event(_ event: NoveumSpan.Event) {
        message(0x5A, reserve: 1) { sink in
            let nameLength = event.name.utf8.count
            sink.reserve(20 &+ nameLength)
            if event.timeNanos != 0 {
                sink.put(0x09)
                sink.putFixed64(event.timeNanos)
            }
            if nameLength > 0 { sink.putString(0x12, event.name, length: nameLength) }
            for attribute in event.attributes { sink.keyValue(0x1A, attribute.key, attribute.value) }
        }
    }

    /// One `Span.Link` as field 13 of `Span`: trace_id = 1, span_id = 2, trace_state = 3, attributes = 4,
    /// flags = 6.
    @inline(__always)
    mutating func link(_ link: NoveumSpan.Link) {
        message(0x6A, reserve: 1) { sink in
            let traceState = link.context.traceState ?? ""
            let traceStateLength = traceState.utf8.count
            sink.reserve(40 &+ traceStateLength)
            sink.putTraceID(0x0A, link.context.traceID)
            sink.putSpanID(0x12, link.context.spanID)
            if traceStateLength > 0 { sink.putString(0x1A, traceState, length: traceStateLength) }
            for attribute in link.attributes { sink.keyValue(0x22, attribute.key, attribute.value) }
            sink.reserve(5)
            sink.put(0x35)
            sink.putFixed32(OTLPMapping.linkFlags(link.context))
        }
    }
}
