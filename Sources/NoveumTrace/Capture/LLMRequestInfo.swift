import Foundation

/// What a model API request says: the operation, model, sampling parameters, whether it streams, and the input.
struct LLMRequestInfo: Sendable, Equatable {
    /// `chat`, `text_completion`, `embeddings` or `generate_content`.
    var operation: String
    var model: String?
    var stream = false
    /// OpenAI's `stream_options.include_usage`.
    var includeUsage: Bool?
    /// Whether the body has a `stream_options` member at all.
    var hasStreamOptions = false
    /// Whether a stream of this request reports its usage only when asked (OpenAI chat and text completions).
    var usageNeedsAsking = false
    var temperature: Double?
    var topP: Double?
    var topK: Double?
    var maxTokens: Int?
    var stopSequences: [String]?
    var seed: Int?
    var frequencyPenalty: Double?
    var presencePenalty: Double?
    /// How many choices (candidates) were asked for: OpenAI `n`, Gemini `candidateCount`.
    var choiceCount: Int?
    /// The output type asked for, as the GenAI conventions name it: `json` for a JSON response format or MIME type,
    /// `text` for plain text.
    var outputType: String?
    /// Embeddings only: the encoding format (`float`, `base64`) and the dimensions asked for.
    var encodingFormats: [String]?
    var dimensions: Int?
    /// OpenAI's `service_tier` when the request names one other than `auto`.
    var serviceTier: String?
    /// OpenAI's API the path belongs to (`openai.api.type`): `chat_completions`, `responses`, `completions` or
    /// `embeddings`.
    var apiType: String?
    var toolCount: Int?
    /// The input as JSON: messages, prompt or embedding input.
    var inputJSON: String?
    /// System instructions sent apart from the messages (Anthropic `system`, Gemini `systemInstruction`, OpenAI
    /// responses `instructions`), as JSON.
    var systemJSON: String?

    /// Reads a request to `path` of an endpoint in `format`; nil when the path is not a model call the SDK traces
    /// (listing models, counting tokens, uploading files).
    static func parse(format: LLMAPIFormat, path: String, body: [UInt8]) -> LLMRequestInfo? {
        let json = (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any] ?? [:]
        switch format {
        case .openAI: return openAI(path: path, json: json)
        case .anthropic: return anthropic(path: path, json: json)
        case .gemini: return gemini(path: path, json: json)
        }
    }

    private static func openAI(path: String, json: [String: Any]) -> LLMRequestInfo? {
        let operation: String
        let inputKey: String
        if path.hasSuffix("/chat/completions") {
            (operation, inputKey) = ("chat", "messages")
        } else if path.hasSuffix("/completions") {
            (operation, inputKey) = ("text_completion", "prompt")
        } else if path.hasSuffix("/embeddings") {
            (operation, inputKey) = ("embeddings", "input")
        } else if path.hasSuffix("/responses") {
            (operation, inputKey) = ("chat", "input")
        } else {
            return nil
        }
        var info = LLMRequestInfo(operation: operation, model: json.string("model"))
        info.stream = json["stream"] as? Bool ?? false
        info.includeUsage = (json["stream_options"] as? [String: Any])?["include_usage"] as? Bool
        info.hasStreamOptions = json["stream_options"] != nil
        // Chat completions and legacy completions stream usage only when asked; the responses API always reports it.
        info.usageNeedsAsking = operation != "embeddings" && !path.hasSuffix("/responses")
        info.temperature = json.double("temperature")
        info.topP = json.double("top_p")
        info.maxTokens = json.int("max_completion_tokens") ?? json.int("max_tokens") ?? json.int("max_output_tokens")
        info.stopSequences = stringList(json["stop"])
        info.seed = json.int("seed")
        info.frequencyPenalty = json.double("frequency_penalty")
        info.presencePenalty = json.double("presence_penalty")
        info.choiceCount = json.int("n")
        // Chat completions: response_format.type; responses: text.format.type.
        let format = (json["response_format"] as? [String: Any])?.string("type")
            ?? ((json["text"] as? [String: Any])?["format"] as? [String: Any])?.string("type")
        info.outputType = format.map { $0.hasPrefix("json") ? "json" : $0 }
        if operation == "embeddings" {
            info.encodingFormats = json.string("encoding_format").map { [$0] }
            info.dimensions = json.int("dimensions")
        }
        if let tier = json.string("service_tier"), tier != "auto" { info.serviceTier = tier }
        info.apiType = path.hasSuffix("/responses") ? "responses"
            : operation == "chat" ? "chat_completions" : operation == "text_completion" ? "completions" : "embeddings"
        info.toolCount = (json["tools"] as? [Any])?.count
        info.inputJSON = jsonText(json[inputKey])
        info.systemJSON = jsonText(json["instructions"])
        return info
    }

