import AsyncHTTPClient
import Hummingbird
import Logging
import NoveumTrace
import NoveumTraceTestSupport
import NoveumTraceTesting
import Testing
import Tracing

/// The process-wide tracer for this test binary: `InstrumentationSystem.bootstrap` may run once per process.
enum SharedTracer {
    static let exporter = InMemoryExporter()
    static let client: NoveumClient = {
        let client = try! NoveumClient(
            project: "interop", environment: "test", config: Configuration(batchSize: 64, exporters: [exporter]))
        InstrumentationSystem.bootstrap(client)
        return client
    }()
}

@Suite("Interop with Hummingbird and AsyncHTTPClient")
struct DistributedTracingInteropTests {
    @Test("client span, server span and an inner traceLLM span form one trace across a real HTTP hop")
    func oneTraceAcrossHTTP() async throws {
        let client = SharedTracer.client
        let exporter = SharedTracer.exporter

        let router = Router()
        router.middlewares.add(TracingMiddleware())
        router.get("/chat") { _, _ -> String in
            try await NoveumTrace.traceLLM(model: "gpt-4", provider: "openai") { span in
                try await Task.sleep(for: .milliseconds(1))
                span.setAttributes(["llm.input_tokens": 5, "llm.output_tokens": 7])
                return "hello"
            }
        }
        let server = try await LoopbackApplication.start(router: router, label: "interop-test-server")
        defer { server.task.cancel() }
        let serverPort = server.port

        let httpClient = HTTPClient(eventLoopGroupProvider: .singleton, configuration: HTTPClient.Configuration())
        // Other suites in this process share the bootstrapped tracer and make HTTP calls of their own: every span
        // checked below is selected by this test's trace id.
        let (body, traceID) = try await client.traceOperation("workflow") { span in
            let request = HTTPClientRequest(url: "http://127.0.0.1:\(serverPort)/chat")
            let response = try await httpClient.execute(request, timeout: .seconds(10))
            return (String(buffer: try await response.body.collect(upTo: 1 << 16)), span.traceID)
        }
        try await httpClient.shutdown()
        #expect(body == "hello")

        // Hummingbird ends its server span after the response body is written: flush until it arrives.
        var spans: [SpanData] = []
        for _ in 0..<200 {
            await client.flush()
            spans = exporter.spans.filter { $0.traceID == traceID }
            if spans.count >= 4 { break }
            await Task.yield()
        }
        let workflow = try #require(spans.first { $0.name == "workflow" })
        let clientSpan = try #require(spans.first { $0.name == "GET" && $0.kind == .client })
        let serverSpan = try #require(spans.first { $0.name == "/chat" && $0.kind == .server })
        let llm = try #require(spans.first { $0.name == "chat gpt-4" })

        #expect(spans.count == 4)
        #expect(workflow.parentSpanID == nil)
        #expect(clientSpan.parentSpanID == workflow.spanID)
        #expect(serverSpan.parentSpanID == clientSpan.spanID)
        #expect(serverSpan.parentIsRemote)
        #expect(llm.parentSpanID == serverSpan.spanID)
        #expect(!llm.parentIsRemote)
        #expect(llm.kind == .client)
        #expect(llm.attributes["llm.output_tokens"] == .int(7))
        #expect(serverSpan.attributes["http.request.method"] == .string("GET"))
        #expect(serverSpan.attributes["http.response.status_code"] == .int(200))
    }
}
