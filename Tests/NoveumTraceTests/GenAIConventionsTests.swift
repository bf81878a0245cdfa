import Testing
@testable import NoveumTrace
import NoveumTraceTesting

/// The spans follow OpenTelemetry's GenAI conventions (open-telemetry/semantic-conventions-genai): names, kinds,
/// operations and the attributes each operation carries.
@Suite("GenAI conventions")
struct GenAIConventionsTests {
    @Test("a planning step is an internal span named plan {agent}, with the agent's name")
    func plan() async throws {
        let (client, exporter) = try makeClient()
        client.tracePlan(agent: "researcher") { _ in }
        client.tracePlan { _ in }
        await client.flush()
        let named = try #require(exporter.spans.named("plan researcher"))
        #expect(named.kind == .internal)
        #expect(named.attributes == [
            "agent.name": "researcher", "gen_ai.operation.name": "plan", "gen_ai.agent.name": "researcher",
            "openinference.span.kind": "CHAIN",
        ])
        let anonymous = try #require(exporter.spans.named("plan"))
        #expect(anonymous.attributes == ["gen_ai.operation.name": "plan", "openinference.span.kind": "CHAIN"])
    }

    @Test("a memory operation is a client span named after the operation, with its store, record and count")
    func memory() async throws {
        let (client, exporter) = try makeClient()
        let found = await client.traceMemory(.search, store: "prefs", query: "diet") { span -> Int in
            await Task.yield()
            span.setMemoryRecordCount(2)
            return 2
        }
        #expect(found == 2)
        client.traceMemory(.delete, store: "prefs", recordID: "mem_1", recordCount: 1) { _ in }
        await client.flush()
        let search = try #require(exporter.spans.named("search_memory"))
        #expect(search.kind == .client)
        #expect(search.attributes == [
            "gen_ai.operation.name": "search_memory", "gen_ai.memory.store.id": "prefs",
            "gen_ai.memory.query.text": "diet", "input.value": "diet", "openinference.span.kind": "RETRIEVER",
            "gen_ai.memory.record.count": 2,
        ])
        let delete = try #require(exporter.spans.named("delete_memory"))
        #expect(delete.attributes == [
            "gen_ai.operation.name": "delete_memory", "gen_ai.memory.store.id": "prefs",
            "gen_ai.memory.record.id": "mem_1", "gen_ai.memory.record.count": 1, "openinference.span.kind": "CHAIN",
        ])
        #expect(MemoryOperation.allCases.map(\.rawValue) == [
            "search_memory", "create_memory", "update_memory", "upsert_memory", "delete_memory",
            "create_memory_store", "delete_memory_store",
        ])
    }

    @Test("a retrieval carries the query text and top_k under the GenAI names, top_k as a double")
    func retrieval() async throws {
        let (client, exporter) = try makeClient()
        client.traceRetrieval(index: "docs", query: "how do spans nest", topK: 3) { _ in }
        await client.flush()
        let span = try #require(exporter.spans.first)
        #expect(span.attributes == [
            "retrieval.index": "docs", "retrieval.query": "how do spans nest", "retrieval.top_k": 3,
            "gen_ai.operation.name": "retrieval", "gen_ai.data_source.id": "docs",
            "gen_ai.retrieval.query.text": "how do spans nest", "gen_ai.request.top_k": 3.0,
            "openinference.span.kind": "RETRIEVER", "input.value": "how do spans nest",
        ])
    }

    @Test("a failed model call gets error.type and the gen_ai.client.operation.exception event; a tool only error.type")
    func failures() async throws {
        let (client, exporter) = try makeClient()
        _ = try? client.traceLLM(model: "gpt-5.4-mini", provider: "openai") { _ in
            throw TestError(message: "rate limited")
        }
        _ = try? client.traceTool("web_search") { _ in throw TestError(message: "timeout") }
        _ = try? client.traceOperation("plain") { _ in throw TestError(message: "boom") }
        await client.flush()
        let exception: AttributeList = [
            "exception.type": "NoveumTraceTests.TestError", "exception.message": "rate limited",
        ]
        let llm = try #require(exporter.spans.named("chat gpt-5.4-mini"))
        #expect(llm.attributes["error.type"] == "NoveumTraceTests.TestError")
        #expect(llm.events.map(\.name) == ["exception", "gen_ai.client.operation.exception"])
        #expect(llm.events.map(\.attributes) == [exception, exception])
        #expect(llm.events[0].timeNanos == llm.events[1].timeNanos)

        let tool = try #require(exporter.spans.named("execute_tool web_search"))
        #expect(tool.attributes["error.type"] == "NoveumTraceTests.TestError")
        #expect(tool.events.map(\.name) == ["exception"])

        let plain = try #require(exporter.spans.named("plain"))
        #expect(plain.attributes["error.type"] == nil)
        #expect(plain.events.map(\.name) == ["exception"])
    }

    @Test("an error.type the code set is kept; the event still comes")
    func errorTypeKept() async throws {
        let (client, exporter) = try makeClient()
        _ = try? client.traceLLM(model: "m", operation: "embeddings") { span in
            span.setAttribute("error.type", "rate_limit_exceeded")
            throw TestError(message: "429")
        }
        await client.flush()
        let span = try #require(exporter.spans.first)
        #expect(span.attributes["error.type"] == "rate_limit_exceeded")
        #expect(span.events.map(\.name) == ["exception", "gen_ai.client.operation.exception"])
    }

    @Test("request parameters: stream only when streamed, choice count only when not 1, the rest as given")
    func requestParameters() async throws {
        let (client, exporter) = try makeClient()
        client.traceLLM(model: "a") { span in
            span.setRequest(
                temperature: 0.2, topP: 0.9, topK: 40, maxTokens: 100, stopSequences: ["END"], seed: 7, stream: true,
                frequencyPenalty: 0.5, presencePenalty: -0.5, choiceCount: 2, outputType: "json")
        }
        client.traceLLM(model: "b") { span in span.setRequest(stream: false, choiceCount: 1) }
        await client.flush()
        let a = try #require(exporter.spans.named("chat a"))
        let expected: AttributeList = [
            "gen_ai.request.temperature": 0.2, "llm.temperature": 0.2, "gen_ai.request.top_p": 0.9,
            "gen_ai.request.top_k": 40.0, "gen_ai.request.max_tokens": 100, "llm.max_tokens": 100,
            "gen_ai.request.stop_sequences": .stringArray(["END"]), "gen_ai.request.seed": 7, "llm.stream": true,
            "gen_ai.request.stream": true, "gen_ai.request.frequency_penalty": 0.5,
            "gen_ai.request.presence_penalty": -0.5, "gen_ai.request.choice.count": 2, "gen_ai.output.type": "json",
        ]
        for element in expected { #expect(a.attributes[element.key] == element.value, "\(element.key)") }
        let b = try #require(exporter.spans.named("chat b"))
        #expect(b.attributes["llm.stream"] == false)
        #expect(b.attributes["gen_ai.request.stream"] == nil)
        #expect(b.attributes["gen_ai.request.choice.count"] == nil)
    }

    @Test("captured requests: every format's parameters are read into the GenAI names")
    func requestParsing() throws {
        let openAI = try #require(
            LLMRequestInfo.parse(
                format: .openAI, path: "/v1/chat/completions",
                body: Array(#"""
                {"model":"gpt-5.4-mini","n":2,"frequency_penalty":0.1,"presence_penalty":0.2,"service_tier":"flex",
                 "response_format":{"type":"json_schema"},"messages":[]}
                """#.utf8)))
        #expect(openAI.choiceCount == 2)
        #expect(openAI.frequencyPenalty == 0.1)
        #expect(openAI.presencePenalty == 0.2)
        #expect(openAI.outputType == "json")
        #expect(openAI.serviceTier == "flex")
        #expect(openAI.apiType == "chat_completions")

        let responses = try #require(
            LLMRequestInfo.parse(
                format: .openAI, path: "/v1/responses",
                body: Array(#"{"model":"m","service_tier":"auto","text":{"format":{"type":"text"}},"input":"hi"}"#.utf8)))
        #expect(responses.apiType == "responses")
        #expect(responses.serviceTier == nil)
        #expect(responses.outputType == "text")

        let embeddings = try #require(
            LLMRequestInfo.parse(
                format: .openAI, path: "/v1/embeddings",
                body: Array(#"{"model":"e","input":"x","encoding_format":"base64","dimensions":256}"#.utf8)))
        #expect(embeddings.encodingFormats == ["base64"])
        #expect(embeddings.dimensions == 256)
        #expect(embeddings.apiType == "embeddings")

        let anthropic = try #require(
            LLMRequestInfo.parse(
                format: .anthropic, path: "/v1/messages",
                body: Array(#"{"model":"claude-sonnet-4-6","top_k":5,"max_tokens":10,"messages":[]}"#.utf8)))
        #expect(anthropic.topK == 5)

        let gemini = try #require(
            LLMRequestInfo.parse(
                format: .gemini, path: "/v1beta/models/gemini-3.1-pro-preview:generateContent",
                body: Array(#"""
                {"contents":[],"generationConfig":{"topK":20,"candidateCount":3,"frequencyPenalty":0.3,
                 "responseMimeType":"application/json"}}
                """#.utf8)))
        #expect(gemini.topK == 20)
        #expect(gemini.choiceCount == 3)
        #expect(gemini.frequencyPenalty == 0.3)
        #expect(gemini.outputType == "json")
    }
}
