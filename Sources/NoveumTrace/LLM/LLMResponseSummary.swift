import Foundation

/// What a model's raw JSON response says about the call: model, id, usage, finish reasons and output text.
///
/// ``parse(_:)`` reads the response formats of OpenAI (chat completions, the responses API, embeddings),
/// Anthropic messages, Google Gemini, AWS Bedrock converse, Mistral, Cohere (v1 and v2), Ollama's native API, and
/// the OpenAI-compatible servers (vLLM, Groq, DeepSeek, OpenRouter, llama.cpp). It recognises a format by its
/// fields, so it needs no provider hint. Malformed or unknown JSON yields nil, never a crash; fields that are
/// missing or of the wrong type are left nil.
public struct LLMResponseSummary: Sendable, Hashable {
    /// The model that answered, as the provider names it.
    public var model: String?
    /// The provider's id for the response.
    public var responseID: String?
    /// Token counts.
    public var usage: LLMUsage
    /// Why generation stopped, one per choice or candidate.
    public var finishReasons: [String]
    /// The generated text, choices joined by newlines; nil when there is none (embeddings, tool calls only).
    public var outputText: String?
    /// Names of the tools the model asked to call.
    public var toolCalls: [String]
    /// The service tier the call ran in, as OpenAI's `service_tier` says (`default`, `priority`, `flex`, `scale`).
    public var serviceTier: String?

    /// Creates a summary from its parts.
    public init(
        model: String? = nil, responseID: String? = nil, usage: LLMUsage = LLMUsage(), finishReasons: [String] = [],
        outputText: String? = nil, toolCalls: [String] = [], serviceTier: String? = nil
    ) {
        self.model = model
        self.responseID = responseID
        self.usage = usage
        self.finishReasons = finishReasons
        self.outputText = outputText
        self.toolCalls = toolCalls
        self.serviceTier = serviceTier
    }

    /// Parses a response body. Returns nil when the bytes are not a JSON object.
    public static func parse(_ body: some Collection<UInt8>) -> LLMResponseSummary? {
        guard let object = try? JSONSerialization.jsonObject(with: Data(body), options: [.fragmentsAllowed]),
              let json = object as? [String: Any]
        else { return nil }
        return parse(object: json)
    }

    /// Parses a response already decoded by `JSONSerialization`.
    public static func parse(object json: [String: Any]) -> LLMResponseSummary {
        var summary = LLMResponseSummary()
        summary.model = json.string("model") ?? json.string("modelVersion") ?? json.string("modelId")
        summary.responseID = json.string("id") ?? json.string("responseId") ?? json.string("generation_id")
        summary.usage = usage(from: json)
        summary.serviceTier = json.string("service_tier")

        // OpenAI chat completions and compatibles: choices[].message / delta, finish_reason.
        if let choices = json["choices"] as? [[String: Any]] {
            var texts: [String] = []
            for choice in choices {
                if let reason = choice.string("finish_reason") { summary.finishReasons.append(reason) }
                let message = (choice["message"] as? [String: Any]) ?? (choice["delta"] as? [String: Any])
                if let text = message?.string("content") ?? choice.string("text") { texts.append(text) }
                for call in (message?["tool_calls"] as? [[String: Any]]) ?? [] {
                    if let name = (call["function"] as? [String: Any])?.string("name") { summary.toolCalls.append(name) }
                }
            }
            if !texts.isEmpty { summary.outputText = texts.joined(separator: "\n") }
        }
        // OpenAI responses API: output[] items of type message with output_text parts.
        if let output = json["output"] as? [[String: Any]] {
            var texts: [String] = []
            for item in output {
                if item.string("type") == "function_call", let name = item.string("name") { summary.toolCalls.append(name) }
                for part in (item["content"] as? [[String: Any]]) ?? [] {
                    if let text = part.string("text") { texts.append(text) }
                }
            }
            if !texts.isEmpty { summary.outputText = texts.joined() }
            if let status = json.string("status") { summary.finishReasons.append(status) }
        }
        // Anthropic messages and Cohere v2: content[] blocks, stop_reason / finish_reason.
        if let content = json["content"] as? [[String: Any]] {
            let texts = content.compactMap { $0.string("type") == "tool_use" ? nil : $0.string("text") }
            if !texts.isEmpty { summary.outputText = texts.joined() }
            summary.toolCalls += content.filter { $0.string("type") == "tool_use" }.compactMap { $0.string("name") }
        }
        if let reason = json.string("stop_reason") ?? json.string("stopReason") ?? json.string("done_reason") {
            summary.finishReasons.append(reason)
        }
        // Cohere v2: message.content[].text; v1: text.
        if let message = json["message"] as? [String: Any] {
            if let parts = message["content"] as? [[String: Any]] {
                let texts = parts.compactMap { $0.string("text") }
                if !texts.isEmpty { summary.outputText = texts.joined() }
            } else if let text = message.string("content") {
                summary.outputText = text  // Ollama native chat
            }
            for call in (message["tool_calls"] as? [[String: Any]]) ?? [] {
                if let name = (call["function"] as? [String: Any])?.string("name") { summary.toolCalls.append(name) }
            }
        }
        if json["choices"] == nil, json["finish_reason"] != nil, let reason = json.string("finish_reason") {
            summary.finishReasons.append(reason)
        }
        if summary.outputText == nil, json["choices"] == nil, let text = json.string("text") ?? json.string("response") {
            summary.outputText = text  // Cohere v1, Ollama generate
        }
        // Gemini: candidates[].content.parts[].text, finishReason.
        if let candidates = json["candidates"] as? [[String: Any]] {
            var texts: [String] = []
            for candidate in candidates {
                if let reason = candidate.string("finishReason") { summary.finishReasons.append(reason) }
                let parts = ((candidate["content"] as? [String: Any])?["parts"] as? [[String: Any]]) ?? []
                texts += parts.compactMap { $0.string("text") }
                summary.toolCalls += parts.compactMap { ($0["functionCall"] as? [String: Any])?.string("name") }
            }
            if !texts.isEmpty { summary.outputText = texts.joined() }
        }
        // Bedrock converse: output.message.content[].text.
        if let output = json["output"] as? [String: Any], let message = output["message"] as? [String: Any] {
            let blocks = (message["content"] as? [[String: Any]]) ?? []
            let texts = blocks.compactMap { $0.string("text") }
            if !texts.isEmpty { summary.outputText = texts.joined() }
            summary.toolCalls += blocks.compactMap { ($0["toolUse"] as? [String: Any])?.string("name") }
        }
        return summary
    }

