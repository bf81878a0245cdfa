import Testing
@testable import NoveumTrace
import NoveumTraceTesting

@Suite("Inline closures")
struct ClosureTests {
    @Test("closures return the body's value and nest into one trace")
    func nesting() async throws {
        let (client, exporter) = try makeClient()
        let answer = await client.traceAgent("planner") { _ -> String in
            let enhanced = client.traceLLM(model: "gpt-3.5-turbo", operation: "query_enhancement") { span in
                span.setAttribute("llm.enhanced_query", "better query")
                return "better query"
            }
            let hits = await client.traceRetrieval(index: "docs", query: enhanced, topK: 3) { _ in
                await Task.yield()
                return [0.9, 0.7]
            }
            return await client.traceLLM(model: "gpt-4", provider: "openai", operation: "response_generation") { _ in
                await Task.yield()
                return "answer from \(hits.count) hits"
            }
        }
        #expect(answer == "answer from 2 hits")
        await client.flush()
        let spans = exporter.spans
        #expect(spans.count == 4)
        let root = try #require(spans.named("invoke_agent planner"))
        let enhance = try #require(spans.named("query_enhancement gpt-3.5-turbo"))
        let retrieval = try #require(spans.named("retrieval docs"))
        let generate = try #require(spans.named("response_generation gpt-4"))
        #expect(root.parentSpanID == nil)
        for child in [enhance, retrieval, generate] {
            #expect(child.traceID == root.traceID)
            #expect(child.parentSpanID == root.spanID)
        }
        #expect(Set(spans.map(\.spanID)).count == 4)
        #expect(spans.allSatisfy { $0.status == .ok && $0.endTimeNanos >= $0.startTimeNanos })
        // Children end before their parent, so they are exported first.
        #expect(spans.last?.name == "invoke_agent planner")
    }

    @Test("LLM spans carry the model, provider and operation in all three vocabularies")
    func llmAttributes() async throws {
        let (client, exporter) = try makeClient()
        client.traceLLM(model: "gpt-4", provider: "openai") { span in
            span.setAttributes(["llm.input_tokens": 12, "llm.output_tokens": 34, "llm.response": "hello"])
        }
        await client.flush()
        let span = try #require(exporter.spans.first)
        #expect(span.name == "chat gpt-4")
        #expect(span.kind == .client)
        let expected: AttributeList = [
            "llm.model": "gpt-4", "llm.provider": "openai", "llm.operation": "chat", "gen_ai.operation.name": "chat",
            "gen_ai.request.model": "gpt-4", "gen_ai.provider.name": "openai", "openinference.span.kind": "LLM",
            "llm.model_name": "gpt-4", "llm.input_tokens": 12, "llm.output_tokens": 34, "llm.response": "hello",
        ]
        #expect(span.attributes == expected)
    }

    @Test("tool and agent spans are named by OpenTelemetry's GenAI conventions")
    func toolAndAgent() async throws {
        let (client, exporter) = try makeClient()
        client.traceAgent("researcher", role: "search") { _ in
            client.traceTool("web_search", callID: "call_1") { span in span.setStatus(.ok) }
        }
        await client.flush()
        let tool = try #require(exporter.spans.named("execute_tool web_search"))
        #expect(tool.attributes["gen_ai.tool.name"] == "web_search")
        #expect(tool.attributes["gen_ai.tool.call.id"] == "call_1")
        #expect(tool.attributes["openinference.span.kind"] == "TOOL")
        #expect(tool.status == .ok)
        let agent = try #require(exporter.spans.named("invoke_agent researcher"))
        #expect(agent.attributes["agent.role"] == "search")
        #expect(agent.attributes["gen_ai.operation.name"] == "invoke_agent")
    }

