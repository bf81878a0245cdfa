import Foundation
import Testing
@testable import NoveumTrace

@Suite("Prices and cost")
struct CostTests {
    let table = PriceTable()

    @Test("the shipped table is LiteLLM's, dated, and prices today's models")
    func loads() throws {
        #expect(table.source.hasPrefix("litellm 1.110.2, "))
        #expect(table.modelCount >= 3_600)
        let gpt4o = try #require(table.price(for: "gpt-4o"))
        #expect(gpt4o.input == 2.5 && gpt4o.output == 10 && gpt4o.cachedInput == 1.25)
        #expect(gpt4o.tiers["batch"] == ModelPrice(input: 1.25, output: 5, cachedInput: 1.25))
        #expect(gpt4o.tiers["priority"] == ModelPrice(input: 4.25, output: 17, cachedInput: 2.125))
    }

    /// Three models of 2026 and what a sample call costs on each: 12,000 prompt tokens of which 8,000 cached,
    /// 1,500 generated.
    @Test(
        "2026 models are priced: gpt-5.4-mini, claude-sonnet-4-6, gemini-3.1-pro-preview",
        arguments: [
            ("gpt-5.4-mini", (4_000 * 0.75 + 8_000 * 0.075) / 1e6, 1_500 * 4.5 / 1e6),
            ("claude-sonnet-4-6", (4_000 * 3.0 + 8_000 * 0.3) / 1e6, 1_500 * 15.0 / 1e6),
            ("gemini-3.1-pro-preview", (4_000 * 2.0 + 8_000 * 0.2) / 1e6, 1_500 * 12.0 / 1e6),
        ])
    func models2026(model: String, input: Double, output: Double) throws {
        let usage = LLMUsage(inputTokens: 12_000, outputTokens: 1_500, cacheReadTokens: 8_000)
        let cost = try #require(table.cost(model: model, usage: usage))
        #expect(abs(cost.input - input) < 1e-12)
        #expect(abs(cost.output - output) < 1e-12)
    }

    @Test(
        "names resolve: case, routes, regions, dated snapshots and version suffixes",
        arguments: [
            ("GPT-4o", "gpt-4o"), ("gpt-4o-2099-01-01", "gpt-4o"), ("openai/gpt-4o-mini", "gpt-4o-mini"),
            ("openrouter/openai/gpt-4o", "gpt-4o"), ("gpt-5.4-mini-2026-03-05", "gpt-5.4-mini"),
            ("claude-sonnet-4-6@20990101", "claude-sonnet-4-6"),
            ("claude-sonnet-4-20250514", "anthropic.claude-sonnet-4-20250514-v1:0"),
            ("claude-3-5-sonnet-latest", "us.anthropic.claude-3-5-sonnet-20241022-v2:0"),
            ("bedrock/anthropic.claude-3-5-sonnet-20240620-v1:0", "anthropic.claude-3-5-sonnet-20240620-v1:0"),
            ("models/gemini-2.5-flash", "gemini-2.5-flash"), ("gemini-2.5-flash-preview-05-20", "gemini-2.5-flash"),
            ("deepseek-v3", "deepseek/deepseek-v3"), ("mistral-large-latest", "mistral/mistral-large-latest"),
        ])
    func resolution(name: String, entry: String) throws {
        let price = try #require(table.price(for: name), "no price for \(name)")
        #expect(price == table.price(for: entry))
    }

    @Test("a provider that resells a model is asked first: azure/gpt-4o for an Azure call")
    func providerRoute() throws {
        let azure = try #require(table.price(for: "azure/gpt-5.4"))
        #expect(azure != table.price(for: "gpt-5.4"))  // Azure prices gpt-5.4's flex tier differently
        #expect(table.price(for: "gpt-5.4", provider: "azure.ai.openai") == azure)
        #expect(table.price(for: "gpt-5.4", provider: "openai") == table.price(for: "gpt-5.4"))
        #expect(PriceTable.route(ofProvider: "aws.bedrock") == "bedrock")
        #expect(PriceTable.route(ofProvider: "someone-else") == nil)
    }

    @Test(
        "unknown models get no price: none is invented, and names the table prices differently stay unpriced",
        arguments: ["gpt-4o-mini-tts", "my-model", "", "gpt-9", "deepseek-v9", "text-embedding-006"])
    func unknown(name: String) {
        #expect(table.price(for: name) == nil)
    }

    @Test("the Swift normalisation agrees with the generator's on every line of the table")
    func normalisationMatchesGenerator() {
        var disagreements: [String] = []
        for line in PriceTable.shippedLines.split(separator: "\n") {
            let fields = line.split(separator: "|", omittingEmptySubsequences: false)
            if PriceTable.normalize(String(fields[0])) != fields[1] { disagreements.append(String(fields[0])) }
        }
        #expect(disagreements.isEmpty, "\(disagreements.prefix(10))")
        #expect(PriceTable.parse(PriceTable.shippedLines).rows.count == PriceTable.shippedLines.split(separator: "\n").count)
    }

