import Testing
@testable import NoveumTrace
import NoveumTraceTesting

@Suite("Head sampling")
struct SamplingTests {
    @Test("a sampled-out trace runs closures and manual calls normally and exports nothing")
    func sampledOut() async throws {
        let (client, exporter) = try makeClient(samplingRate: 0)
        let result = try await client.traceOperation("root") { root in
            #expect(!root.isRecording)
            await Task.yield()
            let inner = try client.traceLLM(model: "gpt-4") { span throws(TestError) in
                span.setAttributes(["llm.input_tokens": 10])
                span.setStatus(.ok)
                return 5
            }
            let manual = client.startSpan(name: "manual", parentSpanID: root.spanID)
            #expect(!manual.isRecording)
            #expect(manual.traceID == root.traceID)
            manual.recordException(TestError(message: "ignored"))
            client.finishSpan(manual)
            return inner * 2
        }
        #expect(result == 10)
        await client.flush()
        #expect(exporter.spans.isEmpty)
        let stats = client.stats
        #expect(stats.spansStarted == 3)
        #expect(stats.spansSampledOut == 3)
        #expect(stats.spansDropped[.sampledOut] == 3)
        #expect(stats.ignoredCallsOnEndedSpans == 0)
    }

    @Test("children inherit the root's decision, so traces are whole or absent")
    func wholeTraces() async throws {
        let (client, exporter) = try makeClient(samplingRate: 0.5)
        for _ in 0..<400 {
            client.traceOperation("root") { _ in
                client.traceOperation("child") { _ in
                    client.traceOperation("grandchild") { _ in }
                }
            }
        }
        await client.flush()
        let byTrace = Dictionary(grouping: exporter.spans, by: \.traceID)
        #expect(byTrace.values.allSatisfy { $0.count == 3 })
        #expect((120...280).contains(byTrace.count))
        #expect(exporter.spans.filter { $0.name == "root" }.allSatisfy { $0.attributes["noveum.sampling.rate"] == .double(0.5) })
    }

    @Test("the decision is a function of the trace id, so every service agrees")
    func deterministic() {
        let sampler = Sampler(policy: SamplingPolicy(rate: 0.3))
        let other = Sampler(policy: SamplingPolicy(rate: 0.3))
        for _ in 0..<1000 {
            let id = IDGenerator.traceID()
            #expect(sampler.shouldSample(id) == other.shouldSample(id))
        }
        #expect(Sampler(policy: SamplingPolicy(rate: 1)).shouldSample(TraceID(high: 1, low: .max)))
        #expect(!Sampler(policy: SamplingPolicy(rate: 0)).shouldSample(TraceID(high: 1, low: 0)))
    }

