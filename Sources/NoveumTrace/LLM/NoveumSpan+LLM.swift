/// Typed setters for LLM spans: they write the Noveum, OpenTelemetry GenAI and OpenInference names at once, so
/// you never spell attribute keys by hand.
extension NoveumSpan {
    /// Records token counts and, when the span's model has a known price, the cost.
    ///
    /// ```swift
    /// span.setUsage(input: 1200, output: 340, cacheRead: 1000)
    /// ```
    ///
    /// A model missing from ``PriceTable`` gets no cost and the marker `llm.cost.unknown_model = true`. The price is
    /// the one of the span's provider (`gen_ai.provider.name` or `llm.provider`) where it resells the model at its
    /// own, and of the service tier the span names (`llm.service_tier`, `openai.response.service_tier` or
    /// `openai.request.service_tier`: `batch`, `priority`, `flex`).
    public func setUsage(
        input: Int? = nil, output: Int? = nil, cacheRead: Int? = nil, cacheCreation: Int? = nil,
        reasoning: Int? = nil, total: Int? = nil
    ) {
        setUsage(
            LLMUsage(
                inputTokens: input, outputTokens: output, totalTokens: total, cacheReadTokens: cacheRead,
                cacheCreationTokens: cacheCreation, reasoningTokens: reasoning))
    }

    /// Records token counts and, when the span's model has a known price, the cost.
    public func setUsage(_ usage: LLMUsage, priceTable: PriceTable = .shared) {
        guard isRecording, !usage.isEmpty else { return }
        var list = AttributeList()
        func set(_ keys: [String], _ value: Int?) {
            guard let value else { return }
            for key in keys { list[key] = .int(Int64(value)) }
        }
        set(["llm.input_tokens", "gen_ai.usage.input_tokens", "llm.token_count.prompt"], usage.inputTokens)
        set(["llm.output_tokens", "gen_ai.usage.output_tokens", "llm.token_count.completion"], usage.outputTokens)
        set(["llm.total_tokens", "llm.token_count.total"], usage.totalTokens)
        set(
            ["llm.cache_read_tokens", "gen_ai.usage.cache_read.input_tokens",
             "llm.token_count.prompt_details.cache_read"], usage.cacheReadTokens)
        set(
            ["llm.cache_creation_tokens", "gen_ai.usage.cache_creation.input_tokens",
             "llm.token_count.prompt_details.cache_write"], usage.cacheCreationTokens)
        set(
            ["llm.reasoning_tokens", "gen_ai.usage.reasoning.output_tokens",
             "llm.token_count.completion_details.reasoning"], usage.reasoningTokens)
        let current = attributeList
        let model = current["gen_ai.response.model"]?.stringValue ?? current["llm.model"]?.stringValue
            ?? current["gen_ai.request.model"]?.stringValue
        if let model {
            let provider = current["gen_ai.provider.name"]?.stringValue ?? current["llm.provider"]?.stringValue
            let tier = current["llm.service_tier"]?.stringValue ?? current["openai.response.service_tier"]?.stringValue
                ?? current["openai.request.service_tier"]?.stringValue
            if let cost = priceTable.cost(model: model, provider: provider, tier: tier, usage: usage) {
                list["llm.cost.input"] = .double(cost.input)
                list["llm.cost.output"] = .double(cost.output)
                list["llm.cost.total"] = .double(cost.total)
                list["llm.cost.currency"] = .string(cost.currency)
                list["llm.cost.prompt"] = .double(cost.input)
                list["llm.cost.completion"] = .double(cost.output)
                list["llm.cost.unknown_model"] = nil
            } else {
                list["llm.cost.unknown_model"] = .bool(true)
            }
        }
        setAttributes(list)
    }

    /// Records what a model's response says: model, id, finish reasons, tool calls, usage and cost, and (unless
    /// `includeOutput` is false) the output text.
    ///
    /// ```swift
    /// if let summary = LLMResponseSummary.parse(responseBody) { span.setResponse(summary) }
    /// ```
    public func setResponse(_ response: LLMResponseSummary, includeOutput: Bool = true) {
        guard isRecording else { return }
        var list = AttributeList()
        if let model = response.model {
            list["gen_ai.response.model"] = .string(model)
            list["llm.response.model"] = .string(model)
        }
        if let id = response.responseID { list["gen_ai.response.id"] = .string(id) }
        if let tier = response.serviceTier { list["openai.response.service_tier"] = .string(tier) }
        if !response.finishReasons.isEmpty {
            list["gen_ai.response.finish_reasons"] = .stringArray(response.finishReasons)
            list["llm.finish_reason"] = .string(response.finishReasons[0])
        }
        if !response.toolCalls.isEmpty { list["llm.tool_calls"] = .stringArray(response.toolCalls) }
        if includeOutput, let text = response.outputText {
            list["llm.output.response"] = .string(text)
            list["output.value"] = .string(text)
            if let messages = LLMConventions.outputMessages(text: text, finishReason: response.finishReasons.first) {
                list["gen_ai.output.messages"] = .string(messages)
            }
        }
        setAttributes(list)
        setUsage(response.usage)
    }

    /// Records the request's parameters: sampling settings, how many choices, whether it streams, and the output
    /// type asked for (`text`, `json`, `image`, `speech`).
    ///
    /// Every value is optional; only those given are written. `gen_ai.request.stream` is written only for a streamed
    /// request and `gen_ai.request.choice.count` only when it is not 1, as the GenAI conventions ask.
    public func setRequest(
        temperature: Double? = nil, topP: Double? = nil, topK: Double? = nil, maxTokens: Int? = nil,
        stopSequences: [String]? = nil, seed: Int? = nil, stream: Bool? = nil, frequencyPenalty: Double? = nil,
        presencePenalty: Double? = nil, choiceCount: Int? = nil, outputType: String? = nil
    ) {
        guard isRecording else { return }
        // Built directly (no dictionary to sort): the HTTP capture calls this for every request.
        var list = AttributeList()
        if let temperature {
            list["gen_ai.request.temperature"] = .double(temperature)
            list["llm.temperature"] = .double(temperature)
        }
        if let topP { list["gen_ai.request.top_p"] = .double(topP) }
        if let topK { list["gen_ai.request.top_k"] = .double(topK) }
        if let maxTokens {
            list["gen_ai.request.max_tokens"] = .int(Int64(maxTokens))
            list["llm.max_tokens"] = .int(Int64(maxTokens))
        }
        if let stopSequences { list["gen_ai.request.stop_sequences"] = .stringArray(stopSequences) }
        if let seed { list["gen_ai.request.seed"] = .int(Int64(seed)) }
        if let stream {
            list["llm.stream"] = .bool(stream)
            if stream { list["gen_ai.request.stream"] = true }
        }
        if let frequencyPenalty { list["gen_ai.request.frequency_penalty"] = .double(frequencyPenalty) }
        if let presencePenalty { list["gen_ai.request.presence_penalty"] = .double(presencePenalty) }
        if let choiceCount, choiceCount != 1 { list["gen_ai.request.choice.count"] = .int(Int64(choiceCount)) }
        if let outputType { list["gen_ai.output.type"] = .string(outputType) }
        if !list.isEmpty { setAttributes(list) }
    }

    /// Records how many memory records a memory operation found or touched (`gen_ai.memory.record.count`).
    public func setMemoryRecordCount(_ count: Int) {
        setAttribute("gen_ai.memory.record.count", count)
    }
}
