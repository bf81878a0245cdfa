import Foundation
import NoveumTrace
import NoveumTraceOTLP
import NoveumTraceTestSupport
import NoveumTraceTesting
import Testing

/// Exports to the MLflow tracking server named by `NOVEUM_MLFLOW_URL` (`Scripts/mlflow.sh` starts one; so does
/// `.ci/run`).
@Suite(
    "MLflow OTLP endpoint (protobuf and JSON)",
    .enabled(if: ExternalServer.mlflow != nil, "set NOVEUM_MLFLOW_URL (Scripts/mlflow.sh starts MLflow 3)"))
struct MLflowTests {
    @Test(
        "an agent trace with an LLM call is stored by MLflow: both spans, the parent, every attribute and value",
        arguments: [OTLPProtocol.httpProtobuf, .httpJSON])
    func trace(protocol otlpProtocol: OTLPProtocol) async throws {
        let base = try #require(ExternalServer.mlflow)
        let service = "mlflow-\(otlpProtocol == .httpJSON ? "json" : "protobuf")"
        let exporter = try OTLPExporter(
            .init(endpoint: base + "/v1/traces", protocol: otlpProtocol, headers: ["x-mlflow-experiment-id": "0"]),
            environment: [:])
        let sent = InMemoryExporter()
        let client = try NoveumClient(project: service, environment: "ci", config: .init(exporters: [exporter, sent]))
        let traceID = client.traceAgent("planner") { agent in
            client.traceLLM(model: "gpt-4o-mini", provider: "openai") { span in
                span.setUsage(input: 12, output: 3)
            }
            return agent.traceID
        }
        #expect(await client.flush() == 0)  // MLflow answered 200 for every span
        await client.shutdown()

        let info = await Loopback.poll(timeout: .seconds(20), every: .milliseconds(250)) { () async -> [String: Any]? in
            guard let response = await Loopback.get("\(base)/api/3.0/mlflow/traces/tr-\(traceID)"), response.status == 200,
                let object = try? JSONSerialization.jsonObject(with: response.body) as? [String: Any],
                let trace = object["trace"] as? [String: Any], let info = trace["trace_info"] as? [String: Any]
            else { return nil }
            return info
        }
        let stored = try #require(info, "trace \(traceID) did not appear in MLflow")
        #expect(stored["trace_id"] as? String == "tr-\(traceID)")
        #expect(stored["state"] as? String == "OK")
        #expect((stored["tags"] as? [String: Any])?["service.name"] as? String == service)

        // The spans as MLflow stored them (its batchGet API answers in OTLP JSON with base64 ids).
        let response = try #require(await Loopback.get("\(base)/api/3.0/mlflow/traces/batchGet?trace_ids=tr-\(traceID)"))
        let object = try #require(try JSONSerialization.jsonObject(with: response.body) as? [String: Any])
        let storedSpans = try #require((object["traces"] as? [[String: Any]])?.first?["spans"] as? [[String: Any]])
        #expect(storedSpans.count == sent.spans.count)
        #expect(sent.spans.count == 2)
        func base64(_ id: SpanID) -> String {
            withUnsafeBytes(of: id.rawValue.bigEndian) { Data($0).base64EncodedString() }
        }
        var compared = 0
        for span in sent.spans {
            let stored = try #require(storedSpans.first { $0["name"] as? String == span.name }, "MLflow lost span \(span.name)")
            #expect(stored["span_id"] as? String == base64(span.spanID))
            #expect(stored["parent_span_id"] as? String == span.parentSpanID.map(base64))
            var values: [String: String] = [:]
            for attribute in (stored["attributes"] as? [[String: Any]]) ?? [] {
                guard let key = attribute["key"] as? String, let value = attribute["value"] as? [String: Any] else { continue }
                if let flag = value["bool_value"] as? Bool {
                    values[key] = "\(flag)"
                } else if let scalar = value["string_value"] ?? value["int_value"] ?? value["double_value"] {
                    values[key] = "\(scalar)"
                }
            }
            for element in span.attributes {
                let expected: String
                switch element.value {
                case .string(let text): expected = text
                case .int(let number): expected = "\(number)"
                case .double(let number): expected = "\(number)"
                case .bool(let flag): expected = "\(flag)"
                default: continue
                }
                #expect(values[element.key] == expected, "\(span.name): \(element.key) sent \(expected), MLflow has \(values[element.key] ?? "nothing")")
                compared += 1
            }
        }
        ReliabilitySummary.record("interop", "MLflow \(otlpProtocol)", tried: compared, lost: 0)
    }

    @Test("a scored span: MLflow holds the evaluation event on it, and a late score's evaluation span under it")
    func scoredSpan() async throws {
        let base = try #require(ExternalServer.mlflow)
        // MLflow serves no OTLP logs (404 on /v1/logs): the late score comes as an evaluation span.
        let exporter = try OTLPExporter(
            .init(endpoint: base + "/v1/traces", protocol: .httpProtobuf, headers: ["x-mlflow-experiment-id": "0"]),
            environment: [:])
        let client = try NoveumClient(project: "mlflow-scores", environment: "ci", config: .init(exporters: [exporter]))
        let span = await recordScoredSpan(on: client)
        #expect(span.undelivered == [0, 0])

        let spans = await Loopback.poll(timeout: .seconds(20), every: .milliseconds(250)) { () async -> [[String: Any]]? in
            guard let response = await Loopback.get("\(base)/api/3.0/mlflow/traces/batchGet?trace_ids=tr-\(span.traceID)"),
                response.status == 200,
                let object = try? JSONSerialization.jsonObject(with: response.body) as? [String: Any],
                let spans = (object["traces"] as? [[String: Any]])?.first?["spans"] as? [[String: Any]], spans.count >= 2
            else { return nil }
            return spans
        }
        let stored = try #require(spans, "the spans of trace \(span.traceID) did not appear in MLflow")
        func evaluation(_ name: String) -> [String: Any] {
            guard let span = stored.first(where: { $0["name"] as? String == name }) else {
                Issue.record("MLflow lost span \(name)")
                return [:]
            }
            let events = span["events"] as? [[String: Any]] ?? []
            #expect(events.map { $0["name"] as? String } == ["gen_ai.evaluation.result"], "\(span)")
            var values: [String: Any] = [:]
            for attribute in (events.first?["attributes"] as? [[String: Any]]) ?? [] {
                guard let key = attribute["key"] as? String, let value = attribute["value"] as? [String: Any] else { continue }
                values[key] = value["string_value"] ?? value["double_value"] ?? value["bool_value"] ?? value["int_value"]
            }
            return values
        }
        let scored = evaluation("chat gpt-4o-mini")
        #expect(scored["gen_ai.evaluation.name"] as? String == "relevance")
        #expect((scored["gen_ai.evaluation.score.value"] as? NSNumber)?.doubleValue == 0.82)
        #expect(scored["gen_ai.evaluation.score.label"] as? String == "relevant")
        #expect(scored["gen_ai.evaluation.explanation"] as? String == "Answers the question.")
        let late = evaluation("evaluation thumbs_up")
        #expect(late["gen_ai.evaluation.score.label"] as? String == "fail")
        #expect(late["noveum.score.source"] as? String == "human")
        let lateSpan = try #require(stored.first { $0["name"] as? String == "evaluation thumbs_up" })
        #expect(lateSpan["parent_span_id"] as? String
            == withUnsafeBytes(of: span.spanID.rawValue.bigEndian) { Data($0).base64EncodedString() })
    }
}
