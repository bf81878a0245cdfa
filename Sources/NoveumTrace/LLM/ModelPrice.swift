/// The list price of one model, in US dollars per million tokens.
public struct ModelPrice: Sendable, Hashable, Codable {
    /// Uncached prompt tokens.
    public var input: Double
    /// Generated tokens, reasoning included.
    public var output: Double
    /// Prompt tokens read from the provider's cache; nil: charged as ``input``.
    public var cachedInput: Double?
    /// Prompt tokens written to the provider's cache; nil: charged as ``input``.
    public var cacheWrite: Double?

    public init(input: Double, output: Double, cachedInput: Double? = nil, cacheWrite: Double? = nil) {
        self.input = input
        self.output = output
        self.cachedInput = cachedInput
        self.cacheWrite = cacheWrite
    }

    enum CodingKeys: String, CodingKey {
        case input, output
        case cachedInput = "cached_input"
        case cacheWrite = "cache_write"
    }

    /// What `usage` costs at this price.
    public func cost(of usage: LLMUsage) -> LLMCost {
        let cached = Double(usage.cacheReadTokens ?? 0)
        let written = Double(usage.cacheCreationTokens ?? 0)
        let prompt = Double(usage.inputTokens ?? 0)
        let uncached = max(0, prompt - cached - written)
        let inputCost =
            (uncached * input + cached * (cachedInput ?? input) + written * (cacheWrite ?? input)) / 1_000_000
        let outputCost = Double(usage.outputTokens ?? 0) * output / 1_000_000
        return LLMCost(input: inputCost, output: outputCost)
    }
}

/// The cost of one call, in US dollars.
public struct LLMCost: Sendable, Hashable {
    public var input: Double
    public var output: Double
    public var total: Double { input + output }
    public var currency: String { "USD" }

    public init(input: Double, output: Double) {
        self.input = input
        self.output = output
    }
}
