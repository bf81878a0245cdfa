@testable import NoveumTrace
import NoveumTraceTesting
import Testing

/// ``Configuration/llmVocabularies``: which attribute vocabularies LLM spans are exported in.
@Suite("LLM vocabularies")
struct VocabularyTests {
    func export(_ vocabularies: Set<LLMVocabulary>) async throws -> SpanData {
        let (client, exporter) = try makeCaptureClient(vocabularies: vocabularies)
        client.traceLLM(model: "gpt-4o-mini", provider: "openai") { span in
            span.setUsage(input: 100, output: 20)
            span.setAttributes(["input.value": "hi", "llm.output.response": "hello", "server.address": "api.openai.com"])
        }
        _ = await client.flush()
        return try #require(exporter.spans.first)
    }

    @Test("All three by default; each choice keeps its own keys, shared keys and non-LLM keys")
    func choices() async throws {
        let all = try await export(Set(LLMVocabulary.allCases))
        for key in ["llm.input_tokens", "gen_ai.usage.input_tokens", "llm.token_count.prompt", "openinference.span.kind"] {
            #expect(all.attributes[key] != nil, "\(key)")
        }

        let otel = try await export([.openTelemetry])
        #expect(otel.int("gen_ai.usage.input_tokens") == 100)
        #expect(otel.string("gen_ai.request.model") == "gpt-4o-mini")
        #expect(otel.string("server.address") == "api.openai.com")
        for key in ["llm.input_tokens", "llm.model", "llm.provider", "llm.cost.total", "llm.token_count.prompt",
                    "llm.model_name", "input.value", "openinference.span.kind", "llm.output.response"] {
            #expect(otel.attributes[key] == nil, "\(key) exported")
        }

        let openInference = try await export([.openInference])
        #expect(openInference.int("llm.token_count.prompt") == 100)
        #expect(openInference.string("llm.provider") == "openai")
        #expect(openInference.attributes["llm.cost.total"] != nil)
        #expect(openInference.string("input.value") == "hi")
        #expect(openInference.attributes["llm.input_tokens"] == nil)
        #expect(openInference.attributes["gen_ai.usage.input_tokens"] == nil)

        let noveum = try await export([.noveum])
        #expect(noveum.int("llm.input_tokens") == 100)
        #expect(noveum.string("llm.output.response") == "hello")
        #expect(noveum.attributes["llm.cost.total"] != nil)
        #expect(noveum.attributes["gen_ai.usage.input_tokens"] == nil)
        #expect(noveum.attributes["llm.token_count.prompt"] == nil)
        #expect(noveum.attributes["input.value"] == nil)
    }

    @Test("Leaving OpenTelemetry out also leaves out its gen_ai.client.operation.exception event")
    func genAIEvents() async throws {
        func failed(_ vocabularies: Set<LLMVocabulary>) async throws -> SpanData {
            let (client, exporter) = try makeCaptureClient(vocabularies: vocabularies)
            struct Overloaded: Error {}
            _ = try? client.traceLLM(model: "gpt-4o-mini", provider: "openai") { _ in throw Overloaded() }
            _ = await client.flush()
            return try #require(exporter.spans.first)
        }
        let all = try await failed(Set(LLMVocabulary.allCases))
        #expect(all.events.map(\.name) == ["exception", "gen_ai.client.operation.exception"])
        let noveum = try await failed([.noveum, .openInference])
        #expect(noveum.events.map(\.name) == ["exception"])
        #expect(noveum.string("error.type")?.hasSuffix("Overloaded") == true)
    }
}
