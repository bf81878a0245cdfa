import NoveumTraceTestSupport

/// Responses in each provider's documented wire format, written for these tests.
enum ProviderFixtures {
    // MARK: OpenAI chat completions

    static let openAIChat = """
        {"id":"chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT","object":"chat.completion","created":1741569952,\
        "model":"gpt-4o-mini-2024-07-18","choices":[{"index":0,"message":{"role":"assistant",\
        "content":"Hello! How can I help you today?","refusal":null,"annotations":[]},"logprobs":null,\
        "finish_reason":"stop"}],"usage":{"prompt_tokens":19,"completion_tokens":10,"total_tokens":29,\
        "prompt_tokens_details":{"cached_tokens":0,"audio_tokens":0},"completion_tokens_details":\
        {"reasoning_tokens":0,"audio_tokens":0,"accepted_prediction_tokens":0,"rejected_prediction_tokens":0}},\
        "service_tier":"default","system_fingerprint":"fp_06737a9306"}
        """

    /// A chunk as OpenAI streams it: with `"usage"` (null, or the usage object) when the request asked for
    /// usage, without the member when it did not.
    private static func openAIChunk(_ choices: String, usage: String? = "null") -> String {
        let usageMember = usage.map { #","usage":\#($0)"# } ?? ""
        return """
            {"id":"chatcmpl-stream1","object":"chat.completion.chunk","created":1741569953,\
            "model":"gpt-4o-mini-2024-07-18","system_fingerprint":"fp_06737a9306","choices":[\(choices)]\(usageMember)}
            """
    }

    /// A stream with `stream_options.include_usage`: role chunk, two content deltas, the finish chunk, the usage
    /// chunk with no choices, then `[DONE]`. Chunk boundaries fall inside events, as they may on the wire.
    static var openAIChatStream: [String] { openAIChatStream(includeUsage: true) }

    /// The same stream as OpenAI sends it with or without `stream_options.include_usage`: without it, no usage
    /// chunk and no `"usage"` member.
    static func openAIChatStream(includeUsage: Bool) -> [String] {
        let null: String? = includeUsage ? "null" : nil
        var events = [
            openAIChunk(#"{"index":0,"delta":{"role":"assistant","content":"","refusal":null},"logprobs":null,"finish_reason":null}"#, usage: null),
            openAIChunk(#"{"index":0,"delta":{"content":"Hello"},"logprobs":null,"finish_reason":null}"#, usage: null),
            openAIChunk(#"{"index":0,"delta":{"content":" there!"},"logprobs":null,"finish_reason":null}"#, usage: null),
            openAIChunk(#"{"index":0,"delta":{},"logprobs":null,"finish_reason":"stop"}"#, usage: null),
        ]
        if includeUsage {
            events.append(openAIChunk(
                "", usage: #"{"prompt_tokens":12,"completion_tokens":3,"total_tokens":15,"prompt_tokens_details":{"cached_tokens":0,"audio_tokens":0},"completion_tokens_details":{"reasoning_tokens":0}}"#))
        }
        let lines = events.map { "data: \($0)\n\n" } + ["data: [DONE]\n\n"]
        let second = lines[1]
        let cut = second.index(second.startIndex, offsetBy: 20)
        return [lines[0], String(second[..<cut]), String(second[cut...]) + lines[2]]
            + (includeUsage ? [lines[3] + lines[4], lines[5]] : [lines[3], lines[4]])
    }

    /// What an OpenAI server answers a streamed chat request: the stream with usage when the request asks for it
    /// (`"include_usage":true`), else without.
    static func openAIChatStreamReply(to request: ProviderRequest, gate: Gate? = nil) -> ProviderReply {
        let asks = String(decoding: request.body, as: UTF8.self).contains(#""include_usage":true"#)
        return .events(openAIChatStream(includeUsage: asks), gate: gate)
    }

    static let openAIError = """
        {"error":{"message":"'messages' must contain at least one message","type":"invalid_request_error",\
        "param":"messages","code":null}}
        """

    // MARK: Anthropic messages

    static let anthropicMessage = """
        {"id":"msg_01XFDUDYJgAACzvnptvVoYEL","type":"message","role":"assistant","model":"claude-sonnet-4-20250514",\
        "content":[{"type":"text","text":"Hi! What can I do for you?"}],"stop_reason":"end_turn","stop_sequence":null,\
        "usage":{"input_tokens":14,"cache_creation_input_tokens":0,"cache_read_input_tokens":0,"output_tokens":12}}
        """

    /// message_start, a text block with two deltas, a ping, message_delta (stop reason, output tokens), message_stop,
    /// with CRLF line breaks.
    static var anthropicStream: [String] {
        let events: [(String, String)] = [
            ("message_start", #"{"type":"message_start","message":{"id":"msg_stream1","type":"message","role":"assistant","content":[],"model":"claude-sonnet-4-20250514","stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":25,"cache_creation_input_tokens":0,"cache_read_input_tokens":0,"output_tokens":1}}}"#),
            ("content_block_start", #"{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}"#),
            ("ping", #"{"type": "ping"}"#),
            ("content_block_delta", #"{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hello"}}"#),
            ("content_block_delta", #"{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":", world"}}"#),
            ("content_block_stop", #"{"type":"content_block_stop","index":0}"#),
            ("message_delta", #"{"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"output_tokens":15}}"#),
            ("message_stop", #"{"type":"message_stop"}"#),
        ]
        let text = events.map { "event: \($0.0)\r\ndata: \($0.1)\r\n\r\n" }
        // Split one CRLF between two chunks.
        let fourth = text[3]
        let cr = fourth.firstIndex(of: "\r\n")!
        return [text[0] + text[1], text[2] + String(fourth[..<cr]) + "\r", "\n" + String(fourth[fourth.index(after: cr)...])]
            + text[4...].map { $0 }
    }

    // MARK: Gemini

    static let geminiContent = """
        {"candidates":[{"content":{"parts":[{"text":"The sky is blue because of Rayleigh scattering."}],\
        "role":"model"},"finishReason":"STOP","avgLogprobs":-0.12,"index":0}],"usageMetadata":{"promptTokenCount":9,\
        "candidatesTokenCount":11,"totalTokenCount":20,"promptTokensDetails":[{"modality":"TEXT","tokenCount":9}]},\
        "modelVersion":"gemini-2.0-flash","responseId":"mYNbaLfAOsaJ1dkPq5nJgAk"}
        """

    /// `streamGenerateContent?alt=sse`: three partial responses, usage growing, the finish reason in the last.
    static var geminiStream: [String] {
        func event(_ text: String, finish: String?, candidates: Int) -> String {
            let reason = finish.map { #","finishReason":"\#($0)""# } ?? ""
            return """
                data: {"candidates":[{"content":{"parts":[{"text":"\(text)"}],"role":"model"}\(reason),"index":0}],\
                "usageMetadata":{"promptTokenCount":7,"candidatesTokenCount":\(candidates),"totalTokenCount":\
                \(7 + candidates)},"modelVersion":"gemini-2.0-flash","responseId":"gemini-stream-1"}\r\n\r\n
                """
        }
        return [
            event("Roses are", finish: nil, candidates: 2), event(" red,", finish: nil, candidates: 4),
            event(" violets blue.", finish: "STOP", candidates: 8),
        ]
    }
}
