import Tracing

/// Encodes finished spans into the JSON body the Noveum API takes at `POST {endpoint}/v1/traces`.
///
/// The body is `{"traces": [TRACE, ...], "timestamp": <Unix seconds>}`, in the shape (and key order) the Python
/// SDK `noveum-trace` sends. Spans are grouped by trace id, traces in the order they first appear in the batch
/// and spans within a trace by start time. A trace whose spans finish at different times may arrive in several
/// requests: each carries the trace id, the trace-level fields computed over the spans it holds, and only those
/// spans.
///
/// Trace fields:
/// - `name`: the name of the trace's local root span if the batch holds it, else of its earliest span;
/// - `start_time`, `end_time`, `duration_ms`: over the spans in the batch;
/// - `status`: `error` if any of those spans has status `error` or `timeout`, else `ok`; `status_message`: the
///   first such span's message, else `null`; `error_count`: how many such spans;
/// - `metadata.user_id`, `session_id`, `request_id`: the first value of the span attributes `user.id`,
///   `session.id` and `request.id` among those spans, else `null`;
/// - `otel.resource`: the client's ``Resource`` attributes.
///
/// Span fields carry the 16-hex span id and 32-hex trace id (also repeated under `otel`), ISO 8601 UTC times with
/// microseconds (`2026-11-27T03:39:46.591861+00:00`), `duration_ms` as a float, attributes as native JSON values
/// (arrays as arrays), events, links, the `exception` block when an exception was recorded, and an `otel` block
/// whose status maps `ok` to `OK`, `unset` to `UNSET`, and `error`, `timeout` and `cancelled` to `ERROR` (for
/// `timeout` and `cancelled` the message starts with the status name).
///
/// The output is always valid JSON: strings are escaped (quotes, backslashes, control characters), and
/// floating-point attribute values that JSON cannot represent are written as the strings `"NaN"`, `"Infinity"` and
/// `"-Infinity"`.
public struct NoveumJSONEncoder: Sendable {
    /// The `schema_version` sent with every trace.
    public static let schemaVersion = "2.0"

    /// `"attributes":{...}` of every trace.
    private let traceAttributes: [UInt8]
    /// From after the spans array to the trace id of the trace's `otel` block.
    private let traceTail: [UInt8]
    /// From after the trace's otel trace id to the end of the trace.
    private let resourceTail: [UInt8]
    /// `"scope":{...}}}` that ends every span.
    private let scopeTail: [UInt8]

    /// Creates an encoder for the client described by `context`.
    public init(context: ExporterContext) {
        self.init(project: context.settings.project, environment: context.settings.environment, resource: context.resource)
    }

    /// Creates an encoder for a project, environment and resource.
    public init(project: String, environment: String, resource: Resource) {
        let sdkVersion = NoveumTrace.version
        let sdk: KeyValuePairs = ["name": Resource.sdkName, "version": sdkVersion]
        traceAttributes = Self.prepared(
            "\"attributes\":{",
            [
                "noveum.project": project, "noveum.environment": environment, "noveum.sdk.version": sdkVersion,
                "noveum.sampling.decision": "record",
            ], "}")
        traceTail =
            Self.prepared("],\"events\":[],\"sdk\":{", sdk, "},")
            + Self.prepared(
                "", ["project": project, "environment": environment, "schema_version": Self.schemaVersion],
                ",\"otel\":{\"trace_id\":")
        var w = ByteSink(capacity: 256)
        w.raw(",\"resource\":")
        w.attributes(resource.attributes)
        w.raw("}}")
        resourceTail = w.bytes()
        scopeTail = Self.prepared("\"scope\":{", sdk, "}}}")
    }

    /// `prefix`, then `"key":"value",…` for `members` in order, then `suffix`: a piece of JSON written once per
    /// encoder and copied into every request.
    private static func prepared(
        _ prefix: StaticString, _ members: KeyValuePairs<String, String>, _ suffix: StaticString
    ) -> [UInt8] {
        var w = ByteSink(capacity: 256)
        w.raw(prefix)
        for (position, member) in members.enumerated() {
            if position > 0 { w.raw(",") }
            w.key(member.key)
            w.string(member.value)
        }
        w.raw(suffix)
        return w.bytes()
    }

