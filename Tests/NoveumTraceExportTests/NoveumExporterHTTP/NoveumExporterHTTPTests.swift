import Foundation
import NoveumTrace
import NoveumTraceTestSupport
import Testing

/// ISO 8601 as the Noveum payload writes it, computed here independently of the encoder.
func iso(_ nanos: UInt64) -> String {
    let formatter = DateFormatter()
    formatter.locale = Locale(identifier: "en_US_POSIX")
    formatter.timeZone = TimeZone(identifier: "UTC")
    formatter.dateFormat = "yyyy-MM-dd'T'HH:mm:ss"
    let seconds = formatter.string(from: Date(timeIntervalSince1970: TimeInterval(nanos / 1_000_000_000)))
    let micros = Int(nanos % 1_000_000_000 / 1_000)
    return seconds + "." + String(repeating: "0", count: 6 - String(micros).count) + String(micros) + "+00:00"
}

/// Checks one span object of a payload against the span the client recorded, field by field.
func expectSpan(_ json: [String: Any], matches span: SpanData, kind: String = "INTERNAL", otelStatus: [String: String]) {
    #expect(json.string("span_id") == span.spanID.description)
    #expect(json.string("span_id")?.count == 16)
    #expect(json.string("trace_id") == span.traceID.description)
    #expect(json.string("trace_id")?.count == 32)
    if let parent = span.parentSpanID {
        #expect(json.string("parent_span_id") == parent.description)
    } else {
        #expect(json.isNull("parent_span_id"))
    }
    #expect(json.string("name") == span.name)
    #expect(json.string("start_time") == iso(span.startTimeNanos))
    #expect(json.string("end_time") == iso(span.endTimeNanos))
    #expect(json["duration_ms"] as? Double == Double(span.endTimeNanos - span.startTimeNanos) / 1_000_000)
    #expect(json.string("status") == span.status.rawValue)
    if let message = span.statusMessage {
        #expect(json.string("status_message") == message)
    } else {
        #expect(json.isNull("status_message"))
    }
    let attributes = json.object("attributes") ?? [:]
    #expect(attributes.sortedKeys == span.attributes.map(\.key).sorted())
    for element in span.attributes {
        switch element.value {
        case .string(let value): #expect(attributes.string(element.key) == value, "\(element.key)")
        case .int(let value): #expect((attributes[element.key] as? NSNumber)?.int64Value == value, "\(element.key)")
        case .double(let value): #expect(attributes[element.key] as? Double == value, "\(element.key)")
        case .bool(let value): #expect(attributes[element.key] as? Bool == value, "\(element.key)")
        default: Issue.record("unexpected array attribute \(element.key)")
        }
    }
    let events = json.array("events") ?? []
    #expect(events.count == span.events.count)
    for (event, recorded) in zip(events, span.events) {
        #expect(event.string("name") == recorded.name)
        #expect(event.string("timestamp") == iso(recorded.timeNanos))
        #expect(event.object("attributes")?.sortedKeys == recorded.attributes.map(\.key).sorted())
    }
    #expect(json.array("links")?.isEmpty == true)
    if let exception = span.exception {
        #expect(json.object("exception")?.string("type") == exception.type)
        #expect(json.object("exception")?.string("message") == exception.message)
        #expect(json.object("exception")?.sortedKeys == ["message", "type"])
    } else {
        #expect(json["exception"] == nil)
    }
    let otel = json.object("otel") ?? [:]
    #expect(otel.string("trace_id") == span.traceID.description)
    #expect(otel.string("span_id") == span.spanID.description)
    if let parent = span.parentSpanID {
        #expect(otel.string("parent_span_id") == parent.description)
    } else {
        #expect(otel.isNull("parent_span_id"))
    }
    #expect(otel.string("kind") == kind)
    #expect((otel["status"] as? [String: String]) == otelStatus)
    #expect(otel.string("name") == span.name)
    #expect((otel["scope"] as? [String: String]) == ["name": "noveum-trace-swift", "version": NoveumTrace.version])
}

/// Checks the trace-level fields that are the same for every trace of these tests.
func expectTraceEnvelope(_ trace: [String: Any], traceID: TraceID) {
    #expect(trace.string("trace_id") == traceID.description)
    #expect(
        (trace["attributes"] as? [String: String])
            == [
                "noveum.project": "production-app", "noveum.environment": "development",
                "noveum.sdk.version": NoveumTrace.version, "noveum.sampling.decision": "record",
            ])
    let metadata = trace.object("metadata") ?? [:]
    #expect(metadata.isNull("user_id") && metadata.isNull("session_id") && metadata.isNull("request_id"))
    #expect((metadata["tags"] as? [String: Any])?.isEmpty == true)
    #expect((metadata["custom_attributes"] as? [String: Any])?.isEmpty == true)
    #expect(trace.array("events")?.isEmpty == true)
    #expect((trace["sdk"] as? [String: String]) == ["name": "noveum-trace-swift", "version": NoveumTrace.version])
    #expect(trace.string("project") == "production-app")
    #expect(trace.string("environment") == "development")
    #expect(trace.string("schema_version") == "2.0")
    let otel = trace.object("otel") ?? [:]
    #expect(otel.string("trace_id") == traceID.description)
    let resource = otel["resource"] as? [String: String] ?? [:]
    #expect(resource["service.name"] == "production-app")
    #expect(resource["deployment.environment"] == "development")
    #expect(resource["telemetry.sdk.name"] == "noveum-trace-swift")
    #expect(resource["telemetry.sdk.version"] == NoveumTrace.version)
    #expect(resource["telemetry.sdk.language"] == "swift")
}

/// A string of `count` pseudo-random letters: compresses poorly, like real prompts and responses.
func letters(_ count: Int, seed: UInt64) -> String {
    var generator = SplitMix64(seed: seed)
    let alphabet = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 ".utf8)
    return String(decoding: (0..<count).map { _ in alphabet[Int(generator.next() % UInt64(alphabet.count))] }, as: UTF8.self)
}

/// Stands in for a call to an LLM or a vector database.
func remoteCall<T: Sendable>(_ value: T) async -> T {
    await Task.yield()
    return value
}

/// The names of all spans in the captured requests' bodies, in arrival order.
func spanNames(_ requests: [CapturedRequest]) throws -> [String] {
    try requests.flatMap { request in
        try (request.json().array("traces") ?? []).flatMap { ($0.array("spans") ?? []).compactMap { $0.string("name") } }
    }
}

/// The Noveum exporter against a real HTTP server on loopback. The tests are in the extensions next to this file,
/// one file per concern: request shape and payload, retries, body sizes, timeouts, client-level delivery.
@Suite("Noveum exporter over HTTP", .serialized)
struct NoveumExporterHTTPTests {}
