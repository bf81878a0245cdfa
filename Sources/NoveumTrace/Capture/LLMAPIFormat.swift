/// The wire format of a model API, which decides how HTTP capture reads requests and responses.
public enum LLMAPIFormat: String, Sendable, Hashable, CaseIterable {
    /// OpenAI's REST API and everything compatible with it: chat completions (`/chat/completions`), completions,
    /// embeddings and the responses API, served by OpenAI, Azure OpenAI, Groq, Mistral, DeepSeek, OpenRouter,
    /// Together, vLLM, llama.cpp's `llama-server`, Ollama's `/v1` and LM Studio.
    case openAI = "openai"
    /// Anthropic's messages API (`/v1/messages`).
    case anthropic
    /// Google's Gemini API (`/v1beta/models/{model}:generateContent` and `:streamGenerateContent`).
    case gemini
}
