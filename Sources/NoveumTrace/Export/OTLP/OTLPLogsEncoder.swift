/// Encodes late scores (the evaluation spans of ``NoveumClient/score(_:traceID:spanID:)``) as an OTLP
/// `ExportLogsServiceRequest`, in protobuf or JSON: one `gen_ai.evaluation.result` log record per score, carrying
/// the evaluated span's trace and span ids, as the OpenTelemetry GenAI conventions intend for an evaluation that
/// is not recorded on its span.
///
/// Each `LogRecord` has `time_unix_nano` and `observed_time_unix_nano` (when the score was given), severity `INFO`
/// (9), `event_name` `gen_ai.evaluation.result`, the score's attributes (``Score/eventAttributes``) plus
/// `noveum.evaluation.late`, and the evaluated `trace_id` and `span_id` (none when a whole trace was scored).
/// The request holds one `ResourceLogs` with the client's resource and one `ScopeLogs` with this SDK's scope.
struct OTLPLogsEncoder: Sendable {
    var scope: OTLPScope = OTLPScope()
    private let pool = ByteSinkPool()

    /// Whether `span` is a late score, sent as a log record rather than as a span. The name is checked first: this
    /// runs for every exported span.
    @Sendable static func isLateScore(_ span: SpanData) -> Bool {
        span.name.hasPrefix("evaluation ") && !span.events.isEmpty && span.attributes["noveum.evaluation.late"] == .bool(true)
    }

    /// The log record's fields for one late score: when, the evaluated ids, and its attributes.
    struct Record {
        var timeNanos: UInt64
        var traceID: TraceID
        var spanID: SpanID?
        var attributes: AttributeList

        init(_ span: SpanData) {
            let event = span.events.first { $0.name == Score.eventName } ?? span.events[0]
            timeNanos = event.timeNanos
            traceID = span.traceID
            spanID = span.parentSpanID
            var attributes = event.attributes
            attributes["noveum.evaluation.late"] = .bool(true)
            self.attributes = attributes
        }
    }

    /// The serialized `ExportLogsServiceRequest` for the late scores among `spans`.
    func protobuf(_ spans: [SpanData], resource: Resource) -> [UInt8] {
        pool.withSink(capacity: 256 + spans.count * 256) { sink in
            // ScopeLogs.log_records = 2
            sink.otlpEnvelope(resource: resource, scope: scope) { sink in
                for span in spans { sink.logRecord(Record(span)) }
            }
            return sink.bytes()
        }
    }

    /// The OTLP/JSON text of the same request.
    func json(_ spans: [SpanData], resource: Resource) -> [UInt8] {
        pool.withSink(capacity: 512 + spans.count * 512) { sink in
            sink.append("{\"resourceLogs\":[{\"resource\":{")
            if !resource.attributes.isEmpty {
                sink.append("\"attributes\":")
                sink.jsonAttributes(resource.attributes)
            }
            sink.append("},\"scopeLogs\":[{\"scope\":{\"name\":")
            sink.string(scope.name)
            sink.append(",\"version\":")
            sink.string(scope.version)
            sink.append("},\"logRecords\":")
            sink.jsonArray(spans) { sink, span in sink.jsonLogRecord(Record(span)) }
            sink.append("}]}]}")
            return sink.bytes()
        }
    }
}

extension ByteSink {
    /// One `LogRecord` as field 2 of `ScopeLogs`: time_unix_nano = 1 (fixed64), severity_number = 2,
    /// severity_text = 3, attributes = 6, trace_id = 9, span_id = 10, observed_time_unix_nano = 11 (fixed64),
    /// event_name = 12.
    fileprivate mutating func logRecord(_ record: OTLPLogsEncoder.Record) {
        message(0x12, reserve: 2) { sink in
            sink.reserve(40)
            sink.put(0x09)
            sink.putFixed64(record.timeNanos)
            sink.put(0x10, 9)
            sink.putString(0x1A, "INFO", length: 4)
            for attribute in record.attributes { sink.keyValue(0x32, attribute.key, attribute.value) }
            sink.reserve(64)
            sink.putTraceID(0x4A, record.traceID)
            if let spanID = record.spanID { sink.putSpanID(0x52, spanID) }
            sink.put(0x59)
            sink.putFixed64(record.timeNanos)
            sink.putString(0x62, Score.eventName, length: Score.eventName.utf8.count)
        }
    }

    fileprivate mutating func jsonLogRecord(_ record: OTLPLogsEncoder.Record) {
        append("{\"timeUnixNano\":\"")
        appendDecimal(record.timeNanos)
        append("\",\"observedTimeUnixNano\":\"")
        appendDecimal(record.timeNanos)
        append("\",\"severityNumber\":9,\"severityText\":\"INFO\",\"eventName\":")
        string(Score.eventName)
        append(",\"attributes\":")
        jsonAttributes(record.attributes)
        append(",\"traceId\":\"")
        appendHex(record.traceID.high, width: 16)
        appendHex(record.traceID.low, width: 16)
        append(UInt8(ascii: "\""))
        if let spanID = record.spanID {
            append(",\"spanId\":\"")
            appendHex(spanID.rawValue, width: 16)
            append(UInt8(ascii: "\""))
        }
        append(UInt8(ascii: "}"))
    }
}