    /// Encodes `spans` into one request body.
    ///
    /// - Parameters:
    ///   - spans: the spans, of one or several traces, in any order.
    ///   - timestampNanos: the body's `timestamp`, in nanoseconds since the Unix epoch; now by default.
    /// - Returns: the UTF-8 JSON body.
    public func encode(_ spans: [SpanData], timestampNanos: UInt64? = nil) -> [UInt8] {
        // Room for a usual span and its trace (a span that is its own trace takes about 1.7 KB), so the buffer
        // rarely grows: growing copies it, and each fresh copy of a large buffer costs page faults.
        var w = ByteSink(capacity: 1_024 + spans.count * 2_048)
        w.raw("{\"traces\":[")
        var (order, ranges) = Self.groupByTrace(spans)
        order.withUnsafeMutableBufferPointer { indices in
            for (position, range) in ranges.enumerated() {
                if position > 0 { w.raw(",") }
                var trace = UnsafeMutableBufferPointer(rebasing: indices[range])
                if trace.count > 1 {
                    trace.sort { (spans[$0].startTimeNanos, $0) < (spans[$1].startTimeNanos, $1) }
                }
                writeTrace(spans[trace[0]].traceID, indices: UnsafeBufferPointer(trace), of: spans, into: &w)
            }
        }
        w.raw("],\"timestamp\":")
        let now = timestampNanos ?? WallClock.nanosecondsSinceEpoch()
        w.double(Double(now) / 1e9)
        w.raw("}")
        return w.bytes()
    }

    /// The spans' positions grouped by trace, traces in the order they first appear and spans in batch order
    /// within each: one flat array and one range per trace, so a batch of many small traces costs no array per
    /// trace.
    static func groupByTrace(_ spans: [SpanData]) -> (indices: [Int], ranges: [Range<Int>]) {
        guard let first = spans.first else { return ([], []) }
        if spans.allSatisfy({ $0.traceID == first.traceID }) {
            return (Array(spans.indices), [0..<spans.count])
        }
        var slotOfTrace: [TraceID: Int] = [:]
        slotOfTrace.reserveCapacity(spans.count)
        var slots: [Int] = []
        slots.reserveCapacity(spans.count)
        var counts: [Int] = []
        for span in spans {
            let slot: Int
            if let known = slotOfTrace[span.traceID] {
                slot = known
            } else {
                slot = counts.count
                slotOfTrace[span.traceID] = slot
                counts.append(0)
            }
            counts[slot] += 1
            slots.append(slot)
        }
        var ranges: [Range<Int>] = []
        ranges.reserveCapacity(counts.count)
        var offset = 0
        for count in counts {
            ranges.append(offset..<offset + count)
            offset += count
        }
        var next = ranges.map(\.lowerBound)
        var indices = [Int](repeating: 0, count: spans.count)
        for (index, slot) in slots.enumerated() {
            indices[next[slot]] = index
            next[slot] += 1
        }
        return (indices, ranges)
    }

    // MARK: Trace

    private func writeTrace(
        _ traceID: TraceID, indices: UnsafeBufferPointer<Int>, of spans: [SpanData], into w: inout ByteSink
    ) {
        var start = UInt64.max
        var end = UInt64.min
        var errorCount = 0
        var firstFailure: Int?
        for index in indices {
            let span = spans[index]
            start = min(start, span.startTimeNanos)
            end = max(end, span.endTimeNanos, span.startTimeNanos)
            if span.status.isFailure {
                errorCount += 1
                if firstFailure == nil { firstFailure = index }
            }
        }
        if indices.isEmpty { (start, end) = (0, 0) }
        let root = indices.first { spans[$0].isLocalRoot } ?? indices.first

        w.member("{\"trace_id\":", .traceID(traceID))
        w.member(",\"name\":", .string(root.map { spans[$0].name } ?? ""))
        w.member(",\"start_time\":", .isoTime(start))
        w.member(",\"end_time\":", .isoTime(end))
        w.member(",\"duration_ms\":", .milliseconds(end - start))
        w.raw(",\"status\":")
        w.raw(errorCount > 0 ? "\"error\"" : "\"ok\"")
        w.member(",\"status_message\":", .string(firstFailure.flatMap { spans[$0].statusMessage }))
        w.member(",\"span_count\":", .int(indices.count))
        w.member(",\"error_count\":", .int(errorCount))
        w.raw(",")
        w.raw(traceAttributes)
        let metadata = TraceMetadata(indices, of: spans)
        w.member(",\"metadata\":{\"user_id\":", .string(metadata.userID))
        w.member(",\"session_id\":", .string(metadata.sessionID))
        w.member(",\"request_id\":", .string(metadata.requestID))
        w.raw(",\"tags\":")
        Self.writeObject(metadata.tags, into: &w)
        w.raw(",\"custom_attributes\":")
        Self.writeObject(metadata.customAttributes, into: &w)
        w.raw("},\"spans\":[")
        for (position, index) in indices.enumerated() {
            if position > 0 { w.raw(",") }
            writeSpan(spans[index], into: &w)
        }
        w.raw(traceTail)
        w.traceID(traceID)
        w.raw(resourceTail)
    }

    /// A trace's `metadata`, read from its spans' attributes in one pass: the first `user.id`, `session.id` and
    /// `request.id`, and the `noveum.tags.*` and `noveum.metadata.*` attributes without their prefix (the first
    /// value of each name wins, in the order names first appear).
    private struct TraceMetadata {
        var userID: String?
        var sessionID: String?
        var requestID: String?
        var tags: [(name: String, value: AttributeValue)] = []
        var customAttributes: [(name: String, value: AttributeValue)] = []