    private static func anthropic(path: String, json: [String: Any]) -> LLMRequestInfo? {
        guard path.hasSuffix("/messages") else { return nil }
        var info = LLMRequestInfo(operation: "chat", model: json.string("model"))
        info.stream = json["stream"] as? Bool ?? false
        info.temperature = json.double("temperature")
        info.topP = json.double("top_p")
        info.topK = json.double("top_k")
        info.maxTokens = json.int("max_tokens")
        info.stopSequences = stringList(json["stop_sequences"])
        info.toolCount = (json["tools"] as? [Any])?.count
        info.inputJSON = jsonText(json["messages"])
        info.systemJSON = jsonText(json["system"])
        return info
    }

    private static func gemini(path: String, json: [String: Any]) -> LLMRequestInfo? {
        // /v1beta/models/{model}:{method}
        guard let colon = path.lastIndex(of: ":") else { return nil }
        let method = path[path.index(after: colon)...]
        let resource = path[..<colon]
        let model = resource.range(of: "/models/").map { String(resource[$0.upperBound...]) }
        var info: LLMRequestInfo
        switch method {
        case "generateContent", "streamGenerateContent":
            info = LLMRequestInfo(operation: "generate_content", model: model)
            info.stream = method == "streamGenerateContent"
            info.inputJSON = jsonText(json["contents"])
            info.systemJSON = jsonText(json["systemInstruction"] ?? json["system_instruction"])
        case "embedContent", "batchEmbedContents":
            info = LLMRequestInfo(operation: "embeddings", model: model)
            info.inputJSON = jsonText(json["content"] ?? json["requests"])
        default:
            return nil
        }
        let config = (json["generationConfig"] ?? json["generation_config"]) as? [String: Any] ?? [:]
        info.temperature = config.double("temperature")
        info.topP = config.double("topP") ?? config.double("top_p")
        info.topK = config.double("topK") ?? config.double("top_k")
        info.maxTokens = config.int("maxOutputTokens") ?? config.int("max_output_tokens")
        info.stopSequences = stringList(config["stopSequences"] ?? config["stop_sequences"])
        info.seed = config.int("seed")
        info.frequencyPenalty = config.double("frequencyPenalty") ?? config.double("frequency_penalty")
        info.presencePenalty = config.double("presencePenalty") ?? config.double("presence_penalty")
        info.choiceCount = config.int("candidateCount") ?? config.int("candidate_count")
        if let mime = config.string("responseMimeType") ?? config.string("response_mime_type") {
            info.outputType = mime == "application/json" ? "json" : mime == "text/plain" ? "text" : nil
        }
        info.toolCount = (json["tools"] as? [Any])?.count
        return info
    }

    private static func stringList(_ value: Any?) -> [String]? {
        if let text = value as? String { return [text] }
        return value as? [String]
    }

    /// `value` as compact JSON text; a string stays as it is.
    static func jsonText(_ value: Any?) -> String? {
        guard let value, !(value is NSNull) else { return nil }
        if let text = value as? String { return text }
        guard JSONSerialization.isValidJSONObject(value),
              let data = try? JSONSerialization.data(withJSONObject: value, options: [.sortedKeys, .withoutEscapingSlashes])
        else { return nil }
        return String(decoding: data, as: UTF8.self)
    }
}

extension Dictionary where Key == String, Value == Any {
    /// A numeric field as a Double.
    func double(_ key: String) -> Double? {
        switch self[key] {
        case let value as Double: return value
        case let value as Int: return Double(value)
        case let value as NSNumber: return value.doubleValue
        default: return nil
        }
    }
}
