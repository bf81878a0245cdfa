import Foundation
import NoveumTrace
import NoveumTraceStore
import Tracing

/// A fresh folder under the temporary directory.
func temporaryDirectory() throws -> LocalTraceDirectory {
    let path = NSTemporaryDirectory() + "noveum-store-tests-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return LocalTraceDirectory(path: path)
}

/// A span with fixed ids and times, for hand-built traces.
func span(
    trace: UInt64, id: UInt64, parent: UInt64? = nil, name: String, start: UInt64, duration: UInt64,
    status: NoveumSpan.Status = .ok, attributes: AttributeList = [:]
) -> SpanData {
    SpanData(
        context: SpanContext(traceID: TraceID(high: 0xABCD, low: trace), spanID: SpanID(rawValue: id), isSampled: true),
        parentSpanID: parent.map { SpanID(rawValue: $0) }, name: name, startTimeNanos: start,
        endTimeNanos: start + duration, status: status, attributes: attributes)
}

/// The 32-hex id of the trace `span(trace:...)` builds for `trace`.
func traceHex(_ trace: UInt64) -> String { TraceID(high: 0xABCD, low: trace).description }

func record(_ span: SpanData) -> LocalSpanRecord {
    LocalSpanRecord(
        span: span, project: "tests", environment: "test", resource: Resource(attributes: ["service.name": "svc"]))
}

/// A client exporting to `exporter` only on flush.
func makeClient(_ exporter: any SpanExporter) throws -> NoveumClient {
    try NoveumClient(
        apiKey: nil, project: "tests", environment: "test",
        config: Configuration(scheduleDelay: .seconds(600), exporters: [exporter]))
}
