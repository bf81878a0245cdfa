/// A deterministic stand-in for an OpenAI-style chat client, so the examples run with no account and no network.
struct ChatResponse: Sendable {
    struct Usage: Sendable {
        let promptTokens: Int
        let completionTokens: Int
        var totalTokens: Int { promptTokens + completionTokens }
    }

    let content: String
    let usage: Usage
}

struct Message: Sendable {
    let role: String
    let content: String
}

enum LLMError: Error, CustomStringConvertible {
    case rateLimited(model: String)

    var description: String {
        switch self {
        case .rateLimited(let model): return "rate limited on \(model)"
        }
    }
}

struct FakeOpenAI: Sendable {
    /// Answers from the messages' words, counting a token per word, after a short pause like a real call.
    func chat(model: String, messages: [Message]) async throws -> ChatResponse {
        try await Task.sleep(for: .milliseconds(model.hasPrefix("gpt-4") ? 12 : 4))
        let prompt = messages.map(\.content).joined(separator: " ")
        if prompt.contains("fail") { throw LLMError.rateLimited(model: model) }
        let words = prompt.split(separator: " ")
        let answer = "Answer about " + words.suffix(4).joined(separator: " ")
        return ChatResponse(
            content: answer,
            usage: .init(promptTokens: words.count + 3, completionTokens: answer.split(separator: " ").count))
    }
}

struct SearchHit: Sendable {
    let content: String
    let score: Double
}

struct FakeVectorDB: Sendable {
    func search(_ query: String) async -> [SearchHit] {
        try? await Task.sleep(for: .milliseconds(2))
        return [
            SearchHit(content: "Tracing records what AI code does.", score: 0.92),
            SearchHit(content: "Spans nest into a trace tree.", score: 0.87),
            SearchHit(content: "Sampling keeps overhead low.", score: 0.71),
        ]
    }
}
