import Testing
@testable import NoveumTrace

/// Response bodies in each provider's documented format.
enum ProviderResponses {
    static let openAIChat = """
        {"id":"chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT","object":"chat.completion","created":1741569952,
         "model":"gpt-4.1-2025-04-14","choices":[{"index":0,"message":{"role":"assistant",
         "content":"Hello! How can I assist you today?","refusal":null,"annotations":[]},"logprobs":null,
         "finish_reason":"stop"}],"usage":{"prompt_tokens":19,"completion_tokens":10,"total_tokens":29,
         "prompt_tokens_details":{"cached_tokens":0,"audio_tokens":0},"completion_tokens_details":{
         "reasoning_tokens":0,"audio_tokens":0,"accepted_prediction_tokens":0,"rejected_prediction_tokens":0}},
         "service_tier":"default"}
        """
    static let openAIToolCall = """
        {"id":"chatcmpl-abc123","object":"chat.completion","created":1699896916,"model":"gpt-4o-mini",
         "choices":[{"index":0,"message":{"role":"assistant","content":null,"tool_calls":[{"id":"call_abc123",
         "type":"function","function":{"name":"get_current_weather","arguments":"{\\"location\\": \\"Boston, MA\\"}"}}]},
         "logprobs":null,"finish_reason":"tool_calls"}],"usage":{"prompt_tokens":82,"completion_tokens":17,
         "total_tokens":99,"completion_tokens_details":{"reasoning_tokens":0}}}
        """
    static let openAIResponses = """
        {"id":"resp_67ccd2bed1ec8190b14f964abc0542670bb6a6b452d3795b","object":"response","created_at":1741476542,
         "status":"completed","model":"gpt-4.1-2025-04-14","output":[{"type":"message",
         "id":"msg_67ccd2bf17f0819081ff3bb2cf6508e60bb6a6b452d3795b","status":"completed","role":"assistant",
         "content":[{"type":"output_text","text":"In a peaceful grove beneath a silver moon...","annotations":[]}]}],
         "usage":{"input_tokens":36,"input_tokens_details":{"cached_tokens":0},"output_tokens":87,
         "output_tokens_details":{"reasoning_tokens":0},"total_tokens":123}}
        """
    static let openAIEmbeddings = """
        {"object":"list","data":[{"object":"embedding","embedding":[0.0023064255,-0.009327292],"index":0}],
         "model":"text-embedding-3-small","usage":{"prompt_tokens":8,"total_tokens":8}}
        """
    static let anthropic = """
        {"id":"msg_013Zva2CMHLNnXjNJJKqJ2EF","type":"message","role":"assistant","model":"claude-sonnet-4-20250514",
         "content":[{"type":"text","text":"Hi! My name is Claude."}],"stop_reason":"end_turn","stop_sequence":null,
         "usage":{"input_tokens":2095,"output_tokens":503,"cache_creation_input_tokens":100,
         "cache_read_input_tokens":2000}}
        """
    static let gemini = """
        {"candidates":[{"content":{"parts":[{"text":"AI learns patterns from data."}],"role":"model"},
         "finishReason":"STOP","avgLogprobs":-0.1}],"usageMetadata":{"promptTokenCount":8,"candidatesTokenCount":7,
         "totalTokenCount":40,"thoughtsTokenCount":25,"cachedContentTokenCount":4},
         "modelVersion":"gemini-2.5-flash","responseId":"abc-123"}
        """
    static let bedrock = """
        {"output":{"message":{"role":"assistant","content":[{"text":"Hello from Bedrock."}]}},"stopReason":"end_turn",
         "usage":{"inputTokens":30,"outputTokens":628,"totalTokens":658,"cacheReadInputTokens":5,
         "cacheWriteInputTokens":7},"metrics":{"latencyMs":1275}}
        """
    static let mistral = """
        {"id":"cmpl-e5cc70bb28c444948073e77776eb30ef","object":"chat.completion","model":"mistral-small-latest",
         "usage":{"prompt_tokens":16,"completion_tokens":34,"total_tokens":50},"created":1702256327,
         "choices":[{"index":0,"message":{"content":"Bonjour!","tool_calls":null,"prefix":false,"role":"assistant"},
         "finish_reason":"stop"}]}
        """
    static let cohereV2 = """
        {"id":"c14c80c3-18eb-4519-9460-6c92edd8cfb4","finish_reason":"COMPLETE","message":{"role":"assistant",
         "content":[{"type":"text","text":"LLMs are neural networks."}]},"usage":{"billed_units":{"input_tokens":5,
         "output_tokens":418},"tokens":{"input_tokens":71,"output_tokens":418}}}
        """
    static let ollamaNative = """
        {"model":"llama3.2","created_at":"2023-08-04T19:22:45.499127Z","message":{"role":"assistant",
         "content":"The sky is blue."},"done":true,"done_reason":"stop","total_duration":4883583458,
         "prompt_eval_count":26,"eval_count":282}
        """
    static let deepSeek = """
        {"id":"930c60df-bf64-41c9-a88e-3ec75f81e00e","object":"chat.completion","created":1705651092,
         "model":"deepseek-chat","choices":[{"index":0,"message":{"role":"assistant","content":"Hello!"},
         "finish_reason":"stop"}],"usage":{"prompt_tokens":16,"completion_tokens":10,"total_tokens":26,
         "prompt_cache_hit_tokens":12,"prompt_cache_miss_tokens":4}}
        """
    static let llamaCpp = """
        {"choices":[{"finish_reason":"length","index":0,"message":{"role":"assistant","content":"Hi there"}}],
         "created":1764212345,"model":"smollm2","system_fingerprint":"b1-abc","object":"chat.completion",
         "usage":{"completion_tokens":8,"prompt_tokens":31,"total_tokens":39,"prompt_tokens_details":{"cached_tokens":0}},
         "id":"chatcmpl-xyz"}
        """
}