    @Test("an incoming traceparent's sampled flag decides")
    func parentBased() async throws {
        let (client, exporter) = try makeClient(samplingRate: 0)
        let sampled = InstrumentationContextFixture.extract(
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", client: client)
        await InstrumentationContextFixture.run(in: sampled) {
            client.traceOperation("server") { span in #expect(span.isRecording) }
        }
        let unsampled = InstrumentationContextFixture.extract(
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00", client: client)
        let (recording, _) = try makeClient(samplingRate: 1)
        await InstrumentationContextFixture.run(in: unsampled) {
            recording.traceOperation("unsampled-upstream") { span in #expect(!span.isRecording) }
        }
        await client.flush()
        let server = try #require(exporter.spans.first)
        #expect(server.traceID.description == "4bf92f3577b34da6a3ce929d0e0e4736")
        #expect(server.parentSpanID?.description == "00f067aa0ba902b7")
        #expect(server.parentIsRemote)
        #expect(server.isLocalRoot)
    }
}

func makeClient(policy configure: (inout Configuration) -> Void) throws -> (NoveumClient, InMemoryExporter) {
    let exporter = InMemoryExporter()
    var config = Configuration(exporters: [exporter])
    configure(&config)
    let client = try NoveumClient(
        apiKey: nil, project: "p", environment: nil, endpoint: nil, serviceVersion: nil, config: config,
        processEnvironment: [:])
    return (client, exporter)
}

@Suite("Sampling rules, rate limits and the tail rule")
struct SamplingPolicyTests {
    @Test("the first matching rule gives the rate, by name pattern or attribute")
    func rules() async throws {
        let (client, exporter) = try makeClient { config in
            config.samplingRate = 0
            config.samplingRules = [
                SamplingRule(name: "health*", rate: 0),
                SamplingRule(attribute: "llm.model", equals: "gpt-4", rate: 1),
                SamplingRule(name: "*checkout*", rate: 1),
            ]
        }
        for _ in 0..<20 {
            client.traceOperation("healthcheck") { _ in }
            client.traceLLM(model: "gpt-4") { _ in }
            client.traceLLM(model: "gpt-3.5-turbo") { _ in }
            client.traceOperation("POST /api/checkout/confirm") { _ in }
        }
        await client.flush()
        let names = Dictionary(grouping: exporter.spans, by: \.name).mapValues(\.count)
        #expect(names == ["chat gpt-4": 20, "POST /api/checkout/confirm": 20])
        #expect(client.stats.spansSampledOut == 40)
    }

    @Test("glob patterns")
    func glob() {
        #expect(Glob.matches("health*", "healthcheck"))
        #expect(Glob.matches("*", ""))
        #expect(Glob.matches("a*b*c", "a-x-b-y-c"))
        #expect(!Glob.matches("a*b*c", "a-x-c-y-b"))
        #expect(Glob.matches("exact", "exact"))
        #expect(!Glob.matches("exact", "exactly"))
        #expect(!Glob.matches("ab*ba", "aba"))
    }

    @Test("at most N traces per second are kept")
    func rateLimit() async throws {
        let (client, exporter) = try makeClient { config in config.maxTracesPerSecond = 10 }
        for _ in 0..<200 {
            client.traceOperation("root") { _ in client.traceOperation("child") { _ in } }
        }
        await client.flush()
        let roots = exporter.spans.filter { $0.name == "root" }.count
        #expect((10...12).contains(roots))
        #expect(exporter.spans.count == roots * 2)
    }

    @Test("the tail rule keeps failed and slow traces that head sampling dropped, and only those")
    func tail() async throws {
        let (client, exporter) = try makeClient { config in
            config.samplingRate = 0
            config.tailSampling = TailSampling(keepErrors: true, minDuration: .milliseconds(100))
        }
        // Fast and fine: discarded.
        client.traceOperation("fine") { _ in client.traceOperation("fine.child") { _ in } }
        // A failing child: kept, whole.
        _ = try? client.traceOperation("failed") { _ in
            try client.traceTool("broken") { _ in throw TestError(message: "tool failed") }
        }
        // Slow: kept (the end time is set explicitly instead of sleeping).
        let slow = client.startSpan(name: "slow")
        slow.end(atNanos: slow.startTimeNanos + 150_000_000)
        await client.flush()
        let names = Set(exporter.spans.map(\.name))
        #expect(names == ["failed", "execute_tool broken", "slow"])
        #expect(exporter.spans.named("failed")?.attributes["noveum.sampling.tail_kept"] == "error")
        #expect(exporter.spans.named("slow")?.attributes["noveum.sampling.tail_kept"] == "slow")
        #expect(client.stats.spansSampledOut == 2)
    }

    @Test("the tail buffer is bounded: the oldest pending trace is discarded and counted")
    func tailBound() async throws {
        let (client, exporter) = try makeClient { config in
            config.samplingRate = 0
            config.tailSampling = TailSampling(maxBufferedSpans: 10)
        }
        let roots = (0..<15).map { _ in client.startSpan(name: "pending-root") }
        for root in roots {
            let child = client.startSpan(name: "child", parentSpanID: root.spanID)
            child.setStatus(.error)
            child.end()
        }
        #expect(client.tailSampler?.bufferedCount == 10)
        #expect(client.stats.spansSampledOut == 5)
        for root in roots { root.end() }
        await client.flush()
        // The ten traces still pending had a failed child and are kept with their roots; the five evicted children
        // are gone, so their roots arrive alone, pass no rule, and are discarded.
        #expect(exporter.spans.filter { $0.name == "child" }.count == 10)
        #expect(exporter.spans.filter { $0.name == "pending-root" }.count == 10)
        #expect(client.stats.spansSampledOut == 10)
    }
}
