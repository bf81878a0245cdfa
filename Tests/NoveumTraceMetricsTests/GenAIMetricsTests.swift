import CoreMetrics
import MetricsTestKit
@testable import NoveumTrace
import NoveumTraceMetrics
import NoveumTraceTesting
import Prometheus
import Testing

/// A client whose spans go to `metrics` through the GenAI metrics exporter, and to memory.
func makeMetricsClient(_ factory: any MetricsFactory, samplingRate: Double = 1) throws -> NoveumClient {
    let config = Configuration(
        samplingRate: samplingRate, scheduleDelay: .seconds(600),
        exporters: [InMemoryExporter(), GenAIMetricsExporter(factory: factory)])
    return try NoveumClient(
        apiKey: nil, project: "metrics-tests", environment: "test", endpoint: nil, serviceVersion: nil, config: config,
        processEnvironment: [:])
}

@Suite("GenAI metrics through swift-metrics")
struct GenAIMetricsTests {
    static let dimensions = [
        ("gen_ai.operation.name", "chat"), ("gen_ai.provider.name", "openai"), ("gen_ai.request.model", "gpt-5.4-mini"),
    ]

    @Test("an LLM span records its duration and its input and output tokens, with the GenAI dimensions")
    func llmSpan() async throws {
        let metrics = TestMetrics()
        let client = try makeMetricsClient(metrics)
        client.traceLLM(model: "gpt-5.4-mini", provider: "openai") { span in span.setUsage(input: 1_200, output: 340) }
        client.traceOperation("not GenAI") { _ in }
        _ = await client.flush()

        let input = try metrics.expectRecorder("gen_ai.client.token.usage", Self.dimensions + [("gen_ai.token.type", "input")])
        #expect(input.values == [1_200])
        let output = try metrics.expectRecorder("gen_ai.client.token.usage", Self.dimensions + [("gen_ai.token.type", "output")])
        #expect(output.values == [340])
        let duration = try metrics.expectRecorder("gen_ai.client.operation.duration", Self.dimensions)
        #expect(duration.values.count == 1)
        #expect((duration.lastValue ?? -1) >= 0)
        // The span that is not a GenAI operation records nothing.
        #expect(metrics.recorders.count == 3)
    }

    @Test("a failed call's duration carries error.type; a call without counts records no token usage")
    func failedCall() async throws {
        struct RateLimited: Error {}
        let metrics = TestMetrics()
        let client = try makeMetricsClient(metrics)
        _ = try? client.traceLLM(model: "gpt-5.4-mini", provider: "openai") { _ in throw RateLimited() }
        _ = await client.flush()
        let durations = metrics.recorders(label: "gen_ai.client.operation.duration")
        #expect(durations.count == 1)
        let errorType = durations.first?.dimensions.first { $0.0 == "error.type" }?.1
        #expect(errorType?.hasSuffix("RateLimited") == true, "\(String(describing: durations.first?.dimensions))")
        #expect(durations.first?.values.count == 1)
        #expect(metrics.recorders(label: "gen_ai.client.token.usage").isEmpty)
    }

    @Test("a streamed call records its time to first chunk")
    func timeToFirstChunk() async throws {
        let metrics = TestMetrics()
        let client = try makeMetricsClient(metrics)
        client.traceLLM(model: "gpt-5.4-mini", provider: "openai") { span in
            span.setAttribute("gen_ai.response.time_to_first_chunk", 0.25)
        }
        _ = await client.flush()
        #expect(try metrics.expectRecorder("gen_ai.client.operation.time_to_first_chunk", Self.dimensions).values == [0.25])
    }

    @Test("agent runs and tool calls record their own durations, named for them; planning steps record nothing")
    func agentAndToolDurations() async throws {
        let metrics = TestMetrics()
        let client = try makeMetricsClient(metrics)
        client.traceAgent("researcher") { _ in
            client.tracePlan(agent: "researcher") { _ in }
            client.traceTool("web_search") { _ in }
            client.traceMemory(.search, store: "notes") { _ in }
        }
        _ = await client.flush()
        let agent = try metrics.expectRecorder(
            "gen_ai.invoke_agent.duration",
            [("gen_ai.operation.name", "invoke_agent"), ("gen_ai.agent.name", "researcher")])
        #expect(agent.values.count == 1)
        let tool = try metrics.expectRecorder(
            "gen_ai.execute_tool.duration", [("gen_ai.operation.name", "execute_tool"), ("gen_ai.tool.name", "web_search")])
        #expect(tool.values.count == 1)
        let memory = try metrics.expectRecorder("gen_ai.client.operation.duration", [("gen_ai.operation.name", "search_memory")])
        #expect(memory.values.count == 1)
        #expect(metrics.recorders.count == 3)
    }

    @Test("the delivery counters follow the client's statistics, each report adding what changed")
    func deliveryCounters() async throws {
        let metrics = TestMetrics()
        let client = try makeMetricsClient(TestMetrics())
        let delivery = DeliveryMetrics(client: client, factory: metrics)
        for _ in 0..<3 { client.traceOperation("op") { _ in } }
        _ = await client.flush()
        delivery.report()
        #expect(metrics.counterTotal(label: "noveum.trace.spans.started") == 3)
        // Two exporters each exported the three spans.
        #expect(metrics.counterTotal(label: "noveum.trace.spans.exported") == Int64(client.stats.spansExported))
        client.traceOperation("op") { _ in }
        _ = await client.flush()
        delivery.report()
        delivery.report()
        #expect(metrics.counterTotal(label: "noveum.trace.spans.started") == 4)
        #expect(metrics.counterTotal(label: "noveum.trace.spans.exported") == Int64(client.stats.spansExported))

        let sampledOut = try makeMetricsClient(TestMetrics(), samplingRate: 0)
        let dropped = TestMetrics()
        for _ in 0..<5 { sampledOut.traceOperation("op") { _ in } }
        DeliveryMetrics(client: sampledOut, factory: dropped).report()
        #expect(dropped.counterTotal(label: "noveum.trace.spans.dropped", dimensions: [("reason", "sampled_out")])
            == Int64(sampledOut.stats.spansDropped[.sampledOut] ?? 0))
    }

    @Test("a Prometheus backend shows the token usage as a histogram by model and token type")
    func prometheus() async throws {
        let factory = PrometheusMetricsFactory(registry: PrometheusCollectorRegistry())
        let client = try makeMetricsClient(factory)
        client.traceLLM(model: "gpt-5.4-mini", provider: "openai") { span in span.setUsage(input: 1_200, output: 340) }
        _ = await client.flush()
        let text = factory.registry.emitToString()
        #expect(text.contains("# TYPE gen_ai_client_token_usage histogram"))
        let input = text.split(separator: "\n").filter {
            $0.hasPrefix("gen_ai_client_token_usage_sum{") && $0.contains(#"gen_ai_token_type="input""#)
        }
        #expect(input.count == 1)
        #expect(input.first.map { $0.hasSuffix(" 1200.0") || $0.hasSuffix(" 1200") } == true)
        #expect(text.contains(#"gen_ai_request_model="gpt-5.4-mini""#))
        #expect(text.contains("# TYPE gen_ai_client_operation_duration histogram"))
    }
}
