import Foundation
import NoveumTrace
import NoveumTraceOTLP
import Testing

/// The MLflow tracking server to export to: `NOVEUM_MLFLOW_URL` (`Scripts/mlflow.sh` starts one; not in CI).
enum MLflowServer {
    static let url: String? = {
        guard let raw = ProcessInfo.processInfo.environment["NOVEUM_MLFLOW_URL"], !raw.isEmpty else { return nil }
        var url = raw
        while url.hasSuffix("/") { url.removeLast() }
        return url
    }()
}

@Suite(
    "MLflow OTLP endpoint (protobuf and JSON)",
    .enabled(if: MLflowServer.url != nil, "set NOVEUM_MLFLOW_URL (Scripts/mlflow.sh starts MLflow 3)"))
struct MLflowTests {
    @Test("an agent trace with an LLM call is accepted and stored by MLflow", arguments: [OTLPProtocol.httpProtobuf, .httpJSON])
    func trace(protocol otlpProtocol: OTLPProtocol) async throws {
        let base = try #require(MLflowServer.url)
        let service = "mlflow-\(otlpProtocol == .httpJSON ? "json" : "protobuf")"
        let exporter = try OTLPExporter(
            .init(endpoint: base + "/v1/traces", protocol: otlpProtocol, headers: ["x-mlflow-experiment-id": "0"]),
            environment: [:])
        let client = try NoveumClient(project: service, environment: "ci", config: .init(exporters: [exporter]))
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
        ReliabilitySummary.record("interop", "MLflow \(otlpProtocol)", tried: 2, lost: 0)
    }
}
