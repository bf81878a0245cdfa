import Foundation
import NoveumTrace

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A real model behind an OpenAI-compatible `POST {baseURL}/chat/completions` endpoint (OpenAI, a local server,
/// a gateway). The demo uses it when `OPENAI_BASE_URL` or `OPENAI_API_KEY` is set.
///
/// Requests go through HTTP-level capture (``TracedURLSession``), so each call also gets a span made from the wire:
/// the request's parameters, the server's model, usage and finish reason, as an agent's unmodified HTTP client
/// would be traced. `OPENAI_MODEL` replaces the model names the workflow asks for (a local server serves one model).
public struct OpenAICompatibleChatModel: ChatModel {
    /// The API base, for example `https://api.openai.com/v1` or `http://127.0.0.1:8080/v1`.
    public var baseURL: URL
    /// Sent as a bearer token when set.
    public var apiKey: String?
    /// Replaces the model the workflow asks for, when set.
    public var modelOverride: String?

    /// Creates a model client for `baseURL`.
    public init(baseURL: URL, apiKey: String?, modelOverride: String? = nil) {
        self.baseURL = baseURL
        self.apiKey = apiKey
        self.modelOverride = modelOverride
    }

    /// The model configured by `OPENAI_BASE_URL` (default `https://api.openai.com/v1`) and `OPENAI_API_KEY`, or
    /// nil when neither is set.
    public static func fromEnvironment(_ environment: [String: String]) -> OpenAICompatibleChatModel? {
        let base = environment["OPENAI_BASE_URL"].flatMap { $0.isEmpty ? nil : $0 }
        let key = environment["OPENAI_API_KEY"].flatMap { $0.isEmpty ? nil : $0 }
        guard base != nil || key != nil, let url = URL(string: base ?? "https://api.openai.com/v1") else { return nil }
        let model = environment["OPENAI_MODEL"].flatMap { $0.isEmpty ? nil : $0 }
        return OpenAICompatibleChatModel(baseURL: url, apiKey: key, modelOverride: model)
    }

    public var provider: String { "openai" }

    private struct Request: Encodable {
        var model: String
        var messages: [ChatMessage]
        /// A short answer is enough for the demo, and keeps a small local model from writing until its context ends.
        var max_tokens = 64
    }

    private struct Response: Decodable {
        struct Choice: Decodable {
            struct Message: Decodable { var content: String? }
            var message: Message
        }
        struct Usage: Decodable {
            var prompt_tokens: Int?
            var completion_tokens: Int?
        }
        var model: String?
        var choices: [Choice]
        var usage: Usage?
    }

    public func complete(model: String, messages: [ChatMessage]) async throws -> ChatReply {
        var request = URLRequest(url: baseURL.appendingPathComponent("chat/completions"))
        request.httpMethod = "POST"
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        if let apiKey { request.setValue("Bearer \(apiKey)", forHTTPHeaderField: "Authorization") }
        request.httpBody = try JSONEncoder().encode(Request(model: modelOverride ?? model, messages: messages))
        request.timeoutInterval = 60
        let capture = LLMHTTPCapture.default.adding(baseURL: baseURL.absoluteString, provider: provider)
        let (data, response) = try await TracedURLSession(capture: capture).data(for: request)
        let status = (response as? HTTPURLResponse)?.statusCode ?? 0
        guard (200..<300).contains(status) else {
            throw CLIError("The model endpoint answered HTTP \(status): \(String(decoding: data.prefix(300), as: UTF8.self))")
        }
        let decoded = try JSONDecoder().decode(Response.self, from: data)
        let text = decoded.choices.first?.message.content ?? ""
        return ChatReply(
            text: text, model: decoded.model ?? model, inputTokens: decoded.usage?.prompt_tokens ?? 0,
            outputTokens: decoded.usage?.completion_tokens ?? 0)
    }
}
