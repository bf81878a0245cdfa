import Foundation
import NoveumTrace
import NoveumTraceOTLP
import NoveumTraceTesting
import NoveumTraceTestSupport
import SwiftProtobuf
import Synchronization
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

typealias PBLogsRequest = Opentelemetry_Proto_Collector_Logs_V1_ExportLogsServiceRequest

/// Scores on open spans (a `gen_ai.evaluation.result` event) and late scores (an evaluation span, sent by the OTLP
/// exporter as a log record), with exact payloads.
@Suite("Scores")
struct ScoreTests {
    static func client(_ exporters: [any SpanExporter], samplingRate: Double = 1) throws -> NoveumClient {
        var configuration = Configuration(samplingRate: samplingRate, exporters: exporters)
        configuration.redaction = .disabled
        return try NoveumClient(project: "scores", environment: "test", config: configuration)
    }

    static let kinds: [(Score, AttributeList)] = [
        (
            .number("relevance", 0.82, label: "relevant", source: .llmJudge, explanation: "Answers it.", responseID: "chatcmpl-1"),
            [
                "gen_ai.evaluation.name": .string("relevance"), "gen_ai.evaluation.score.value": .double(0.82),
                "gen_ai.evaluation.score.label": .string("relevant"), "gen_ai.evaluation.explanation": .string("Answers it."),
                "gen_ai.response.id": .string("chatcmpl-1"), "noveum.score.type": .string("numeric"),
                "noveum.score.source": .string("llm_judge"),
            ]
        ),
        (
            .boolean("toxicity_free", false, source: .rule),
            [
                "gen_ai.evaluation.name": .string("toxicity_free"), "gen_ai.evaluation.score.value": .double(0),
                "gen_ai.evaluation.score.label": .string("fail"), "noveum.score.type": .string("boolean"),
                "noveum.score.source": .string("rule"),
            ]
        ),
        (
            .category("sentiment", "positive", source: .human),
            [
                "gen_ai.evaluation.name": .string("sentiment"), "gen_ai.evaluation.score.label": .string("positive"),
                "noveum.score.type": .string("categorical"), "noveum.score.source": .string("human"),
            ]
        ),
    ]