    @Test(
        "version suffixes: Bedrock's -vN:M always, -vN only after a date",
        arguments: [
            ("claude-3-5-sonnet-20241022-v2:0", "claude-3-5-sonnet"), ("claude-3-5-sonnet-20241022-v2", "claude-3-5-sonnet"),
            ("deepseek-v3", "deepseek-v3"), ("titan-text-express-v1", "titan-text-express-v1"), ("x-v:0", "x-v:0"),
            ("gpt-4-0613", "gpt-4"), ("gemini-1.5-pro-002", "gemini-1.5-pro"), ("o1-2024-12-17", "o1"),
        ])
    func normalisation(name: String, normalized: String) {
        #expect(PriceTable.normalize(name) == normalized)
    }

    @Test("cost counts cached and cache-write tokens at their own rates")
    func cost() throws {
        let usage = LLMUsage(inputTokens: 4195, outputTokens: 503, cacheReadTokens: 2000, cacheCreationTokens: 100)
        let cost = try #require(table.cost(model: "claude-sonnet-4-6", usage: usage))
        // 2095 uncached × $3 + 2000 cached × $0.30 + 100 written × $3.75, per million; 503 × $15 per million.
        #expect(abs(cost.input - (2095 * 3.0 + 2000 * 0.3 + 100 * 3.75) / 1e6) < 1e-12)
        #expect(abs(cost.output - 503 * 15.0 / 1e6) < 1e-12)
        #expect(cost.currency == "USD")
    }

    @Test("service tiers: batch, priority and flex prices where the span names the tier; standard otherwise")
    func tiers() throws {
        let usage = LLMUsage(inputTokens: 1_000_000, outputTokens: 1_000_000)
        let standard = try #require(table.cost(model: "gpt-5.4-mini", usage: usage))
        #expect(standard.input == 0.75 && standard.output == 4.5)
        #expect(table.cost(model: "gpt-5.4-mini", tier: "batch", usage: usage) == LLMCost(input: 0.375, output: 2.25))
        #expect(table.cost(model: "gpt-5.4-mini", tier: "priority", usage: usage) == LLMCost(input: 1.5, output: 9))
        #expect(table.cost(model: "gpt-5.4-mini", tier: "flex", usage: usage) == LLMCost(input: 0.375, output: 2.25))
        #expect(table.cost(model: "gpt-5.4-mini", tier: "default", usage: usage) == standard)
        #expect(table.cost(model: "gpt-5.4-mini", tier: "scale", usage: usage) == standard)
    }

    @Test("reasoning tokens at their own rate where the model prices them apart")
    func reasoning() {
        let price = ModelPrice(input: 1, output: 2, reasoning: 8)
        let cost = price.cost(of: LLMUsage(inputTokens: 0, outputTokens: 1_000_000, reasoningTokens: 250_000))
        #expect(cost.output == 0.75 * 2 + 0.25 * 8)
        // Without a reasoning rate, reasoning tokens are output tokens.
        #expect(ModelPrice(input: 1, output: 2).cost(of: LLMUsage(outputTokens: 10, reasoningTokens: 5)).output == 20 / 1e6)
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
        let table = PriceTable(lines: "not|a|table\n|||\ngpt-x|gpt-x|openai|abc|1" + String(repeating: "|", count: 15))
        #expect(table.price(for: "gpt-4o") == nil)
        #expect(table.price(for: "gpt-x") == nil)
        #expect(table.modelCount == 0)
    }

    @Test("ModelPrice round-trips through JSON, tiers and reasoning included")
    func codable() throws {
        let price = try #require(table.price(for: "gpt-5.4-mini"))
        let decoded = try JSONDecoder().decode(ModelPrice.self, from: JSONEncoder().encode(price))
        #expect(decoded == price)
        let old = try JSONDecoder().decode(ModelPrice.self, from: Data(#"{"input":1,"output":2,"cached_input":0.5}"#.utf8))
        #expect(old == ModelPrice(input: 1, output: 2, cachedInput: 0.5))
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

    @Test("setUsage prices the tier and the provider the span names")
    func spanTierAndProvider() async throws {
        let (client, exporter) = try makeClient()
        client.traceLLM(model: "gpt-5.4-mini", provider: "openai") { span in
            span.setAttribute("openai.response.service_tier", "priority")
            span.setUsage(input: 1_000_000, output: 0)
        }
        await client.flush()
        let attributes = try #require(exporter.spans.first).attributes
        #expect(attributes["llm.cost.input"] == .double(1.5))
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