    /// Reads token counts from any of the known usage blocks.
    static func usage(from json: [String: Any]) -> LLMUsage {
        var usage = LLMUsage()
        if let block = json["usage"] as? [String: Any] {
            // OpenAI chat / embeddings / Mistral / compatibles.
            usage.inputTokens = block.int("prompt_tokens") ?? block.int("input_tokens") ?? block.int("inputTokens")
            usage.outputTokens = block.int("completion_tokens") ?? block.int("output_tokens") ?? block.int("outputTokens")
            usage.totalTokens = block.int("total_tokens") ?? block.int("totalTokens")
            let promptDetails = (block["prompt_tokens_details"] ?? block["input_tokens_details"]) as? [String: Any]
            let completionDetails =
                (block["completion_tokens_details"] ?? block["output_tokens_details"]) as? [String: Any]
            usage.cacheReadTokens =
                promptDetails?.int("cached_tokens") ?? block.int("cache_read_input_tokens")
                ?? block.int("cacheReadInputTokens") ?? block.int("prompt_cache_hit_tokens")
            usage.cacheCreationTokens = block.int("cache_creation_input_tokens") ?? block.int("cacheWriteInputTokens")
            usage.reasoningTokens = completionDetails?.int("reasoning_tokens")
            // Anthropic reports input without the cached part: the prompt is all three together.
            if block["cache_read_input_tokens"] != nil || block["cache_creation_input_tokens"] != nil,
               block["prompt_tokens"] == nil, let input = usage.inputTokens
            {
                usage.inputTokens = input.addingSaturated(usage.cacheReadTokens ?? 0)
                    .addingSaturated(usage.cacheCreationTokens ?? 0)
            }
            // Cohere v2: usage.tokens / usage.billed_units.
            if usage.inputTokens == nil, let tokens = (block["tokens"] ?? block["billed_units"]) as? [String: Any] {
                usage.inputTokens = tokens.int("input_tokens")
                usage.outputTokens = tokens.int("output_tokens")
            }
        }
        if let meta = json["usageMetadata"] as? [String: Any] {
            // Gemini: candidates exclude thoughts; output is both.
            usage.inputTokens = meta.int("promptTokenCount")
            let candidates = meta.int("candidatesTokenCount")
            let thoughts = meta.int("thoughtsTokenCount")
            usage.outputTokens = candidates.map { $0.addingSaturated(thoughts ?? 0) } ?? thoughts
            usage.totalTokens = meta.int("totalTokenCount")
            usage.cacheReadTokens = meta.int("cachedContentTokenCount")
            usage.reasoningTokens = thoughts
        }
        if usage.isEmpty, let meta = json["meta"] as? [String: Any],
           let tokens = (meta["tokens"] ?? meta["billed_units"]) as? [String: Any]
        {
            // Cohere v1.
            usage.inputTokens = tokens.int("input_tokens")
            usage.outputTokens = tokens.int("output_tokens")
        }
        if usage.isEmpty, json["prompt_eval_count"] != nil || json["eval_count"] != nil {
            // Ollama native.
            usage.inputTokens = json.int("prompt_eval_count")
            usage.outputTokens = json.int("eval_count")
        }
        return usage
    }
}

extension Dictionary where Key == String, Value == Any {
    func string(_ key: String) -> String? { self[key] as? String }

    /// An integer field; JSON numbers that are whole and in range only.
    func int(_ key: String) -> Int? {
        switch self[key] {
        case let value as Int: return value >= 0 ? value : nil
        case let value as Double:
            guard value.isFinite, value >= 0, value.rounded() == value, value < 9.0e15 else { return nil }
            return Int(value)
        case let value as NSNumber: return value.intValue >= 0 ? value.intValue : nil
        default: return nil
        }
    }
}
