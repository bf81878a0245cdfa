import Foundation

/// A stand-in model that needs no network and no key: the same messages always give the same reply, token counts
/// and latency, so the demo and the tests are reproducible.
public struct DeterministicChatModel: ChatModel {
    /// Whether to wait the simulated latency (off in tests).
    public var simulateLatency: Bool

    /// Creates the model; `simulateLatency` waits a deterministic time per reply.
    public init(simulateLatency: Bool = true) {
        self.simulateLatency = simulateLatency
    }

    public var provider: String { "openai" }

    public func complete(model: String, messages: [ChatMessage]) async throws -> ChatReply {
        let prompt = messages.map(\.content).joined(separator: "\n")
        let last = messages.last?.content ?? ""
        let text: String
        if last.hasPrefix("Enhance this query:") {
            let query = last.dropFirst("Enhance this query:".count).trimmingCharacters(in: .whitespaces)
            text = "\(query) (include: definition, how it works, practical examples, common pitfalls)"
        } else {
            let context = messages.first { $0.role == "system" }?.content ?? ""
            let facts = context.split(separator: "\n").prefix(2).map { "- " + $0 }.joined(separator: "\n")
            text = "Here is a short answer based on the retrieved documents:\n\(facts)\n"
                + "In short: start small, measure, and trace every model call."
        }
        if simulateLatency {
            // Latency grows with the output, like a real model; deterministic for the same input.
            try await Task.sleep(for: .milliseconds(20 + text.count / 4))
        }
        return ChatReply(
            text: text, model: model, inputTokens: Self.tokens(prompt) + 4 * messages.count,
            outputTokens: Self.tokens(text))
    }

    /// Roughly a token per 4 characters, as English text averages.
    static func tokens(_ text: String) -> Int {
        max(1, (text.utf8.count + 3) / 4)
    }
}
