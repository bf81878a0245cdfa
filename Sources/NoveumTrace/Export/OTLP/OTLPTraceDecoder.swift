import Foundation
import Tracing

/// Reads an OTLP `ExportTraceServiceRequest` (protobuf or OTLP/JSON) back into spans: the other half of the OTLP
/// codec, used by the local receiver (`noveum-trace serve` and `collect`) to store what any OpenTelemetry SDK sends.
///
/// The mapping is ``OTLPProtobufEncoder``'s read backwards, so a span this SDK exports comes back equal, plus what
/// other SDKs send:
/// - each span keeps its own resource (`service.name`, `telemetry.sdk.*`): one request may carry several;
/// - the instrumentation scope becomes the span attributes `otel.scope.name` and `otel.scope.version`, as
///   OpenTelemetry maps it for formats without scopes;
/// - the status code gives `ok`/`error`/`unset`; the `noveum.status` attribute, when present, restores `timeout`
///   and `cancelled` and is removed;
/// - span flags give the sampled bit and, when bit 8 says it is known, whether the parent is remote;
/// - the last `exception` event gives the span's exception;
/// - `AnyValue`s: strings, booleans, integers and doubles as they are; homogeneous arrays as typed arrays; maps,
///   mixed or nested arrays as JSON text; bytes as base64 text; a value with no member is dropped and counted.
///
/// A body that is not a request (truncated protobuf, invalid JSON, a wrong wire type) throws ``Malformed`` and
/// yields nothing. A well-formed span whose trace or span id is invalid (wrong length, all zero) is left out and
/// counted in ``Decoded/rejectedSpans``, which the receiver reports as OTLP partial success.
package enum OTLPTraceDecoder {
    /// The spans of one request.
    package struct Decoded: Sendable {
        /// The spans kept, each with its resource.
        package var records: [LocalSpanRecord] = []
        /// Spans left out because their ids are invalid.
        package var rejectedSpans = 0
        /// Why the first rejected span was left out.
        package var rejectionReason: String?
    }

    /// Why a body is not an `ExportTraceServiceRequest`.
    package struct Malformed: Error, Sendable, CustomStringConvertible {
        package var reason: String
        package var description: String { reason }
        init(_ reason: String) { self.reason = reason }
    }

    /// Decodes a protobuf `ExportTraceServiceRequest`.
    package static func decodeProtobuf(_ body: ArraySlice<UInt8>) throws(Malformed) -> Decoded {
        var decoded = Decoded()
        var reader = ProtobufReader(body)
        while !reader.isAtEnd {
            let (field, wireType) = try tag(&reader)
            if field == 1 && wireType == 2 {  // resource_spans = 1
                try resourceSpans(try bytes(&reader), into: &decoded)
            } else {
                try skip(&reader, wireType)
            }
        }
        return decoded
    }

    /// Decodes an OTLP/JSON `ExportTraceServiceRequest`: lowerCamelCase names (snake_case also accepted), hex ids
    /// (base64 also accepted), 64-bit integers as strings or numbers, enums as numbers or names.
    package static func decodeJSON(_ body: [UInt8]) throws(Malformed) -> Decoded {
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: Data(body), options: [])
        } catch {
            throw Malformed("the body is not JSON")
        }
        guard let root = object as? [String: Any] else { throw Malformed("the body is not a JSON object") }
        var decoded = Decoded()
        for case let resourceSpans as [String: Any] in try array(root, "resourceSpans", "resource_spans") {
            let resourceObject = resourceSpans["resource"] as? [String: Any] ?? [:]
            let origin = Origin(Resource(attributes: try jsonAttributes(resourceObject["attributes"]).list))
            for case let scopeSpans as [String: Any] in try array(resourceSpans, "scopeSpans", "scope_spans") {
                let scope = scopeSpans["scope"] as? [String: Any] ?? [:]
                let scopeName = scope["name"] as? String ?? ""
                let scopeVersion = scope["version"] as? String ?? ""
                for case let span as [String: Any] in try array(scopeSpans, "spans", "spans") {
                    try jsonSpan(span, origin: origin, scope: (scopeName, scopeVersion), into: &decoded)
                }
            }
        }
        return decoded
    }

    // MARK: Shared mapping

    /// The record for a decoded span, once its ids are known to be valid.
    /// A resource with the project and environment its spans are stored under, read once per `ResourceSpans`.
    private struct Origin {
        var resource: Resource
        var project: String
        var environment: String

        init(_ resource: Resource) {
            self.resource = resource
            project = resource.attributes["noveum.project"]?.stringValue ?? resource.serviceName
            environment =
                resource.attributes["deployment.environment.name"]?.stringValue
                ?? resource.attributes["deployment.environment"]?.stringValue ?? "development"
        }
    }

    private static func record(
        _ fields: SpanFields, origin: Origin, scope: (name: String, version: String), into decoded: inout Decoded
    ) {
        guard let traceID = fields.traceID else {
            reject("invalid trace id", into: &decoded)
            return
        }
        guard let spanID = fields.spanID else {
            reject("invalid span id", into: &decoded)
            return
        }
        var attributes = fields.attributes
        var status: NoveumSpan.Status
        switch fields.statusCode {
        case 1: status = .ok
        case 2: status = .error
        default: status = .unset
        }
        // The encoder writes `noveum.status` on every span whose status is set (replacing a user's attribute of
        // that name); on an unset span, an attribute of that name is the user's own.
        if status != .unset, let noveumStatus = attributes[OTLPMapping.statusAttributeKey]?.stringValue {
            if let restored = NoveumSpan.Status(rawValue: noveumStatus) { status = restored }
            attributes[OTLPMapping.statusAttributeKey] = nil
        }
        if !scope.name.isEmpty {
            attributes["otel.scope.name"] = .string(scope.name)
            if !scope.version.isEmpty { attributes["otel.scope.version"] = .string(scope.version) }
        }
        var statusMessage = fields.statusMessage.isEmpty ? nil : fields.statusMessage
        if (status == .timeout || status == .cancelled) && statusMessage == status.rawValue { statusMessage = nil }
        var exception: NoveumSpan.ExceptionInfo?
        if let event = fields.events.last(where: { $0.name == "exception" }) {
            exception = NoveumSpan.ExceptionInfo(
                type: event.attributes["exception.type"]?.stringValue ?? "",
                message: event.attributes["exception.message"]?.stringValue ?? "",
                stackTrace: event.attributes["exception.stacktrace"]?.stringValue)
        }
        // Bit 8 says whether bit 9 (parent is remote) is known; bits 0-7 are the W3C flags. A span without flags
        // was exported, so it was sampled.
        let flags = fields.flags
        let sampled = flags == 0 || flags & 0x01 != 0
        let parentIsRemote = fields.parentSpanID != nil && flags & 0x100 != 0 && flags & 0x200 != 0
        let span = SpanData(
            context: SpanContext(
                traceID: traceID, spanID: spanID, isSampled: sampled,
                traceState: fields.traceState.isEmpty ? nil : fields.traceState),
            parentSpanID: fields.parentSpanID, parentIsRemote: parentIsRemote, name: fields.name,
            kind: kind(fields.kind), startTimeNanos: fields.start, endTimeNanos: fields.end, status: status,
            statusMessage: statusMessage, attributes: attributes, events: fields.events, links: fields.links,
            exception: exception, droppedAttributeCount: fields.droppedAttributes,
            droppedEventCount: fields.droppedEvents)
        decoded.records.append(
            LocalSpanRecord(
                span: span, project: origin.project, environment: origin.environment, resource: origin.resource))
    }

    private static func reject(_ reason: String, into decoded: inout Decoded) {
        decoded.rejectedSpans += 1
        if decoded.rejectionReason == nil { decoded.rejectionReason = reason }
    }

    /// OTLP's `SpanKind` number as a kind; `SPAN_KIND_UNSPECIFIED` and unknown numbers are `internal`.
    private static func kind(_ number: UInt64) -> SpanKind {
        switch number {
        case 2: return .server
        case 3: return .client
        case 4: return .producer
        case 5: return .consumer
        default: return .internal
        }
    }

    /// What one span's fields say, whichever encoding they came from.
    private struct SpanFields {
        var traceID: TraceID?
        var spanID: SpanID?
        var parentSpanID: SpanID?
        var traceState = ""
        var name = ""
        var kind: UInt64 = 0
        var start: UInt64 = 0
        var end: UInt64 = 0
        var attributes = AttributeList()
        var droppedAttributes = 0
        var events: [NoveumSpan.Event] = []
        var droppedEvents = 0
        var links: [NoveumSpan.Link] = []
        var statusCode: UInt64 = 0
        var statusMessage = ""
        var flags: UInt32 = 0
    }

    static func traceID(_ bytes: some Collection<UInt8>) -> TraceID? {
        guard bytes.count == 16 else { return nil }
        var high: UInt64 = 0
        var low: UInt64 = 0
        for (index, byte) in bytes.enumerated() {
            if index < 8 { high = high << 8 | UInt64(byte) } else { low = low << 8 | UInt64(byte) }
        }
        return high == 0 && low == 0 ? nil : TraceID(high: high, low: low)
    }

    static func spanID(_ bytes: some Collection<UInt8>) -> SpanID? {
        guard bytes.count == 8 else { return nil }
        let value = bytes.reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        return value == 0 ? nil : SpanID(rawValue: value)
    }

    /// A value with no natural attribute type (a map, a mixed or nested array, bytes) as JSON text.
    private static func jsonText(_ object: Any) -> String {
        guard JSONSerialization.isValidJSONObject([object]),
            let data = try? JSONSerialization.data(withJSONObject: [object], options: [.sortedKeys, .fragmentsAllowed])
        else { return "\(object)" }
        // Serialised inside an array so scalars are accepted everywhere; the brackets are removed.
        return String(decoding: data.dropFirst().dropLast(), as: UTF8.self)
    }

    /// The attribute value for a list of decoded array members (Foundation values).
    private static func arrayValue(_ items: [Any]) -> AttributeValue {
        if items.isEmpty { return .stringArray([]) }
        if let strings = items as? [String] { return .stringArray(strings) }
        if items.allSatisfy({ $0 is Bool }), let bools = items as? [Bool] { return .boolArray(bools) }
        if items.allSatisfy({ $0 is Int64 }), let ints = items as? [Int64] { return .intArray(ints) }
        if items.allSatisfy({ $0 is Int64 || $0 is Double }) {
            return .doubleArray(items.map { ($0 as? Double) ?? Double(($0 as? Int64) ?? 0) })
        }
        return .string(jsonText(items))
    }

    // MARK: Protobuf

    private static func tag(_ reader: inout ProtobufReader) throws(Malformed) -> (UInt64, UInt8) {
        guard let tag = reader.readTag() else { throw Malformed("truncated or invalid protobuf tag") }
        return tag
    }

    private static func bytes(_ reader: inout ProtobufReader) throws(Malformed) -> ArraySlice<UInt8> {
        guard let bytes = reader.readLengthDelimited() else { throw Malformed("truncated protobuf field") }
        return bytes
    }

    private static func varint(_ reader: inout ProtobufReader) throws(Malformed) -> UInt64 {
        guard let value = reader.readVarint() else { throw Malformed("truncated protobuf varint") }
        return value
    }

    private static func fixed64(_ reader: inout ProtobufReader) throws(Malformed) -> UInt64 {
        guard let value = reader.readFixed64() else { throw Malformed("truncated protobuf fixed64") }
        return value
    }

    private static func skip(_ reader: inout ProtobufReader, _ wireType: UInt8) throws(Malformed) {
        guard reader.skip(wireType: wireType) else { throw Malformed("invalid protobuf wire type \(wireType)") }
    }

    /// Fails unless `wireType` is what the schema says the field has.
    private static func expect(_ wireType: UInt8, _ wanted: UInt8, _ field: String) throws(Malformed) {
        guard wireType == wanted else { throw Malformed("\(field) has wire type \(wireType), not \(wanted)") }
    }

    private static func string(_ bytes: ArraySlice<UInt8>) -> String {
        String(decoding: bytes, as: UTF8.self)
    }

    private static func resourceSpans(_ message: ArraySlice<UInt8>, into decoded: inout Decoded) throws(Malformed) {
        // The resource may follow the scope spans on the wire: collect the scope spans first.
        var resource = Resource(attributes: AttributeList())
        var scopes: [ArraySlice<UInt8>] = []
        var reader = ProtobufReader(message)
        while !reader.isAtEnd {
            let (field, wireType) = try tag(&reader)
            switch field {
            case 1:  // resource: attributes = 1
                try expect(wireType, 2, "ResourceSpans.resource")
                var inner = ProtobufReader(try bytes(&reader))
                var attributes = AttributeList()
                var dropped = 0
                while !inner.isAtEnd {
                    let (innerField, innerType) = try tag(&inner)
                    if innerField == 1 && innerType == 2 {
                        try keyValue(try bytes(&inner), into: &attributes, dropped: &dropped)
                    } else {
                        try skip(&inner, innerType)
                    }
                }
                resource = Resource(attributes: attributes)
            case 2:
                try expect(wireType, 2, "ResourceSpans.scope_spans")
                scopes.append(try bytes(&reader))
            default:
                try skip(&reader, wireType)
            }
        }
        let origin = Origin(resource)
        for scope in scopes { try scopeSpans(scope, origin: origin, into: &decoded) }
    }

    private static func scopeSpans(
        _ message: ArraySlice<UInt8>, origin: Origin, into decoded: inout Decoded
    ) throws(Malformed) {
        var name = ""
        var version = ""
        var spans: [ArraySlice<UInt8>] = []
        var reader = ProtobufReader(message)
        while !reader.isAtEnd {
            let (field, wireType) = try tag(&reader)
            switch field {
            case 1:  // scope: name = 1, version = 2
                try expect(wireType, 2, "ScopeSpans.scope")
                var inner = ProtobufReader(try bytes(&reader))
                while !inner.isAtEnd {
                    let (innerField, innerType) = try tag(&inner)
                    if innerField == 1 && innerType == 2 {
                        name = string(try bytes(&inner))
                    } else if innerField == 2 && innerType == 2 {
                        version = string(try bytes(&inner))
                    } else {
                        try skip(&inner, innerType)
                    }
                }
            case 2:
                try expect(wireType, 2, "ScopeSpans.spans")
                spans.append(try bytes(&reader))
            default:
                try skip(&reader, wireType)
            }
        }
        for span in spans {
            record(try protobufSpan(span), origin: origin, scope: (name, version), into: &decoded)
        }
    }

    private static func protobufSpan(_ message: ArraySlice<UInt8>) throws(Malformed) -> SpanFields {
        var fields = SpanFields()
        var reader = ProtobufReader(message)
        while !reader.isAtEnd {
            let (field, wireType) = try tag(&reader)
            switch field {
            case 1:
                try expect(wireType, 2, "Span.trace_id")
                fields.traceID = traceID(try bytes(&reader))
            case 2:
                try expect(wireType, 2, "Span.span_id")
                fields.spanID = spanID(try bytes(&reader))
            case 3:
                try expect(wireType, 2, "Span.trace_state")
                fields.traceState = string(try bytes(&reader))
            case 4:
                try expect(wireType, 2, "Span.parent_span_id")
                fields.parentSpanID = spanID(try bytes(&reader))
            case 5:
                try expect(wireType, 2, "Span.name")
                fields.name = string(try bytes(&reader))
            case 6:
                try expect(wireType, 0, "Span.kind")
                fields.kind = try varint(&reader)
            case 7:
                try expect(wireType, 1, "Span.start_time_unix_nano")
                fields.start = try fixed64(&reader)
            case 8:
                try expect(wireType, 1, "Span.end_time_unix_nano")
                fields.end = try fixed64(&reader)
            case 9:
                try expect(wireType, 2, "Span.attributes")
                try keyValue(try bytes(&reader), into: &fields.attributes, dropped: &fields.droppedAttributes)
            case 10:
                try expect(wireType, 0, "Span.dropped_attributes_count")
                fields.droppedAttributes += Int(clamping: try varint(&reader))
            case 11:
                try expect(wireType, 2, "Span.events")
                fields.events.append(try event(try bytes(&reader)))
            case 12:
                try expect(wireType, 0, "Span.dropped_events_count")
                fields.droppedEvents = Int(clamping: try varint(&reader))
            case 13:
                try expect(wireType, 2, "Span.links")
                if let link = try link(try bytes(&reader)) { fields.links.append(link) }
            case 15:
                try expect(wireType, 2, "Span.status")
                var inner = ProtobufReader(try bytes(&reader))
                while !inner.isAtEnd {
                    let (innerField, innerType) = try tag(&inner)
                    if innerField == 2 && innerType == 2 {
                        fields.statusMessage = string(try bytes(&inner))
                    } else if innerField == 3 && innerType == 0 {
                        fields.statusCode = try varint(&inner)
                    } else {
                        try skip(&inner, innerType)
                    }
                }
            case 16:
                try expect(wireType, 5, "Span.flags")
                guard let flags = reader.readFixed32() else { throw Malformed("truncated protobuf fixed32") }
                fields.flags = flags
            default:
                try skip(&reader, wireType)
            }
        }
        return fields
    }

    private static func event(_ message: ArraySlice<UInt8>) throws(Malformed) -> NoveumSpan.Event {
        var time: UInt64 = 0
        var name = ""
        var attributes = AttributeList()
        var dropped = 0
        var reader = ProtobufReader(message)
        while !reader.isAtEnd {
            let (field, wireType) = try tag(&reader)
            switch (field, wireType) {
            case (1, 1): time = try fixed64(&reader)
            case (2, 2): name = string(try bytes(&reader))
            case (3, 2): try keyValue(try bytes(&reader), into: &attributes, dropped: &dropped)
            default: try skip(&reader, wireType)
            }
        }
        return NoveumSpan.Event(name: name, timeNanos: time, attributes: attributes)
    }

    /// A link, or nil when its ids are invalid (the link is dropped, the span kept).
    private static func link(_ message: ArraySlice<UInt8>) throws(Malformed) -> NoveumSpan.Link? {
        var trace: TraceID?
        var span: SpanID?
        var traceState = ""
        var attributes = AttributeList()
        var dropped = 0
        var flags: UInt32 = 0
        var reader = ProtobufReader(message)
        while !reader.isAtEnd {
            let (field, wireType) = try tag(&reader)
            switch (field, wireType) {
            case (1, 2): trace = traceID(try bytes(&reader))
            case (2, 2): span = spanID(try bytes(&reader))
            case (3, 2): traceState = string(try bytes(&reader))
            case (4, 2): try keyValue(try bytes(&reader), into: &attributes, dropped: &dropped)
            case (6, 5):
                guard let value = reader.readFixed32() else { throw Malformed("truncated protobuf fixed32") }
                flags = value
            default: try skip(&reader, wireType)
            }
        }
        guard let trace, let span else { return nil }
        return linkValue(trace, span, traceState: traceState, flags: flags, attributes: attributes)
    }

    private static func linkValue(
        _ trace: TraceID, _ span: SpanID, traceState: String, flags: UInt32, attributes: AttributeList
    ) -> NoveumSpan.Link {
        // Links this SDK writes always say whether the context is remote; without bit 8, assume it is.
        let remote = flags & 0x100 == 0 || flags & 0x200 != 0
        return NoveumSpan.Link(
            context: SpanContext(
                traceID: trace, spanID: span, isSampled: flags == 0 || flags & 0x01 != 0,
                traceState: traceState.isEmpty ? nil : traceState, isRemote: remote),
            attributes: attributes)
    }

    /// One `KeyValue` into `list`; a value with no member is counted in `dropped`.
    private static func keyValue(
        _ message: ArraySlice<UInt8>, into list: inout AttributeList, dropped: inout Int
    ) throws(Malformed) {
        var key = ""
        var value: Any?
        var reader = ProtobufReader(message)
        while !reader.isAtEnd {
            let (field, wireType) = try tag(&reader)
            switch (field, wireType) {
            case (1, 2): key = string(try bytes(&reader))
            case (2, 2): value = try anyValue(try bytes(&reader))
            default: try skip(&reader, wireType)
            }
        }
        if let value { list[key] = attributeValue(value) } else { dropped += 1 }
    }

    /// An `AnyValue` as a Foundation value: String, Bool, Int64, Double, [Any], [String: Any]; bytes as base64
    /// text; nil when no member is set.
    private static func anyValue(_ message: ArraySlice<UInt8>) throws(Malformed) -> Any? {
        var value: Any?
        var reader = ProtobufReader(message)
        while !reader.isAtEnd {
            let (field, wireType) = try tag(&reader)
            switch (field, wireType) {
            case (1, 2): value = string(try bytes(&reader))
            case (2, 0): value = try varint(&reader) != 0
            case (3, 0): value = Int64(bitPattern: try varint(&reader))
            case (4, 1): value = Double(bitPattern: try fixed64(&reader))
            case (5, 2):  // array_value: values = 1
                var items: [Any] = []
                var inner = ProtobufReader(try bytes(&reader))
                while !inner.isAtEnd {
                    let (innerField, innerType) = try tag(&inner)
                    if innerField == 1 && innerType == 2 {
                        if let item = try anyValue(try bytes(&inner)) { items.append(item) }
                    } else {
                        try skip(&inner, innerType)
                    }
                }
                value = items
            case (6, 2):  // kvlist_value: values = 1 (KeyValue)
                var map: [String: Any] = [:]
                var inner = ProtobufReader(try bytes(&reader))
                while !inner.isAtEnd {
                    let (innerField, innerType) = try tag(&inner)
                    if innerField == 1 && innerType == 2 {
                        var pair = ProtobufReader(try bytes(&inner))
                        var key = ""
                        var item: Any?
                        while !pair.isAtEnd {
                            let (pairField, pairType) = try tag(&pair)
                            switch (pairField, pairType) {
                            case (1, 2): key = string(try bytes(&pair))
                            case (2, 2): item = try anyValue(try bytes(&pair))
                            default: try skip(&pair, pairType)
                            }
                        }
                        map[key] = item ?? NSNull()
                    } else {
                        try skip(&inner, innerType)
                    }
                }
                value = map
            case (7, 2): value = Data(try bytes(&reader)).base64EncodedString()
            default: try skip(&reader, wireType)
            }
        }
        return value
    }

    /// The attribute for a decoded `AnyValue`.
    private static func attributeValue(_ value: Any) -> AttributeValue {
        switch value {
        case let string as String: return .string(string)
        case let bool as Bool: return .bool(bool)
        case let int as Int64: return .int(int)
        case let double as Double: return .double(double)
        case let items as [Any]: return arrayValue(items)
        default: return .string(jsonText(value))
        }
    }

    // MARK: JSON

    private static func array(_ object: [String: Any], _ camel: String, _ snake: String) throws(Malformed) -> [Any] {
        guard let value = object[camel] ?? object[snake] else { return [] }
        guard let array = value as? [Any] else { throw Malformed("\(camel) is not an array") }
        return array
    }

    private static func jsonSpan(
        _ span: [String: Any], origin: Origin, scope: (String, String), into decoded: inout Decoded
    ) throws(Malformed) {
        func field(_ camel: String, _ snake: String) -> Any? { span[camel] ?? span[snake] }
        var fields = SpanFields()
        fields.traceID = jsonID(field("traceId", "trace_id"), count: 16).flatMap(traceID)
        fields.spanID = jsonID(field("spanId", "span_id"), count: 8).flatMap(spanID)
        fields.parentSpanID = jsonID(field("parentSpanId", "parent_span_id"), count: 8).flatMap(spanID)
        fields.traceState = field("traceState", "trace_state") as? String ?? ""
        fields.name = span["name"] as? String ?? ""
        fields.kind = jsonEnum(span["kind"], names: ["SPAN_KIND_UNSPECIFIED", "SPAN_KIND_INTERNAL", "SPAN_KIND_SERVER",
            "SPAN_KIND_CLIENT", "SPAN_KIND_PRODUCER", "SPAN_KIND_CONSUMER"])
        fields.start = try jsonUInt64(field("startTimeUnixNano", "start_time_unix_nano"), "startTimeUnixNano")
        fields.end = try jsonUInt64(field("endTimeUnixNano", "end_time_unix_nano"), "endTimeUnixNano")
        let attributes = try jsonAttributes(span["attributes"])
        fields.attributes = attributes.list
        fields.droppedAttributes =
            attributes.dropped
            + Int(clamping: try jsonUInt64(field("droppedAttributesCount", "dropped_attributes_count"), "droppedAttributesCount"))
        for case let event as [String: Any] in try array(span, "events", "events") {
            fields.events.append(
                NoveumSpan.Event(
                    name: event["name"] as? String ?? "",
                    timeNanos: try jsonUInt64(event["timeUnixNano"] ?? event["time_unix_nano"], "timeUnixNano"),
                    attributes: try jsonAttributes(event["attributes"]).list))
        }
        fields.droppedEvents = Int(
            clamping: try jsonUInt64(field("droppedEventsCount", "dropped_events_count"), "droppedEventsCount"))
        for case let link as [String: Any] in try array(span, "links", "links") {
            guard let trace = jsonID(link["traceId"] ?? link["trace_id"], count: 16).flatMap(traceID),
                let linked = jsonID(link["spanId"] ?? link["span_id"], count: 8).flatMap(spanID)
            else { continue }
            fields.links.append(
                linkValue(
                    trace, linked, traceState: (link["traceState"] ?? link["trace_state"]) as? String ?? "",
                    flags: UInt32(truncatingIfNeeded: try jsonUInt64(link["flags"], "flags")),
                    attributes: try jsonAttributes(link["attributes"]).list))
        }
        if let status = span["status"] as? [String: Any] {
            fields.statusCode = jsonEnum(status["code"], names: ["STATUS_CODE_UNSET", "STATUS_CODE_OK", "STATUS_CODE_ERROR"])
            fields.statusMessage = status["message"] as? String ?? ""
        }
        fields.flags = UInt32(truncatingIfNeeded: try jsonUInt64(span["flags"], "flags"))
        record(fields, origin: origin, scope: scope, into: &decoded)
    }

    /// An id: hex as OTLP/JSON says, or base64 as the generic protobuf JSON mapping writes; nil when absent,
    /// empty or neither.
    private static func jsonID(_ value: Any?, count: Int) -> [UInt8]? {
        guard let text = value as? String, !text.isEmpty else { return nil }
        if text.utf8.count == count * 2 {
            var bytes: [UInt8] = []
            bytes.reserveCapacity(count)
            var high: UInt8?
            for unit in text.utf8 {
                guard let nibble = Hex.nibble(unit) else { bytes = []; break }
                if let first = high {
                    bytes.append(first << 4 | nibble)
                    high = nil
                } else {
                    high = nibble
                }
            }
            if bytes.count == count { return bytes }
        }
        if let data = Data(base64Encoded: text), data.count == count { return Array(data) }
        return nil
    }

    /// A 64-bit unsigned integer written as a decimal string or a number; 0 when absent.
    private static func jsonUInt64(_ value: Any?, _ name: String) throws(Malformed) -> UInt64 {
        switch value {
        case nil: return 0
        case let text as String:
            guard let number = UInt64(text) else { throw Malformed("\(name) is not an unsigned integer") }
            return number
        case let number as NSNumber:
            let double = number.doubleValue
            guard double >= 0, double.rounded() == double else { throw Malformed("\(name) is not an unsigned integer") }
            return number.uint64Value
        default:
            throw Malformed("\(name) is not an unsigned integer")
        }
    }

    /// An enum written as its number or its name.
    private static func jsonEnum(_ value: Any?, names: [String]) -> UInt64 {
        if let text = value as? String { return UInt64(names.firstIndex(of: text) ?? 0) }
        if let number = value as? NSNumber, number.int64Value >= 0 { return number.uint64Value }
        return 0
    }

    private static func jsonAttributes(_ value: Any?) throws(Malformed) -> (list: AttributeList, dropped: Int) {
        var list = AttributeList()
        var dropped = 0
        guard let value else { return (list, 0) }
        guard let pairs = value as? [Any] else { throw Malformed("attributes is not an array") }
        for case let pair as [String: Any] in pairs {
            guard let key = pair["key"] as? String else { throw Malformed("an attribute has no key") }
            if let decoded = try jsonAnyValue(pair["value"]) {
                list[key] = attributeValue(decoded)
            } else {
                dropped += 1
            }
        }
        return (list, dropped)
    }

    /// An OTLP/JSON `AnyValue` as a Foundation value (see ``anyValue(_:)``); nil when no member is set.
    private static func jsonAnyValue(_ value: Any?) throws(Malformed) -> Any? {
        guard let object = value as? [String: Any] else { return nil }
        if let string = object["stringValue"] ?? object["string_value"] {
            guard let string = string as? String else { throw Malformed("stringValue is not a string") }
            return string
        }
        if let bool = object["boolValue"] ?? object["bool_value"] {
            guard let number = bool as? NSNumber else { throw Malformed("boolValue is not a boolean") }
            return number.boolValue
        }
        if let int = object["intValue"] ?? object["int_value"] {
            if let text = int as? String, let number = Int64(text) { return number }
            if let number = int as? NSNumber, number.doubleValue.rounded() == number.doubleValue {
                return number.int64Value
            }
            throw Malformed("intValue is not an integer")
        }
        if let double = object["doubleValue"] ?? object["double_value"] {
            if let number = double as? NSNumber { return number.doubleValue }
            switch double as? String {
            case "NaN": return Double.nan
            case "Infinity": return Double.infinity
            case "-Infinity": return -Double.infinity
            default:
                if let text = double as? String, let number = Double(text) { return number }
                throw Malformed("doubleValue is not a number")
            }
        }
        if let array = object["arrayValue"] ?? object["array_value"] {
            var items: [Any] = []
            for item in (array as? [String: Any])?["values"] as? [Any] ?? [] {
                if let decoded = try jsonAnyValue(item) { items.append(decoded) }
            }
            return items
        }
        if let kvlist = object["kvlistValue"] ?? object["kvlist_value"] {
            var map: [String: Any] = [:]
            for case let pair as [String: Any] in (kvlist as? [String: Any])?["values"] as? [Any] ?? [] {
                guard let key = pair["key"] as? String else { continue }
                map[key] = try jsonAnyValue(pair["value"]) ?? NSNull()
            }
            return map
        }
        if let bytes = object["bytesValue"] ?? object["bytes_value"] {
            guard let text = bytes as? String else { throw Malformed("bytesValue is not a string") }
            return text
        }
        return nil
    }
}