        init(_ indices: UnsafeBufferPointer<Int>, of spans: [SpanData]) {
            for index in indices {
                for element in spans[index].attributes {
                    // Most keys are rejected by their first byte.
                    switch element.key.utf8.first {
                    case UInt8(ascii: "u"):
                        if userID == nil, element.key == "user.id" { userID = element.value.description }
                    case UInt8(ascii: "s"):
                        if sessionID == nil, element.key == "session.id" { sessionID = element.value.description }
                    case UInt8(ascii: "r"):
                        if requestID == nil, element.key == "request.id" { requestID = element.value.description }
                    case UInt8(ascii: "n"):
                        if element.key.hasPrefix("noveum.tags.") {
                            Self.add(element, prefixLength: 12, to: &tags)
                        } else if element.key.hasPrefix("noveum.metadata.") {
                            Self.add(element, prefixLength: 16, to: &customAttributes)
                        }
                    default:
                        break
                    }
                }
            }
        }

        private static func add(
            _ element: AttributeList.Element, prefixLength: Int, to list: inout [(name: String, value: AttributeValue)]
        ) {
            let name = String(element.key.dropFirst(prefixLength))
            guard !list.contains(where: { $0.name == name }) else { return }
            list.append((name, element.value))
        }
    }

    private static func writeObject(_ members: [(name: String, value: AttributeValue)], into w: inout ByteSink) {
        w.raw("{")
        for (position, member) in members.enumerated() {
            if position > 0 { w.raw(",") }
            w.key(member.name)
            w.attributeValue(member.value)
        }
        w.raw("}")
    }

    // MARK: Span

    private func writeSpan(_ span: SpanData, into w: inout ByteSink) {
        w.member("{\"span_id\":", .spanID(span.spanID))
        w.member(",\"trace_id\":", .traceID(span.traceID))
        w.member(",\"parent_span_id\":", .spanID(span.parentSpanID))
        w.member(",\"name\":", .string(span.name))
        w.member(",\"start_time\":", .isoTime(span.startTimeNanos))
        w.member(",\"end_time\":", .isoTime(max(span.endTimeNanos, span.startTimeNanos)))
        w.member(",\"duration_ms\":", .milliseconds(span.durationNanos))
        w.spanOutcomeAndContent(span, as: Dialect.self)
        if let exception = span.exception {
            w.raw(",\"exception\":")
            w.spanException(exception, as: Dialect.self)
        }
        w.member(",\"otel\":{\"trace_id\":", .traceID(span.traceID))
        w.member(",\"span_id\":", .spanID(span.spanID))
        w.member(",\"parent_span_id\":", .spanID(span.parentSpanID))
        w.raw(",\"kind\":")
        w.raw(span.kind.formatNames.otelQuoted)
        w.raw(",\"status\":")
        Self.writeOTelStatus(span.status, span.statusMessage, into: &w)
        w.member(",\"name\":", .string(span.name))
        w.raw(",")
        w.raw(scopeTail)
    }

    /// `{"code":"OK"}`, `{"code":"UNSET"}` or `{"code":"ERROR","message":...}`.
    private static func writeOTelStatus(_ status: NoveumSpan.Status, _ message: String?, into w: inout ByteSink) {
        switch status {
        case .ok:
            w.raw("{\"code\":\"OK\"}")
        case .unset:
            w.raw("{\"code\":\"UNSET\"}")
        case .error:
            w.raw("{\"code\":\"ERROR\"")
            if let message {
                w.member(",\"message\":", .string(message))
            }
            w.raw("}")
        case .timeout, .cancelled:
            w.raw("{\"code\":\"ERROR\",\"message\":")
            if let message, !message.isEmpty, message != status.rawValue {
                w.string("\(status.rawValue): \(message)")
            } else {
                w.string(status.rawValue)
            }
            w.raw("}")
        }
    }

    /// Noveum JSON's events, links and exception: attributes as native JSON objects, ISO 8601 times, no link trace
    /// state, and `stack_trace` only when there is one (as the Python SDK sends them).
    enum Dialect: SpanJSONDialect {
        static func attributes(_ list: AttributeList, into sink: inout ByteSink) {
            sink.attributes(list)
        }

        static func eventTime(_ nanos: UInt64, into sink: inout ByteSink) {
            sink.member(",\"timestamp\":", .isoTime(nanos))
        }

        static let linkHasTraceState = false

        static func exceptionStack(_ stackTrace: String?, into sink: inout ByteSink) {
            guard let stackTrace else { return }
            sink.member(",\"stack_trace\":", .string(stackTrace))
        }
    }
}