@Suite("LLM response parsing")
struct LLMResponseParsingTests {
    func parse(_ text: String) throws -> LLMResponseSummary {
        try #require(LLMResponseSummary.parse(Array(text.utf8)))
    }

    @Test("OpenAI chat completions")
    func openAIChat() throws {
        let s = try parse(ProviderResponses.openAIChat)
        #expect(s.model == "gpt-4.1-2025-04-14")
        #expect(s.responseID == "chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT")
        #expect(s.usage == LLMUsage(inputTokens: 19, outputTokens: 10, totalTokens: 29, cacheReadTokens: 0, reasoningTokens: 0))
        #expect(s.finishReasons == ["stop"])
        #expect(s.outputText == "Hello! How can I assist you today?")
    }

    @Test("OpenAI tool calls")
    func openAIToolCall() throws {
        let s = try parse(ProviderResponses.openAIToolCall)
        #expect(s.toolCalls == ["get_current_weather"])
        #expect(s.outputText == nil)
        #expect(s.finishReasons == ["tool_calls"])
        #expect(s.usage.totalTokens == 99)
    }

    @Test("OpenAI responses API")
    func openAIResponses() throws {
        let s = try parse(ProviderResponses.openAIResponses)
        #expect(s.usage == LLMUsage(inputTokens: 36, outputTokens: 87, totalTokens: 123, cacheReadTokens: 0, reasoningTokens: 0))
        #expect(s.outputText == "In a peaceful grove beneath a silver moon...")
        #expect(s.finishReasons == ["completed"])
    }

    @Test("OpenAI embeddings")
    func embeddings() throws {
        let s = try parse(ProviderResponses.openAIEmbeddings)
        #expect(s.usage.inputTokens == 8)
        #expect(s.usage.outputTokens == nil)
        #expect(s.usage.totalTokens == 8)
        #expect(s.model == "text-embedding-3-small")
    }

    @Test("Anthropic messages: the prompt includes cache reads and writes")
    func anthropic() throws {
        let s = try parse(ProviderResponses.anthropic)
        #expect(s.usage == LLMUsage(inputTokens: 4195, outputTokens: 503, cacheReadTokens: 2000, cacheCreationTokens: 100))
        #expect(s.usage.totalTokens == 4698)
        #expect(s.finishReasons == ["end_turn"])
        #expect(s.outputText == "Hi! My name is Claude.")
    }

    @Test("Gemini: output counts thoughts too")
    func gemini() throws {
        let s = try parse(ProviderResponses.gemini)
        #expect(s.usage == LLMUsage(inputTokens: 8, outputTokens: 32, totalTokens: 40, cacheReadTokens: 4, reasoningTokens: 25))
        #expect(s.model == "gemini-2.5-flash")
        #expect(s.finishReasons == ["STOP"])
        #expect(s.outputText == "AI learns patterns from data.")
    }

    @Test("Bedrock converse")
    func bedrock() throws {
        let s = try parse(ProviderResponses.bedrock)
        #expect(s.usage == LLMUsage(inputTokens: 30, outputTokens: 628, totalTokens: 658, cacheReadTokens: 5, cacheCreationTokens: 7))
        #expect(s.finishReasons == ["end_turn"])
        #expect(s.outputText == "Hello from Bedrock.")
    }

    @Test("Mistral, DeepSeek and llama.cpp use the OpenAI shape")
    func compatibles() throws {
        #expect(try parse(ProviderResponses.mistral).usage.totalTokens == 50)
        let deepSeek = try parse(ProviderResponses.deepSeek)
        #expect(deepSeek.usage.cacheReadTokens == 12)
        let llama = try parse(ProviderResponses.llamaCpp)
        #expect(llama.usage == LLMUsage(inputTokens: 31, outputTokens: 8, totalTokens: 39, cacheReadTokens: 0))
        #expect(llama.finishReasons == ["length"])
    }

    @Test("Cohere v2 and Ollama native")
    func cohereAndOllama() throws {
        let cohere = try parse(ProviderResponses.cohereV2)
        #expect(cohere.usage.inputTokens == 71 && cohere.usage.outputTokens == 418)
        #expect(cohere.finishReasons == ["COMPLETE"])
        #expect(cohere.outputText == "LLMs are neural networks.")
        let ollama = try parse(ProviderResponses.ollamaNative)
        #expect(ollama.usage == LLMUsage(inputTokens: 26, outputTokens: 282))
        #expect(ollama.finishReasons == ["stop"])
        #expect(ollama.outputText == "The sky is blue.")
    }

    @Test(
        "malformed or hostile JSON gives nil or empty fields, never a crash",
        arguments: [
            "", "null", "[]", "{", "{\"usage\": 5}", "{\"usage\": {\"prompt_tokens\": -3}}",
            "{\"usage\": {\"prompt_tokens\": 1e300}}", "{\"choices\": \"nope\"}", "{\"choices\": [1, 2, null]}",
            "{\"usageMetadata\": {\"promptTokenCount\": \"8\"}}", "\u{FEFF}{}", "{\"model\": 42}",
        ])
    func malformed(text: String) {
        let parsed = LLMResponseSummary.parse(Array(text.utf8))
        if let parsed {
            #expect(parsed.usage.inputTokens == nil)
            #expect(parsed.model == nil)
        }
    }
}
