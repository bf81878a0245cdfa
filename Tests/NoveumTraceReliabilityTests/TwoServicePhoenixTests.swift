import AsyncHTTPClient
import Foundation
import Hummingbird
import NoveumTrace
import NoveumTraceOTLP
import NoveumTraceTestSupport
import Testing
import Tracing

/// Server-side tracing for one service with its own client: reads `traceparent` and wraps each request in a
/// server span of that client. (Hummingbird's own `TracingMiddleware` uses the process-wide tracer, and a test
/// process holds two services here, each exporting as itself.)
struct ServiceTracingMiddleware<Context: RequestContext>: RouterMiddleware {
    let client: NoveumClient

    struct FieldsExtractor: Extractor {
        func extract(key: String, from carrier: HTTPFields) -> String? {
            HTTPFields.Element.Name(key).flatMap { carrier[$0] }
        }
    }

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        var parent = ServiceContext.topLevel
        client.extract(request.headers, into: &parent, using: FieldsExtractor())
        return try await client.withSpan("\(request.method.rawValue) \(request.uri.path)", context: parent, ofKind: .server) { span in
            span.attributes["http.request.method"] = request.method.rawValue
            span.attributes["url.path"] = request.uri.path
            let response = try await next(request, context)
            span.attributes["http.response.status_code"] = response.status.code
            return response
        }
    }
}

/// Reads the joined trace back from the Phoenix server named by `NOVEUM_PHOENIX_URL`.
@Suite(
    "Two services, one trace, read back from Arize Phoenix",
    .enabled(if: ExternalServer.phoenix != nil, "set NOVEUM_PHOENIX_URL (Scripts/phoenix.sh starts Phoenix; .ci/run does)"))
struct TwoServicePhoenixTests {
    @Test("gateway → HTTP (traceparent) → llm-service: one trace id, correct parents, token counts in Phoenix")
    func joinedTrace() async throws {
        let base = try #require(ExternalServer.phoenix)
        func makeClient(_ service: String) throws -> NoveumClient {
            let exporter = try OTLPExporter(.init(endpoint: base + "/v1/traces", protocol: .httpProtobuf), environment: [:])
            return try NoveumClient(
                project: service, environment: "ci", serviceVersion: "1.0.0",
                config: .init(exporters: [exporter]))
        }
        let gatewayClient = try makeClient("gateway")
        let llmClient = try makeClient("llm-service")

        // llm-service: one LLM call per request, with token counts.
        let llmRouter = Router()
        llmRouter.middlewares.add(ServiceTracingMiddleware(client: llmClient))
        llmRouter.post("/complete") { _, _ -> String in
            llmClient.traceLLM(model: "gpt-4o-mini", provider: "openai") { span in
                span.setUsage(input: 21, output: 8)
                span.setAttributes(["input.value": "hello?", "output.value": "hi!"])
                return "hi!"
            }
        }
        let llm = try await LoopbackApplication.start(router: llmRouter, label: "llm-service")
        defer { llm.task.cancel() }

        // gateway: calls llm-service over HTTP with AsyncHTTPClient traced by the gateway's client.
        var httpConfiguration = HTTPClient.Configuration()
        httpConfiguration.tracing.tracer = gatewayClient
        let http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: httpConfiguration)
        let gatewayRouter = Router()
        gatewayRouter.middlewares.add(ServiceTracingMiddleware(client: gatewayClient))
        gatewayRouter.get("/ask") { _, _ -> String in
            var request = HTTPClientRequest(url: "http://127.0.0.1:\(llm.port)/complete")
            request.method = .POST
            let response = try await http.execute(request, timeout: .seconds(10))
            return String(buffer: try await response.body.collect(upTo: 1 << 16))
        }
        let gateway = try await LoopbackApplication.start(router: gatewayRouter, label: "gateway")
        defer { gateway.task.cancel() }

        // A user request, traced at the edge by the gateway's client.
        var plainConfiguration = HTTPClient.Configuration()
        plainConfiguration.tracing.tracer = nil  // not the process-wide tracer another suite may have bootstrapped
        let plain = HTTPClient(eventLoopGroupProvider: .singleton, configuration: plainConfiguration)
        let (answer, traceID, rootID) = try await gatewayClient.traceOperation("user-session") { root in
            var request = HTTPClientRequest(url: "http://127.0.0.1:\(gateway.port)/ask")
            request.headers.add(name: "traceparent", value: root.traceparent)
            let response = try await plain.execute(request, timeout: .seconds(10))
            return (String(buffer: try await response.body.collect(upTo: 1 << 16)), root.traceID, root.spanID)
        }
        try await plain.shutdown()
        try await http.shutdown()
        #expect(answer == "hi!")
        #expect(await llmClient.flush() == 0)
        #expect(await gatewayClient.flush() == 0)
        await llmClient.shutdown()
        await gatewayClient.shutdown()

        // user-session → GET /ask (gateway server) → POST (AHC client) → POST /complete (llm server) → chat gpt-4o-mini
        let spans = await ExternalServer.phoenixSpans(
            at: base, traceID: traceID, parameters: "&limit=100", atLeast: 5, timeout: .seconds(30),
            every: .milliseconds(300))
        let stored = try #require(spans, "the joined trace \(traceID) did not appear in Phoenix within 30 s")
        func spanID(_ span: [String: Any]) -> String? { (span["context"] as? [String: Any])?["span_id"] as? String }
        func named(_ name: String) -> [String: Any]? { stored.first { $0["name"] as? String == name } }
        #expect(stored.count == 5, "\(stored.map { $0["name"] ?? "?" })")
        #expect(Set(stored.compactMap { ($0["context"] as? [String: Any])?["trace_id"] as? String }) == [traceID.description])

        let root = try #require(named("user-session"))
        let gatewayServer = try #require(named("GET /ask"))
        let llmServer = try #require(named("POST /complete"))
        let llmCall = try #require(named("chat gpt-4o-mini"))
        let ahc = try #require(stored.first { $0["name"] as? String == "POST" })
        #expect(spanID(root) == rootID.description)
        #expect(root["parent_id"] is NSNull)
        #expect(gatewayServer["parent_id"] as? String == rootID.description)
        #expect(ahc["parent_id"] as? String == spanID(gatewayServer))
        #expect(llmServer["parent_id"] as? String == spanID(ahc))
        #expect(llmCall["parent_id"] as? String == spanID(llmServer))
        let attributes = try #require(llmCall["attributes"] as? [String: Any])
        #expect((attributes["llm.token_count.prompt"] as? NSNumber)?.int64Value == 21)
        #expect((attributes["llm.token_count.completion"] as? NSNumber)?.int64Value == 8)
        #expect((attributes["llm.token_count.total"] as? NSNumber)?.int64Value == 29)
        #expect(llmCall["span_kind"] as? String == "LLM")
        ReliabilitySummary.record("interop", "two services through Phoenix", tried: 5, lost: 5 - stored.count)
    }
}
