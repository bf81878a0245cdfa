/// A chat message sent to a model.
public struct ChatMessage: Sendable, Hashable, Codable {
    /// `system`, `user` or `assistant`.
    public var role: String
    /// The message text.
    public var content: String

    /// Creates a message.
    public init(role: String, content: String) {
        self.role = role
        self.content = content
    }
}

/// A model's answer and what it cost in tokens.
public struct ChatReply: Sendable, Hashable {
    /// The generated text.
    public var text: String
    /// The model that answered (may differ from the one asked for).
    public var model: String
    /// Tokens read and written.
    public var inputTokens: Int
    /// See ``inputTokens``.
    public var outputTokens: Int

    /// Creates a reply.
    public init(text: String, model: String, inputTokens: Int, outputTokens: Int) {
        self.text = text
        self.model = model
        self.inputTokens = inputTokens
        self.outputTokens = outputTokens
    }
}

/// What the demo workflow calls to generate text: the built-in ``DeterministicChatModel``, or a real
/// OpenAI-compatible endpoint (``OpenAICompatibleChatModel``) when `OPENAI_BASE_URL` / `OPENAI_API_KEY` are set.
public protocol ChatModel: Sendable {
    /// The provider name recorded on LLM spans (`openai`, `demo`).
    var provider: String { get }
    /// Sends `messages` to `model` and returns its reply.
    func complete(model: String, messages: [ChatMessage]) async throws -> ChatReply
}