    @Test("a thrown error is recorded on the span and rethrown unchanged")
    func errors() async throws {
        let (client, exporter) = try makeClient()
        await #expect(throws: TestError.self) {
            try await client.traceOperation("failing") { _ in
                try await Task.sleep(for: .milliseconds(1))
                throw TestError(message: "boom")
            }
        }
        await client.flush()
        let span = try #require(exporter.spans.first)
        #expect(span.status == .error)
        #expect(span.statusMessage == "boom")
        #expect(span.attributes["exception.type"] == "NoveumTraceTests.TestError")
        #expect(span.attributes["exception.message"] == "boom")
        #expect(span.exception == NoveumSpan.ExceptionInfo(type: "NoveumTraceTests.TestError", message: "boom"))
        let event = try #require(span.events.first)
        #expect(event.name == "exception")
        #expect(event.attributes == ["exception.type": "NoveumTraceTests.TestError", "exception.message": "boom"])
    }

    @Test("typed throws keep their error type through the closure")
    func typedThrows() async throws {
        let (client, exporter) = try makeClient()
        func call() throws(TypedFailure) -> Int {
            try client.traceLLM(model: "gpt-4") { _ throws(TypedFailure) -> Int in
                throw .rateLimited(retryAfter: 3)
            }
        }
        do {
            _ = try call()
            Issue.record("expected a throw")
        } catch {
            // `error` is statically a TypedFailure here: no cast needed.
            #expect(error == .rateLimited(retryAfter: 3))
        }
        await client.flush()
        #expect(exporter.spans.first?.status == .error)
    }

    @Test("task cancellation is recorded as status cancelled")
    func cancellation() async throws {
        let (client, exporter) = try makeClient()
        let task = Task {
            try await client.traceOperation("cancelled_work") { _ in
                try await Task.sleep(for: .seconds(60))
            }
        }
        task.cancel()
        await #expect(throws: CancellationError.self) { try await task.value }
        await client.flush()
        let span = try #require(exporter.spans.first)
        #expect(span.status == .cancelled)
        #expect(span.exception == nil)
    }

    @Test("a closure with no active trace starts a new one; siblings get separate traces")
    func newTraces() async throws {
        let (client, exporter) = try makeClient()
        client.traceOperation("first") { _ in }
        client.traceOperation("second") { _ in }
        await client.flush()
        let spans = exporter.spans
        #expect(spans.count == 2)
        #expect(spans.allSatisfy { $0.parentSpanID == nil })
        #expect(spans[0].traceID != spans[1].traceID)
    }

    @Test("the active span is visible inside the closure and gone after it")
    func currentSpan() async throws {
        let (client, _) = try makeClient()
        #expect(NoveumTrace.currentSpan == nil)
        await client.traceOperation("outer") { outer in
            #expect(NoveumTrace.currentSpan == outer)
            await client.traceOperation("inner") { inner in
                await Task.yield()
                #expect(NoveumTrace.currentSpan == inner)
            }
            #expect(NoveumTrace.currentSpan == outer)
        }
        #expect(NoveumTrace.currentSpan == nil)
    }

    @Test("the static API follows the active span's client, then the scoped client")
    func staticAPIClientSelection() async throws {
        let (client, exporter) = try makeClient()
        let (other, otherExporter) = try makeClient()
        await NoveumTrace.withClient(client) {
            await NoveumTrace.traceOperation("scoped") { _ in
                await Task.yield()
                NoveumTrace.traceLLM(model: "m") { _ in }
            }
            await other.traceOperation("other-root") { _ in
                await Task.yield()
                // Inside a span of `other`, the static API records into `other`, not the scoped client.
                NoveumTrace.traceTool("nested") { _ in }
            }
        }
        await client.flush()
        await other.flush()
        #expect(exporter.spans.map(\.name).sorted() == ["chat m", "scoped"])
        #expect(otherExporter.spans.map(\.name).sorted() == ["execute_tool nested", "other-root"])
    }

    @Test("a task that outlives its parent's closure starts spans through the scoped client, in the parent's trace")
    func taskOutlivingItsParent() async throws {
        let (client, exporter) = try makeClient()
        let (other, otherExporter) = try makeClient()
        let (parentEnded, signal) = AsyncStream<Void>.makeStream()
        await NoveumTrace.withClient(client) {
            let late = other.traceOperation("parent") { _ in
                Task {
                    for await _ in parentEnded { break }
                    NoveumTrace.traceTool("late") { _ in }
                }
            }
            signal.yield()
            await late.value
        }
        await client.flush()
        await other.flush()
        let parent = try #require(otherExporter.spans.first)
        #expect(otherExporter.spans.map(\.name) == ["parent"])
        // The ended parent's record no longer holds `other`: the static API falls back to the scoped client.
        let child = try #require(exporter.spans.first)
        #expect(exporter.spans.map(\.name) == ["execute_tool late"])
        #expect(child.parentSpanID == parent.spanID)
        #expect(child.traceID == parent.traceID)
    }

    @Test("closures run normally without initialize, recording nothing")
    func withoutInitialize() throws {
        let value = NoveumTrace.client === NoveumClient.disabled
            ? NoveumTrace.traceOperation("not-initialized") { span in span.isRecording ? 0 : 7 } : 7
        #expect(value == 7)
    }
}
