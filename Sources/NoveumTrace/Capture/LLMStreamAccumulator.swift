import Foundation

/// Folds the events of a streamed model response into one ``LLMResponseSummary``: text deltas, tool calls, finish
/// reasons, model, id and the final usage, for the OpenAI, Anthropic and Gemini streaming formats.
struct LLMStreamAccumulator: Sendable {
    let format: LLMAPIFormat
    private(set) var model: String?
    private(set) var responseID: String?
    private(set) var text = ""
    private(set) var hasText = false
    private(set) var finishReasons: [String] = []
    private(set) var toolCalls: [String] = []
    private(set) var usage = LLMUsage()
    /// Events that carried data (the `[DONE]` marker excluded).
    private(set) var events = 0
    /// The error an `error` event reported, if any.
    private(set) var errorMessage: String?
    private(set) var errorType: String?

    /// Anthropic splits usage: input in `message_start`, output in `message_delta`.
    private var anthropicStart = LLMUsage()

    init(format: LLMAPIFormat) {
        self.format = format
    }

    /// Consumes one event; returns whether it carried output (text or a tool call), for time to first token.
    mutating func consume(_ event: ServerSentEvent) -> Bool {
        let data = event.data
        guard data != "[DONE]",
              let object = try? JSONSerialization.jsonObject(with: Data(data.utf8)),
              let json = object as? [String: Any]
        else { return false }
        events += 1
        if let error = json["error"] as? [String: Any] {
            errorMessage = error.string("message")
            errorType = error.string("type") ?? error.string("status")
            return false
        }
        switch format {
        case .anthropic: return consumeAnthropic(json, type: event.event ?? json.string("type"))
        case .openAI where (json.string("type") ?? "").hasPrefix("response."): return consumeResponsesAPI(json)
        case .openAI, .gemini: return consumeChunk(json)
        }
    }

    /// The response the stream described.
    var summary: LLMResponseSummary {
        LLMResponseSummary(
            model: model, responseID: responseID, usage: usage, finishReasons: finishReasons,
            outputText: hasText ? text : nil, toolCalls: toolCalls)
    }

    /// OpenAI chat and completion chunks and Gemini responses: each is a small response of its own.
    private mutating func consumeChunk(_ json: [String: Any]) -> Bool {
        let chunk = LLMResponseSummary.parse(object: json)
        if let value = chunk.model { model = value }
        if let value = chunk.responseID, responseID == nil { responseID = value }
        finishReasons += chunk.finishReasons
        if !chunk.usage.isEmpty { usage = chunk.usage }  // the last report is the total
        var output = false
        if let delta = chunk.outputText, !delta.isEmpty {
            text += delta
            hasText = true
            output = true
        }
        if format == .openAI, let choices = json["choices"] as? [[String: Any]] {
            // Streamed tool calls name the function once, in their first delta.
            for choice in choices {
                for call in ((choice["delta"] as? [String: Any])?["tool_calls"] as? [[String: Any]]) ?? [] {
                    output = true
                    if let name = (call["function"] as? [String: Any])?.string("name") { toolCalls.append(name) }
                }
            }
        } else if !chunk.toolCalls.isEmpty {
            toolCalls += chunk.toolCalls
            output = true
        }
        return output
    }

    /// OpenAI responses API events: `response.output_text.delta`, `response.completed`.
    private mutating func consumeResponsesAPI(_ json: [String: Any]) -> Bool {
        switch json.string("type") {
        case "response.output_text.delta":
            guard let delta = json.string("delta") else { return false }
            text += delta
            hasText = true
            return true
        case "response.completed", "response.incomplete", "response.failed":
            guard let response = json["response"] as? [String: Any] else { return false }
            let final = LLMResponseSummary.parse(object: response)
            model = final.model ?? model
            responseID = final.responseID ?? responseID
            if !final.usage.isEmpty { usage = final.usage }
            finishReasons = final.finishReasons
            toolCalls = final.toolCalls
            return false
        default:
            return false
        }
    }

    /// Anthropic events: message_start, content_block_start, content_block_delta, message_delta, message_stop.
    private mutating func consumeAnthropic(_ json: [String: Any], type: String?) -> Bool {
        switch type {
        case "message_start":
            guard let message = json["message"] as? [String: Any] else { return false }
            let start = LLMResponseSummary.parse(object: message)
            model = start.model ?? model
            responseID = start.responseID ?? responseID
            anthropicStart = start.usage
            usage = start.usage
            return false
        case "content_block_start":
            guard let block = json["content_block"] as? [String: Any], block.string("type") == "tool_use" else {
                return false
            }
            if let name = block.string("name") { toolCalls.append(name) }
            return true
        case "content_block_delta":
            guard let delta = json["delta"] as? [String: Any] else { return false }
            if let piece = delta.string("text") {
                text += piece
                hasText = true
                return true
            }
            return delta.string("type") == "input_json_delta"
        case "message_delta":
            if let reason = (json["delta"] as? [String: Any])?.string("stop_reason") { finishReasons.append(reason) }
            let delta = LLMResponseSummary.usage(from: json)
            usage = LLMUsage(
                inputTokens: delta.inputTokens ?? anthropicStart.inputTokens,
                outputTokens: delta.outputTokens ?? anthropicStart.outputTokens,
                cacheReadTokens: delta.cacheReadTokens ?? anthropicStart.cacheReadTokens,
                cacheCreationTokens: delta.cacheCreationTokens ?? anthropicStart.cacheCreationTokens)
            return false
        default:
            return false
        }
    }
}
