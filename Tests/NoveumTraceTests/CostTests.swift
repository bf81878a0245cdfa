import Foundation
import Testing
@testable import NoveumTrace

@Suite("Prices and cost")
struct CostTests {
    let table = PriceTable()

    @Test("the shipped table is dated and loads")
    func loads() {
        #expect(table.version == "2025-11-01")
        #expect(table.price(for: "gpt-4o") == ModelPrice(input: 2.5, output: 10, cachedInput: 1.25))
    }

    @Test(
        "names are normalised: case, prefixes, dated and versioned suffixes, aliases",
        arguments: [
            ("GPT-4o", "gpt-4o"), ("gpt-4o-2024-08-06", "gpt-4o"), ("openai/gpt-4o-mini", "gpt-4o-mini"),
            ("claude-sonnet-4-20250514", "claude-sonnet-4"), ("claude-3-5-sonnet@20240620", "claude-3-5-sonnet"),
            ("us.anthropic.claude-3-5-haiku-20241022-v1:0", "claude-3-5-haiku"),
            ("claude-3-5-sonnet-latest", "claude-3-5-sonnet"), ("models/gemini-2.5-flash", "gemini-2.5-flash"),
            ("gemini-1.5-pro-002", "gemini-1.5-pro"), ("gemini-2.5-flash-preview-05-20", "gemini-2.5-flash"),
            ("gpt-3.5-turbo-0125", "gpt-3.5-turbo"), ("gpt-4-1106-preview", "gpt-4-turbo"),
            ("mistral-large-latest", "mistral-large"), ("deepseek-r1", "deepseek-reasoner"),
        ])
    func normalisation(name: String, canonical: String) throws {
        let price = try #require(table.price(for: name), "no price for \(name)")
        #expect(price == table.price(for: canonical))
    }

    @Test("unknown models get no price: none is invented", arguments: ["gpt-4o-mini-tts", "my-model", "", "gpt-9"])
    func unknown(name: String) {
        #expect(table.price(for: name) == nil)
    }

    @Test("cost counts cached and cache-write tokens at their own rates")
    func cost() throws {
        let usage = LLMUsage(inputTokens: 4195, outputTokens: 503, cacheReadTokens: 2000, cacheCreationTokens: 100)
        let cost = try #require(table.cost(model: "claude-sonnet-4", usage: usage))
        // 2095 uncached × $3 + 2000 cached × $0.30 + 100 written × $3.75, per million; 503 × $15 per million.
        #expect(abs(cost.input - (2095 * 3.0 + 2000 * 0.3 + 100 * 3.75) / 1e6) < 1e-12)
        #expect(abs(cost.output - 503 * 15.0 / 1e6) < 1e-12)
        #expect(cost.currency == "USD")
    }

    @Test("prices added at runtime win and can be removed")
    func overrides() {
        let table = PriceTable()
        table.setPrice(ModelPrice(input: 1, output: 2), for: "my-fine-tune")
        table.setPrice(ModelPrice(input: 9, output: 9), for: "gpt-4o")
        #expect(table.price(for: "My-Fine-Tune-2025-01-01") == ModelPrice(input: 1, output: 2))
        #expect(table.price(for: "gpt-4o")?.input == 9)
        table.removePrice(for: "gpt-4o")
        #expect(table.price(for: "gpt-4o")?.input == 2.5)
    }

    @Test("an unreadable table is empty, not a crash")
    func badTable() {
        let table = PriceTable(json: Data("not json".utf8))
        #expect(table.price(for: "gpt-4o") == nil)
        #expect(table.version == "unavailable")
    }

    @Test("setUsage writes the three vocabularies and the cost; unknown models are marked")
    func spanUsage() async throws {
        let (client, exporter) = try makeClient()
        client.traceLLM(model: "gpt-4o-2024-08-06", provider: "openai") { span in
            span.setUsage(input: 1000, output: 200, cacheRead: 400)
        }
        client.traceLLM(model: "house-model") { span in span.setUsage(input: 10, output: 2) }
        await client.flush()
        let known = try #require(exporter.spans.first { $0.name == "chat gpt-4o-2024-08-06" }).attributes
        #expect(known["llm.input_tokens"] == .int(1000))
        #expect(known["gen_ai.usage.input_tokens"] == .int(1000))
        #expect(known["llm.token_count.prompt"] == .int(1000))
        #expect(known["llm.output_tokens"] == .int(200))
        #expect(known["llm.total_tokens"] == .int(1200))
        #expect(known["gen_ai.usage.cache_read.input_tokens"] == .int(400))
        let expectedInput = (600 * 2.5 + 400 * 1.25) / 1e6
        #expect(abs((known["llm.cost.input"]?.doubleValue ?? 0) - expectedInput) < 1e-12)
        #expect(abs((known["llm.cost.total"]?.doubleValue ?? 0) - (expectedInput + 200 * 10 / 1e6)) < 1e-12)
        #expect(known["llm.cost.currency"] == "USD")
        #expect(known["llm.cost.unknown_model"] == nil)
        let unknown = try #require(exporter.spans.first { $0.name == "chat house-model" }).attributes
        #expect(unknown["llm.cost.unknown_model"] == .bool(true))
        #expect(unknown["llm.cost.total"] == nil)
    }

    @Test("setResponse records a parsed provider response")
    func spanResponse() async throws {
        let (client, exporter) = try makeClient()
        let summary = try #require(LLMResponseSummary.parse(Array(ProviderResponses.anthropic.utf8)))
        client.traceLLM(model: "claude-sonnet-4", provider: "anthropic") { span in span.setResponse(summary) }
        await client.flush()
        let attributes = try #require(exporter.spans.first).attributes
        #expect(attributes["gen_ai.response.model"] == "claude-sonnet-4-20250514")
        #expect(attributes["gen_ai.response.id"] == "msg_013Zva2CMHLNnXjNJJKqJ2EF")
        #expect(attributes["gen_ai.response.finish_reasons"] == .stringArray(["end_turn"]))
        #expect(attributes["llm.output.response"] == "Hi! My name is Claude.")
        #expect(attributes["llm.input_tokens"] == .int(4195))
        #expect(attributes["llm.cost.total"] != nil)
    }
}
