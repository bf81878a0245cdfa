import Foundation
import NoveumTraceTesting
import Testing

@testable import NoveumTrace

/// The Noveum payload the Python SDK `noveum-trace` 1.5.28 sent for the product document's batch example,
/// recorded in `../shared/reference/noveum-payload-python-1.5.28.json` (next to the repository).
enum PythonReference {
    static let url: URL = ReliabilitySummary.folder
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("shared/reference/noveum-payload-python-1.5.28.json")
    /// Trace fields whose kind differs on purpose: the trace status message is the failed span's message.
    static let knownTraceDifferences: Set<String> = [".status", ".status_message", ".error_count"]
    /// Span fields Python sends and Swift does not: `exception.escaped` (deprecated in OpenTelemetry's
    /// exception conventions).
    static let knownSpanDifferences: Set<String> = [".attributes.exception.escaped"]

    static var payload: [String: Any]? {
        guard let data = try? Data(contentsOf: url) else { return nil }
        return try? JSONSerialization.jsonObject(with: data) as? [String: Any]
    }
}

/// Every key path of a JSON value with the kind of value found there (`string`, `number`, `bool`, `null`,
/// `object`, `array`); arrays contribute the paths of their elements under `[]`.
private func shape(_ value: Any, path: String = "", into result: inout [String: Set<String>]) {
    switch value {
    case let object as [String: Any]:
        result[path, default: []].insert("object")
        for (key, child) in object { shape(child, path: path + "." + key, into: &result) }
    case let array as [Any]:
        result[path, default: []].insert("array")
        for child in array { shape(child, path: path + "[]", into: &result) }
    case is NSNull: result[path, default: []].insert("null")
    case is String: result[path, default: []].insert("string")
    case let number as NSNumber:
        result[path, default: []].insert(String(cString: number.objCType) == "c" ? "bool" : "number")
    default: result[path, default: []].insert("other")
    }
}

@Suite(
    "Noveum payload parity with the Python SDK",
    .enabled(if: PythonReference.payload != nil, "needs ../shared/reference/noveum-payload-python-1.5.28.json"))
struct PythonPayloadParityTests {
    @Test("same workload, same fields: every key path and value kind of the Python payload, trace and span by span")
    func sameShape() async throws {
        let python = try #require(PythonReference.payload)
        let pythonTrace = try #require((python["traces"] as? [[String: Any]])?.first { $0["name"] as? String == "batch_query_processing_trace" })

        try await withCaptureServer { server in
            var config = Configuration(batchSize: 100, scheduleDelay: .seconds(600), exporters: [NoveumExporter(retryPolicy: fastRetries)])
            config.logger.logLevel = .critical
            let client = try NoveumClient(
                apiKey: "k", project: "production-app", environment: "development", endpoint: server.endpoint,
                serviceVersion: nil, config: config, processEnvironment: [:])
            let batch = client.startSpan(
                name: "batch_query_processing", attributes: ["batch.size": 2, "batch.operation": "llm_processing"])
            for i in 0..<2 {
                let span = client.startSpan(
                    name: "query_processing_\(i)", parentSpanID: batch.spanID, attributes: ["query.index": i, "query.text": "q"])
                if i == 0 {
                    span.setAttributes(["query.success": true])
                    span.setStatus(.ok)
                } else {
                    span.recordException(ValueError())
                    span.setStatus(.error, "boom")
                }
                client.finishSpan(span)
            }
            batch.setStatus(.ok)
            client.finishSpan(batch)
            #expect(await client.flush() == 0)
            await client.shutdown()

            let swift = try #require(server.requests.first).json()
            #expect(Set(swift.keys) == Set(python.keys))
            let swiftTrace = try #require((swift["traces"] as? [[String: Any]])?.first)

            // The trace object without its spans.
            var pythonShape: [String: Set<String>] = [:]
            var swiftShape: [String: Set<String>] = [:]
            shape(pythonTrace.filter { $0.key != "spans" }, into: &pythonShape)
            shape(swiftTrace.filter { $0.key != "spans" }, into: &swiftShape)
            // Swift adds resource attributes (`deployment.environment.name`, `noveum.project`): extra keys are fine,
            // missing ones are not.
            let missing = Set(pythonShape.keys).subtracting(swiftShape.keys).sorted()
            #expect(missing.isEmpty, "trace fields only in the Python payload: \(missing)")
            for (path, kinds) in pythonShape where !PythonReference.knownTraceDifferences.contains(path) {
                #expect(swiftShape[path] == kinds, "trace\(path): Python \(kinds), Swift \(swiftShape[path] ?? [])")
            }
            #expect(swiftTrace["schema_version"] as? String == "2.0")
            // Documented difference: a trace with a failed span is `error` in Swift (with that span's message);
            // Python 1.5.28 reports the root's status, `ok`, and an error_count of 0.
            #expect(pythonTrace["status"] as? String == "ok")
            #expect(swiftTrace["status"] as? String == "error")
            #expect(swiftTrace["span_count"] as? Int == 3)

            // Each span, matched by name. Documented difference: ids are W3C hex (32/16) where Python sends UUIDs.
            let pythonSpans = try #require(pythonTrace["spans"] as? [[String: Any]])
            let swiftSpans = try #require(swiftTrace["spans"] as? [[String: Any]])
            #expect(swiftSpans.count == pythonSpans.count)
            var compared = 0
            for pythonSpan in pythonSpans {
                let name = try #require(pythonSpan["name"] as? String)
                let swiftSpan = try #require(swiftSpans.first { $0["name"] as? String == name }, "no span \(name)")
                var p: [String: Set<String>] = [:]
                var s: [String: Set<String>] = [:]
                shape(pythonSpan, into: &p)
                shape(swiftSpan, into: &s)
                let onlyPython = Set(p.keys).subtracting(s.keys).subtracting(PythonReference.knownSpanDifferences).sorted()
                // Swift adds the exception's stack trace when it has one; nothing Python sends may be missing.
                #expect(onlyPython.isEmpty, "\(name): fields only in the Python payload: \(onlyPython)")
                for (path, kinds) in p where s[path] != nil {
                    #expect(s[path] == kinds, "\(name)\(path): Python \(kinds), Swift \(s[path] ?? [])")
                }
                for key in ["status", "status_message"] {
                    #expect((swiftSpan[key] as? String) == (pythonSpan[key] as? String), "\(name).\(key)")
                }
                #expect((swiftSpan["otel"] as? [String: Any])?["kind"] as? String == (pythonSpan["otel"] as? [String: Any])?["kind"] as? String)
                let time = try #require(swiftSpan["start_time"] as? String)
                #expect(time.range(of: #"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}\+00:00$"#, options: .regularExpression) != nil)
                compared += p.count
            }
            ReliabilitySummary.record("interop", "Noveum payload vs Python 1.5.28", tried: compared, lost: 0)
        }
    }
}
