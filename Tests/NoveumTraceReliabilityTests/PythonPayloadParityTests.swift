import Foundation
import NoveumTraceTestSupport
import NoveumTraceTesting
import Testing

@testable import NoveumTrace

/// What the Python SDK `noveum-trace` sends for the parity workload (`Scripts/python/parity_workload.py`): the
/// product document's batch example and one LLM call.
///
/// Live: `Scripts/python-parity.sh` runs the Python SDK against a capture server and exports its address as
/// `NOVEUM_PARITY_URL`; the Swift workload then sends to the same server and both requests are compared. Offline:
/// the batch trace is compared with the request 1.5.28 sent, recorded in
/// `../shared/reference/noveum-payload-python-1.5.28.json` (next to the repository).
enum PythonReference {
    static let recordedURL: URL = ReliabilitySummary.folder
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("shared/reference/noveum-payload-python-1.5.28.json")
    /// The capture server that holds the Python SDK's requests, when `Scripts/python-parity.sh` started one.
    static let liveURL: String? = ExternalServer.pythonParity

    /// Trace fields whose kind differs on purpose: the trace status message is the failed span's message.
    static let knownTraceDifferences: Set<String> = [".status", ".status_message", ".error_count"]
    /// Span fields Python sends and Swift does not: `exception.escaped` (deprecated in OpenTelemetry's
    /// exception conventions).
    static let knownSpanDifferences: Set<String> = [".attributes.exception.escaped"]
    /// LLM attributes whose values differ on purpose: Python's context manager defaults the operation to
    /// `unknown`, which is not a GenAI operation name; `traceLLM` defaults to `chat`.
    static let knownLLMValueDifferences: Set<String> = ["llm.operation", "gen_ai.operation.name"]

