import Foundation
import NoveumTrace
import NoveumTraceOTLP
import NoveumTraceTestSupport
import Testing

/// End to end against a real Arize Phoenix server: set `NOVEUM_PHOENIX_URL` (for example
/// `http://127.0.0.1:6006`, as `Scripts/phoenix.sh` prints) to run it.
@Suite(
    "Arize Phoenix (OTLP/HTTP protobuf)",
    .enabled(if: ExternalServer.phoenix != nil, "set NOVEUM_PHOENIX_URL (e.g. http://127.0.0.1:6006; Scripts/phoenix.sh starts one)"))
struct PhoenixTests {
    @Test(
        "an LLM span and its parent appear in Phoenix with model, parent and token counts, the body plain or gzip",
        arguments: [OTLPCompression.none, .gzip])
    func llmSpan(compression: OTLPCompression) async throws {
        let base = try #require(ExternalServer.phoenix)
        // gzip: the SDK's own deflate writer, read by Phoenix's Python server.
        let exporter = try OTLPExporter(
            .init(endpoint: base + "/v1/traces", protocol: .httpProtobuf, compression: compression), environment: [:])
        let client = try NoveumClient(
            project: "phoenix-e2e", environment: "test", serviceVersion: "1.0.0", config: .init(exporters: [exporter]))

        var traceID: TraceID?
        var rootID: SpanID?
        var llmID: SpanID?
        let answer = await client.traceAgent("support-bot") { agent async in
            traceID = agent.traceID
            rootID = agent.spanID
            return await client.traceLLM(model: "gpt-4o-mini", provider: "openai") { span async in
                llmID = span.spanID
                span.setAttributes([
                    "input.value": "What is OTLP?",
                    "output.value": "The OpenTelemetry protocol.",
                    "llm.input_tokens": 11, "llm.output_tokens": 6, "llm.total_tokens": 17,
                    "gen_ai.usage.input_tokens": 11, "gen_ai.usage.output_tokens": 6,
                    "llm.token_count.prompt": 11, "llm.token_count.completion": 6, "llm.token_count.total": 17,
                    "gen_ai.request.temperature": 0.0,
                ])
                span.setStatus(.ok)
                return "The OpenTelemetry protocol."
            }
        }
        #expect(answer == "The OpenTelemetry protocol.")
        #expect(await client.flush() == 0)
        await client.shutdown()

        let trace = try #require(traceID)
        let root = try #require(rootID)
        let llm = try #require(llmID)
        // Phoenix stores spans shortly after answering 200: poll, bounded.
        let spans = await ExternalServer.phoenixSpans(
            at: base, traceID: trace, atLeast: 2, timeout: .seconds(20), every: .milliseconds(200))
        let stored = try #require(spans, "the spans of trace \(trace) did not appear in Phoenix within 20 s")
        #expect(stored.count == 2)

        func span(_ id: SpanID) -> [String: Any]? {
            stored.first { ($0["context"] as? [String: Any])?["span_id"] as? String == id.description }
        }
        let storedRoot = try #require(span(root))
        #expect(storedRoot["name"] as? String == "invoke_agent support-bot")
        #expect(storedRoot["parent_id"] is NSNull)
        #expect(storedRoot["span_kind"] as? String == "AGENT")
        #expect((storedRoot["context"] as? [String: Any])?["trace_id"] as? String == trace.description)

        let storedLLM = try #require(span(llm))
        #expect(storedLLM["name"] as? String == "chat gpt-4o-mini")
        #expect(storedLLM["parent_id"] as? String == root.description)
        #expect(storedLLM["span_kind"] as? String == "LLM")
        #expect(storedLLM["status_code"] as? String == "OK")
        let attributes = try #require(storedLLM["attributes"] as? [String: Any])
        #expect(attributes["llm.model_name"] as? String == "gpt-4o-mini")
        #expect(attributes["llm.model"] as? String == "gpt-4o-mini")
        #expect(attributes["gen_ai.request.model"] as? String == "gpt-4o-mini")
        #expect(attributes["llm.provider"] as? String == "openai")
        #expect((attributes["llm.token_count.prompt"] as? NSNumber)?.int64Value == 11)
        #expect((attributes["llm.token_count.completion"] as? NSNumber)?.int64Value == 6)
        #expect((attributes["llm.token_count.total"] as? NSNumber)?.int64Value == 17)
        #expect((attributes["gen_ai.usage.input_tokens"] as? NSNumber)?.int64Value == 11)
        #expect((attributes["llm.input_tokens"] as? NSNumber)?.int64Value == 11)
        #expect(attributes["input.value"] as? String == "What is OTLP?")
        #expect(attributes["output.value"] as? String == "The OpenTelemetry protocol.")
        #expect(attributes["noveum.status"] as? String == "ok")
    }

    @Test("a scored span: Phoenix holds the evaluation event on it, and a late score's evaluation span under it")
    func scoredSpan() async throws {
        let base = try #require(ExternalServer.phoenix)
        // Phoenix serves no OTLP logs (it answers 405 on /v1/logs): the late score comes as an evaluation span.
        let exporter = try OTLPExporter(.init(endpoint: base + "/v1/traces", protocol: .httpProtobuf), environment: [:])
        let client = try NoveumClient(project: "phoenix-scores", environment: "test", config: .init(exporters: [exporter]))
        let span = await recordScoredSpan(on: client)
        #expect(span.undelivered == [0, 0])

        let stored = try #require(
            await ExternalServer.phoenixSpans(
                at: base, traceID: span.traceID, atLeast: 2, timeout: .seconds(20), every: .milliseconds(200)),
            "the spans of trace \(span.traceID) did not appear in Phoenix within 20 s")
        func named(_ name: String) -> [String: Any]? { stored.first { $0["name"] as? String == name } }
        func evaluation(_ span: [String: Any]?) -> [String: Any]? {
            let events = span?["events"] as? [[String: Any]] ?? []
            #expect(events.map { $0["name"] as? String } == ["gen_ai.evaluation.result"])
            return events.first?["attributes"] as? [String: Any]
        }
        let scored = try #require(evaluation(named("chat gpt-4o-mini")))
        #expect(scored["gen_ai.evaluation.name"] as? String == "relevance")
        #expect((scored["gen_ai.evaluation.score.value"] as? NSNumber)?.doubleValue == 0.82)
        #expect(scored["gen_ai.evaluation.score.label"] as? String == "relevant")
        #expect(scored["gen_ai.evaluation.explanation"] as? String == "Answers the question.")
        #expect(scored["noveum.score.source"] as? String == "llm_judge")
        let late = try #require(named("evaluation thumbs_up"))
        #expect(late["parent_id"] as? String == span.spanID.description)
        let lateScore = try #require(evaluation(late))
        #expect(lateScore["gen_ai.evaluation.score.label"] as? String == "fail")
        #expect(lateScore["noveum.score.source"] as? String == "human")
    }
}
