/// Token counts of one model call.
///
/// Every field is optional: providers report different subsets, and a count that was not reported is not
/// invented. ``totalTokens`` falls back to input plus output when the provider gave both but no total.
public struct LLMUsage: Sendable, Hashable {
    /// Tokens in the prompt, including cached ones.
    public var inputTokens: Int?
    /// Tokens generated, including reasoning tokens.
    public var outputTokens: Int?
    /// The provider's total, or input + output (at most `Int.max`).
    public var totalTokens: Int? {
        get { _totalTokens ?? inputTokens.flatMap { input in outputTokens.map { input.addingSaturated($0) } } }
        set { _totalTokens = newValue }
    }
    /// Prompt tokens served from the provider's cache.
    public var cacheReadTokens: Int?
    /// Prompt tokens written to the provider's cache (Anthropic, Bedrock).
    public var cacheCreationTokens: Int?
    /// Output tokens spent on hidden reasoning (OpenAI o-series, Gemini thinking).
    public var reasoningTokens: Int?

    private var _totalTokens: Int?

    public init(
        inputTokens: Int? = nil, outputTokens: Int? = nil, totalTokens: Int? = nil, cacheReadTokens: Int? = nil,
        cacheCreationTokens: Int? = nil, reasoningTokens: Int? = nil
    ) {
        self.inputTokens = inputTokens
        self.outputTokens = outputTokens
        self._totalTokens = totalTokens
        self.cacheReadTokens = cacheReadTokens
        self.cacheCreationTokens = cacheCreationTokens
        self.reasoningTokens = reasoningTokens
    }

    /// Whether no count at all was reported.
    public var isEmpty: Bool {
        inputTokens == nil && outputTokens == nil && _totalTokens == nil && cacheReadTokens == nil
            && cacheCreationTokens == nil && reasoningTokens == nil
    }
}