    @Test("each kind of score on an open span: one gen_ai.evaluation.result event, exact attributes")
    func openSpan() async throws {
        let memory = InMemoryExporter()
        let client = try Self.client([memory])
        for (score, expected) in Self.kinds {
            let span = client.startSpan(name: "answer")
            span.score(score)
            client.finishSpan(span)
            await client.flush()
            let exported = try #require(memory.spans.last)
            #expect(exported.events.map(\.name) == ["gen_ai.evaluation.result"])
            #expect(Dictionary(uniqueKeysWithValues: exported.events[0].attributes.map { ($0.key, $0.value) })
                == Dictionary(uniqueKeysWithValues: expected.map { ($0.key, $0.value) }))
        }
        // The current span, through the static API's client.
        let scored = client.traceOperation("turn") { _ in NoveumTrace.scoreCurrentSpan(.boolean("ok", true)) }
        #expect(scored)
        await client.flush()
        #expect(memory.spans(named: "turn").first?.events.first?.attributes["gen_ai.evaluation.score.label"] == .string("pass"))
    }

    @Test("a late score through OTLP: a log record on /v1/logs with the evaluated span's ids", arguments: [OTLPProtocol.httpProtobuf, .httpJSON])
    func lateScoreAsLogRecord(protocol: OTLPProtocol) async throws {
        let transport = StubTransport()
        let exporter = try OTLPExporter(
            .init(endpoint: "http://127.0.0.1:9/v1/traces", protocol: `protocol`), environment: [:], transport: transport)
        let client = try Self.client([exporter])
        let answered = client.startSpan(name: "chat gpt-4o")
        client.finishSpan(answered)
        await client.flush()
        let (score, expected) = Self.kinds[0]
        #expect(client.score(score, traceID: answered.traceID, spanID: answered.spanID))
        await client.flush()

        let logs = transport.requests.filter { $0.url == "http://127.0.0.1:9/v1/logs" }
        #expect(logs.count == 1)
        #expect(transport.requests.filter { $0.url.hasSuffix("/v1/traces") }.count == 1)
        let body = try #require(logs.first).body
        let decoded: PBLogsRequest
        if `protocol` == .httpJSON {
            let object = try JSONSerialization.jsonObject(with: Data(body))
            decoded = try PBLogsRequest(jsonUTF8Data: JSONSerialization.data(withJSONObject: OTLPJSONEncoderTests.hexToBase64(object)))
        } else {
            decoded = try PBLogsRequest(serializedBytes: body)
        }
        let scope = try #require(decoded.resourceLogs.first?.scopeLogs.first)
        #expect(scope.scope.name == "noveum-trace-swift")
        #expect(attributeList(try #require(decoded.resourceLogs.first).resource.attributes)["service.name"] == .string("scores"))
        let record = try #require(scope.logRecords.first)
        #expect(scope.logRecords.count == 1)
        #expect(record.eventName == "gen_ai.evaluation.result")
        #expect(record.severityNumber == .info && record.severityText == "INFO")
        #expect(record.timeUnixNano > 0 && record.observedTimeUnixNano == record.timeUnixNano)
        #expect(record.traceID == Data(hex: answered.traceID.description))
        #expect(record.spanID == Data(hex: answered.spanID.description))
        var withLate = expected
        withLate["noveum.evaluation.late"] = .bool(true)
        #expect(Dictionary(uniqueKeysWithValues: attributeList(record.attributes).map { ($0.key, $0.value) })
            == Dictionary(uniqueKeysWithValues: withLate.map { ($0.key, $0.value) }))
    }

    @Test(
        "a backend without OTLP logs (405, 404, 501) gets late scores as evaluation spans, from its first answer on",
        arguments: [405, 404, 501])
    func lateScoreFallsBackToSpans(status: Int) async throws {
        let transport = StubTransport { request in
            HTTPTransport.Response(status: request.url.hasSuffix("/v1/logs") ? status : 200)
        }
        let exporter = try OTLPExporter(.init(endpoint: "http://127.0.0.1:9/v1/traces"), environment: [:], transport: transport)
        let client = try Self.client([exporter])
        let target = (trace: TraceID(high: 1, low: 2), span: SpanID(rawValue: 3))
        for passed in [true, false] {
            #expect(client.score(.boolean("thumbs_up", passed, source: .human), traceID: target.trace, spanID: target.span))
            #expect(await client.flush() == 0)
        }
        let stats = client.stats
        #expect(stats.spansExported == 2 && stats.spansDropped.isEmpty)
        // One request to /v1/logs, refused; the same score again on /v1/traces; the second score straight there.
        let requests = transport.requests
        #expect(requests.map(\.url) == [
            "http://127.0.0.1:9/v1/logs", "http://127.0.0.1:9/v1/traces", "http://127.0.0.1:9/v1/traces",
        ])
        let spans = try requests.dropFirst().map { try PBRequest(serializedBytes: $0.body).resourceSpans[0].scopeSpans[0].spans[0] }
        #expect(spans.map(\.name) == ["evaluation thumbs_up", "evaluation thumbs_up"])
        #expect(spans.allSatisfy { $0.traceID == Data(hex: target.trace.description) && $0.parentSpanID == Data(hex: "0000000000000003") })
        #expect(spans.map { attributeList($0.events[0].attributes)["gen_ai.evaluation.score.label"] } == [.string("pass"), .string("fail")])
        #expect(spans.allSatisfy { $0.events.map(\.name) == ["gen_ai.evaluation.result"] })
        await client.shutdown()
    }

    @Test("with a disk buffer, a late score that waited out an outage still goes to /v1/logs")
    func lateScoreThroughDiskBuffer() async throws {
        let refusing = Mutex(true)
        let transport = StubTransport { _ in
            if refusing.withLock({ $0 }) { throw URLError(.cannotConnectToHost) }
            return HTTPTransport.Response(status: 200)
        }
        let exporter = try OTLPExporter(
            .init(endpoint: "http://127.0.0.1:9/v1/traces"), environment: [:], transport: transport,
            retryPolicy: HTTPRetryPolicy(maxAttempts: 1, initialBackoff: .milliseconds(1), maxBackoff: .milliseconds(5)))
        let directory = NSTemporaryDirectory() + "noveum-score-disk-" + UUID().uuidString
        var configuration = Configuration(
            diskBuffer: DiskBufferConfiguration(directory: directory, synchronous: false), exporters: [exporter])
        configuration.redaction = .disabled
        // Export on flush only: a flush counts what its own export left undelivered, and on a loaded machine the
        // schedule could export the score before the flush starts.
        configuration.scheduleDelay = .seconds(600)
        let client = try NoveumClient(project: "scores", config: configuration)
        #expect(client.score(.boolean("thumbs_up", true), traceID: TraceID(high: 7, low: 8), spanID: SpanID(rawValue: 9)))
        #expect(await client.flush() == 1)
        refusing.withLock { $0 = false }
        #expect(await client.flush() == 0)
        await client.shutdown()
        // The refused first request and the one sent from disk: both to the logs endpoint, the second with the
        // same log record.
        let requests = transport.requests
        #expect(requests.count >= 2 && requests.allSatisfy { $0.url == "http://127.0.0.1:9/v1/logs" })
        let sent = try PBLogsRequest(serializedBytes: try #require(requests.last).body)
        #expect(sent.resourceLogs[0].scopeLogs[0].logRecords[0].spanID == Data(hex: "0000000000000009"))
        #expect(sent.resourceLogs[0].scopeLogs[0].logRecords[0].eventName == "gen_ai.evaluation.result")
    }

    @Test("a late score through the Noveum exporter: a short evaluation span under the evaluated span, carrying the event")
    func lateScoreAsNoveumSpan() async throws {
        let transport = StubTransport()
        var configuration = Configuration(exporters: [NoveumExporter(transport: transport, compression: false)])
        configuration.redaction = .disabled
        let client = try NoveumClient(apiKey: "k", project: "scores", endpoint: "http://127.0.0.1:9/api", config: configuration)
        let traceID = TraceID(high: 0x0af7_6519_16cd_43dd, low: 0x8448_eb21_1c80_319c)
        let spanID = SpanID(rawValue: 0xb7ad_6b71_6920_3331)
        #expect(client.score(.boolean("thumbs_up", true, source: .human), traceparent: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"))
        await client.flush()
        let body = try #require(transport.requests.first).body
        let object = try #require(try JSONSerialization.jsonObject(with: Data(body)) as? [String: Any])
        let trace = try #require((object["traces"] as? [[String: Any]])?.first)
        #expect(trace["trace_id"] as? String == traceID.description)
        let span = try #require((trace["spans"] as? [[String: Any]])?.first)
        #expect(span["name"] as? String == "evaluation thumbs_up")
        #expect(span["parent_span_id"] as? String == spanID.description)
        let attributes = try #require(span["attributes"] as? [String: Any])
        #expect(attributes["noveum.evaluation.late"] as? Bool == true)
        #expect(attributes["noveum.evaluation.target.span_id"] as? String == spanID.description)
        let event = try #require((span["events"] as? [[String: Any]])?.first)
        #expect(event["name"] as? String == "gen_ai.evaluation.result")
        let eventAttributes = try #require(event["attributes"] as? [String: Any])
        #expect(eventAttributes["gen_ai.evaluation.score.value"] as? Double == 1)
        #expect(eventAttributes["gen_ai.evaluation.score.label"] as? String == "pass")
        #expect(eventAttributes["noveum.score.source"] as? String == "human")
    }

    @Test("a late score for a sampled-out trace is counted and dropped; one for an open span goes on it")
    func sampledOutAndOpen() async throws {
        let memory = InMemoryExporter()
        let dropping = try Self.client([memory], samplingRate: 0)
        #expect(!dropping.score(.boolean("ok", true), traceID: TraceID(high: 1, low: 2), spanID: SpanID(rawValue: 3)))
        #expect(dropping.stats.scoresSampledOut == 1)
        await dropping.flush()
        #expect(memory.spans.isEmpty)

        let client = try Self.client([memory])
        let open = client.startSpan(name: "open")
        #expect(client.score(.number("latency_ok", 1), traceID: open.traceID, spanID: open.spanID))
        client.finishSpan(open)
        await client.flush()
        #expect(memory.spans.map(\.name) == ["open"])
        #expect(memory.spans[0].events.first?.attributes["gen_ai.evaluation.name"] == .string("latency_ok"))
    }

    @Test("evaluate: the evaluator's work is a child of the evaluated span, and its score goes on that span")
    func evaluate() async throws {
        let memory = InMemoryExporter()
        let client = try Self.client([memory])
        let answer = client.startSpan(name: "answer", attributes: ["input.value": "2+2?", "output.value": "4"])
        let score = await client.evaluate(answer, name: "correct") { input in
            let judge = client.startSpan(name: "judge call")
            client.finishSpan(judge)
            return .boolean("correct", input.input == "2+2?" && input.output == "4", source: .rule)
        }
        #expect(score.label == "pass")
        client.finishSpan(answer)
        await client.flush()
        let evaluation = try #require(memory.spans(named: "evaluate correct").first)
        let judge = try #require(memory.spans(named: "judge call").first)
        let answered = try #require(memory.spans(named: "answer").first)
        #expect(evaluation.parentSpanID == answered.spanID && evaluation.traceID == answered.traceID)
        #expect(judge.parentSpanID == evaluation.spanID)
        #expect(answered.events.first?.attributes["gen_ai.evaluation.score.label"] == .string("pass"))
    }
}

extension Data {
    /// The bytes a hex string spells.
    init(hex: String) {
        var bytes: [UInt8] = []
        var index = hex.startIndex
        while index < hex.endIndex, let next = hex.index(index, offsetBy: 2, limitedBy: hex.endIndex) {
            bytes.append(UInt8(hex[index..<next], radix: 16) ?? 0)
            index = next
        }
        self.init(bytes)
    }
}
