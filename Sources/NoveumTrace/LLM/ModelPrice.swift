/// The list price of one model, in US dollars per million tokens.
public struct ModelPrice: Sendable, Hashable, Codable {
    /// Uncached prompt tokens.
    public var input: Double
    /// Generated tokens, reasoning included unless ``reasoning`` prices it apart.
    public var output: Double
    /// Prompt tokens read from the provider's cache; nil: charged as ``input``.
    public var cachedInput: Double?
    /// Prompt tokens written to the provider's cache; nil: charged as ``input``.
    public var cacheWrite: Double?
    /// Reasoning tokens, where the provider prices them apart from the rest of the output; nil: charged as
    /// ``output``.
    public var reasoning: Double?
    /// The prices of the model's other service tiers, by tier name (`batch`, `priority`, `flex`); empty when it has
    /// only the standard one.
    public var tiers: [String: ModelPrice]

    /// Creates a price; rates are US dollars per million tokens.
    public init(
        input: Double, output: Double, cachedInput: Double? = nil, cacheWrite: Double? = nil,
        reasoning: Double? = nil, tiers: [String: ModelPrice] = [:]
    ) {
        self.input = input
        self.output = output
        self.cachedInput = cachedInput
        self.cacheWrite = cacheWrite
        self.reasoning = reasoning
        self.tiers = tiers
    }

    enum CodingKeys: String, CodingKey {
        case input, output, reasoning, tiers
        case cachedInput = "cached_input"
        case cacheWrite = "cache_write"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            input: try container.decode(Double.self, forKey: .input),
            output: try container.decode(Double.self, forKey: .output),
            cachedInput: try container.decodeIfPresent(Double.self, forKey: .cachedInput),
            cacheWrite: try container.decodeIfPresent(Double.self, forKey: .cacheWrite),
            reasoning: try container.decodeIfPresent(Double.self, forKey: .reasoning),
            tiers: try container.decodeIfPresent([String: ModelPrice].self, forKey: .tiers) ?? [:])
    }

    /// The price in `tier` (`batch`, `priority`, `flex`, as OpenAI's `service_tier` or the span's
    /// `llm.service_tier` names it); this price for the standard tier (`default`, `standard`, `auto`, nil) and for a
    /// tier the model has no price for.
    public func price(forTier tier: String?) -> ModelPrice {
        guard let tier, !tiers.isEmpty else { return self }
        let name = tier.lowercased()
        return tiers[name == "batches" ? "batch" : name] ?? self
    }

    /// What `usage` costs at this price.
    public func cost(of usage: LLMUsage) -> LLMCost {
        let cached = Double(usage.cacheReadTokens ?? 0)
        let written = Double(usage.cacheCreationTokens ?? 0)
        let prompt = Double(usage.inputTokens ?? 0)
        let uncached = max(0, prompt - cached - written)
        let inputCost =
            (uncached * input + cached * (cachedInput ?? input) + written * (cacheWrite ?? input)) / 1_000_000
        let generated = Double(usage.outputTokens ?? 0)
        let reasoned = reasoning == nil ? 0 : min(generated, Double(usage.reasoningTokens ?? 0))
        let outputCost = ((generated - reasoned) * output + reasoned * (reasoning ?? output)) / 1_000_000
        return LLMCost(input: inputCost, output: outputCost)
    }
}

/// The cost of one call, in US dollars.
public struct LLMCost: Sendable, Hashable {
    /// What the prompt cost: uncached, cached and cache-write tokens.
    public var input: Double
    /// What the generated tokens cost, reasoning included.
    public var output: Double
    /// ``input`` plus ``output``.
    public var total: Double { input + output }
    /// Always `USD`.
    public var currency: String { "USD" }

    /// Creates a cost from its two parts, in US dollars.
    public init(input: Double, output: Double) {
        self.input = input
        self.output = output
    }
}