    static var recorded: [String: Any]? {
        guard let data = try? Data(contentsOf: recordedURL) else { return nil }
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

/// The Swift side of the parity workload, exactly what `parity_workload.py` does.
private func runSwiftWorkload(endpoint: String) async throws {
    var config = Configuration(batchSize: 100, scheduleDelay: .seconds(600), exporters: [NoveumExporter(retryPolicy: fastRetries)])
    config.logger.logLevel = .critical
    let client = try NoveumClient(
        apiKey: "parity-test-key", project: "production-app", environment: "development", endpoint: endpoint,
        serviceVersion: nil, config: config, processEnvironment: [:])
    recordBatchExample(on: client, queries: ["q", "q"])
    client.traceLLM(model: "gpt-4", provider: "openai") { span in span.setUsage(input: 12, output: 34) }
    #expect(await client.flush() == 0)
    await client.shutdown()
}

/// All trace objects of some request bodies.
private func traces(in bodies: [[String: Any]]) -> [[String: Any]] {
    bodies.flatMap { ($0["traces"] as? [[String: Any]]) ?? [] }
}

private func trace(named name: String, in traces: [[String: Any]]) throws -> [String: Any] {
    try #require(traces.first { $0["name"] as? String == name }, "no trace \(name)")
}

/// Compares the batch example's trace: every key path and value kind Python sends, trace and span by span.
/// Returns how many paths were compared.
private func compareBatchTrace(python pythonTrace: [String: Any], swift swiftTrace: [String: Any]) throws -> Int {
    // The trace object without its spans. Swift adds resource attributes (`deployment.environment.name`,
    // `noveum.project`): extra keys are fine, missing ones are not.
    var pythonShape: [String: Set<String>] = [:]
    var swiftShape: [String: Set<String>] = [:]
    shape(pythonTrace.filter { $0.key != "spans" }, into: &pythonShape)
    shape(swiftTrace.filter { $0.key != "spans" }, into: &swiftShape)
    let missing = Set(pythonShape.keys).subtracting(swiftShape.keys).sorted()
    #expect(missing.isEmpty, "trace fields only in the Python payload: \(missing)")
    for (path, kinds) in pythonShape where !PythonReference.knownTraceDifferences.contains(path) {
        #expect(swiftShape[path] == kinds, "trace\(path): Python \(kinds), Swift \(swiftShape[path] ?? [])")
    }
    #expect(swiftTrace["schema_version"] as? String == "2.0")
    // Documented difference: a trace with a failed span is `error` in Swift (with that span's message);
    // Python reports the root's status, `ok`, and an error_count of 0.
    #expect(pythonTrace["status"] as? String == "ok")
    #expect(swiftTrace["status"] as? String == "error")
    #expect(swiftTrace["span_count"] as? Int == 3)

    // Each span, matched by name. Documented difference: ids are W3C hex (32/16) where Python sends UUIDs.
    let pythonSpans = try #require(pythonTrace["spans"] as? [[String: Any]])
    let swiftSpans = try #require(swiftTrace["spans"] as? [[String: Any]])
    #expect(swiftSpans.count == pythonSpans.count)
    #expect(pythonSpans.count == 3)
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
        // Attribute values, not only their kinds (Python's `exception.escaped` aside). Documented difference:
        // `exception.type` is module-qualified in Swift (`Module.ValueError`), as OpenTelemetry asks ("the
        // fully-qualified class name"); Python sends the bare class name.
        let pythonAttributes = try #require(pythonSpan["attributes"] as? [String: Any])
        let swiftAttributes = try #require(swiftSpan["attributes"] as? [String: Any])
        for (key, value) in pythonAttributes where key != "exception.escaped" {
            let swiftValue = try #require(swiftAttributes[key].map { "\($0)" }, "\(name).attributes.\(key)")
            if key == "exception.type" {
                #expect(swiftValue.hasSuffix(".\(value)"), "\(name).attributes.\(key): Swift \(swiftValue), Python \(value)")
            } else {
                #expect(swiftValue == "\(value)", "\(name).attributes.\(key): Swift \(swiftValue), Python \(value)")
            }
        }
        #expect((swiftSpan["otel"] as? [String: Any])?["kind"] as? String == (pythonSpan["otel"] as? [String: Any])?["kind"] as? String)
        let time = try #require(swiftSpan["start_time"] as? String)
        #expect(time.range(of: #"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}\+00:00$"#, options: .regularExpression) != nil)
        compared += p.count
    }
    return compared
}

/// Compares the LLM span: every attribute Python's `trace_llm_call` + `set_usage_attributes` writes is written by
/// `traceLLM` + `setUsage`, with the same value (tokens, the computed total, and the cost from both price tables).
private func compareLLMSpan(python pythonSpan: [String: Any], swift swiftSpan: [String: Any]) throws -> Int {
    let pythonAttributes = try #require(pythonSpan["attributes"] as? [String: Any])
    let swiftAttributes = try #require(swiftSpan["attributes"] as? [String: Any])
    #expect(pythonAttributes.count >= 10, "Python sent \(pythonAttributes.keys.sorted())")
    for (key, value) in pythonAttributes {
        let swiftValue = try #require(swiftAttributes[key], "llm span: \(key) only in the Python payload")
        if PythonReference.knownLLMValueDifferences.contains(key) { continue }
        if let number = value as? Double, let swiftNumber = swiftValue as? Double {
            #expect(abs(number - swiftNumber) < 1e-9, "llm span \(key): Python \(number), Swift \(swiftNumber)")
        } else {
            #expect("\(swiftValue)" == "\(value)", "llm span \(key): Python \(value), Swift \(swiftValue)")
        }
    }
    #expect(swiftSpan["status"] as? String == pythonSpan["status"] as? String)
    return pythonAttributes.count
}

@Suite("Noveum payload parity with the Python SDK")
struct PythonPayloadParityTests {
    @Test(
        "live: the Python SDK and this one send the same workload to one capture server; same fields, same values",
        .enabled(if: PythonReference.liveURL != nil, "needs NOVEUM_PARITY_URL (Scripts/python-parity.sh)"))
    func live() async throws {
        let base = try #require(PythonReference.liveURL)
        func requests() async throws -> [[String: Any]] {
            let response = try #require(await Loopback.get(base + "/requests", timeout: 10))
            #expect(response.status == 200)
            return try #require(try JSONSerialization.jsonObject(with: response.body) as? [[String: Any]])
        }
        func isPython(_ request: [String: Any]) -> Bool {
            ((request["headers"] as? [String: Any])?["user-agent"] as? String)?.hasPrefix("noveum-trace-sdk/") == true
        }
        let before = try await requests()
        let python = before.filter(isPython)
        try #require(!python.isEmpty, "the capture server at \(base) holds no request from the Python SDK")

        try await runSwiftWorkload(endpoint: base + "/api")
        let swift = try await requests().dropFirst(before.count).filter { !isPython($0) }
        try #require(!swift.isEmpty, "the Swift workload's request did not reach \(base)")

        // The request line and headers: same path, JSON, `Authorization: Bearer <key>`.
        #expect(swift[0]["path"] as? String == python[0]["path"] as? String)
        let pythonHeaders = try #require(python[0]["headers"] as? [String: String])
        let swiftHeaders = try #require(swift[0]["headers"] as? [String: String])
        #expect(swiftHeaders["content-type"] == pythonHeaders["content-type"])
        #expect(swiftHeaders["authorization"] == pythonHeaders["authorization"])
        #expect(swiftHeaders["authorization"] == "Bearer parity-test-key")
        let pythonBodies = try python.map { try #require($0["body"] as? [String: Any]) }
        let swiftBodies = try swift.map { try #require($0["body"] as? [String: Any]) }
        #expect(Set(swiftBodies[0].keys) == Set(pythonBodies[0].keys))

        var compared = try compareBatchTrace(
            python: try trace(named: "batch_query_processing_trace", in: traces(in: pythonBodies)),
            swift: try trace(named: "batch_query_processing", in: traces(in: swiftBodies)))
        let pythonLLM = try #require(
            (try trace(named: "auto_trace_llm_call", in: traces(in: pythonBodies))["spans"] as? [[String: Any]])?.first)
        let swiftLLM = try #require(
            (try trace(named: "chat gpt-4", in: traces(in: swiftBodies))["spans"] as? [[String: Any]])?.first)
        compared += try compareLLMSpan(python: pythonLLM, swift: swiftLLM)
        ReliabilitySummary.record("interop", "Noveum payload vs the Python SDK, live", tried: compared, lost: 0)
    }

    @Test(
        "recorded: the batch example's trace has every key path and value kind of the request Python 1.5.28 sent",
        .enabled(if: PythonReference.recorded != nil, "needs ../shared/reference/noveum-payload-python-1.5.28.json"))
    func recorded() async throws {
        let python = try #require(PythonReference.recorded)
        try await withCaptureServer { server in
            try await runSwiftWorkload(endpoint: server.endpoint)
            let swift = try #require(server.requests.first).json()
            #expect(Set(swift.keys) == Set(python.keys))
            let compared = try compareBatchTrace(
                python: try trace(named: "batch_query_processing_trace", in: traces(in: [python])),
                swift: try trace(named: "batch_query_processing", in: traces(in: [swift])))
            ReliabilitySummary.record("interop", "Noveum payload vs Python 1.5.28, recorded", tried: compared, lost: 0)
        }
    }
}
