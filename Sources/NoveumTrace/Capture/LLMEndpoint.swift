import Foundation

/// A place where a model API is served, for HTTP capture: a host, optionally a port and a path prefix, the API's
/// format and the provider name recorded on spans.
///
/// ```swift
/// // A local llama.cpp or Ollama server speaking the OpenAI format:
/// let local = LLMEndpoint(baseURL: "http://127.0.0.1:8089/v1", format: .openAI, provider: "llama.cpp")
/// ```
public struct LLMEndpoint: Sendable, Hashable {
    /// The host name or address, matched case-insensitively. A leading `*.` matches any subdomain
    /// (`*.openai.azure.com`).
    public var host: String
    /// The port; nil matches any.
    public var port: Int?
    /// A path prefix requests must start with; empty matches every path.
    public var pathPrefix: String
    /// The API's wire format.
    public var format: LLMAPIFormat
    /// The provider recorded as `llm.provider` and, mapped to OpenTelemetry's names, `gen_ai.provider.name`.
    public var provider: String
    /// For an OpenAI-format endpoint: whether a streamed chat or completion request that does not ask for its
    /// usage gets `stream_options.include_usage` added, so that its span records tokens and cost; the caller still
    /// reads the stream it asked for. On by default; ``LLMHTTPCapture/requestsStreamUsage`` turns it off for all.
    public var requestsStreamUsage: Bool

    /// An endpoint by its parts.
    public init(
        host: String, port: Int? = nil, pathPrefix: String = "", format: LLMAPIFormat, provider: String,
        requestsStreamUsage: Bool = true
    ) {
        self.host = host.lowercased()
        self.port = port
        self.pathPrefix = pathPrefix
        self.format = format
        self.provider = provider
        self.requestsStreamUsage = requestsStreamUsage
    }

    /// An endpoint by its base URL, as SDKs configure it (`http://127.0.0.1:11434/v1`). Returns nil when `baseURL`
    /// has no host.
    public init?(baseURL: String, format: LLMAPIFormat, provider: String, requestsStreamUsage: Bool = true) {
        guard let components = URLComponents(string: baseURL), let host = components.host, !host.isEmpty else {
            return nil
        }
        var path = components.path
        while path.hasSuffix("/") { path.removeLast() }
        self.init(
            host: host, port: components.port, pathPrefix: path, format: format, provider: provider,
            requestsStreamUsage: requestsStreamUsage)
    }

    /// Whether a request to `host`, `port` and `path` goes to this endpoint.
    public func matches(host requestHost: String, port requestPort: Int?, path: String) -> Bool {
        let requestHost = requestHost.lowercased()
        if host.hasPrefix("*.") {
            guard requestHost.hasSuffix(host.dropFirst(1)) else { return false }
        } else if requestHost != host {
            return false
        }
        if let port, port != requestPort { return false }
        guard !pathPrefix.isEmpty else { return true }
        return path == pathPrefix || path.hasPrefix(pathPrefix + "/")
    }

    /// The public endpoints recognised by default.
    public static let knownProviders: [LLMEndpoint] = [
        LLMEndpoint(host: "api.openai.com", format: .openAI, provider: "openai"),
        LLMEndpoint(host: "*.openai.azure.com", format: .openAI, provider: "azure.ai.openai"),
        LLMEndpoint(host: "api.anthropic.com", format: .anthropic, provider: "anthropic"),
        LLMEndpoint(host: "generativelanguage.googleapis.com", format: .gemini, provider: "gemini"),
        LLMEndpoint(host: "api.groq.com", format: .openAI, provider: "groq"),
        LLMEndpoint(host: "api.mistral.ai", format: .openAI, provider: "mistral_ai"),
        LLMEndpoint(host: "api.deepseek.com", format: .openAI, provider: "deepseek"),
        LLMEndpoint(host: "api.x.ai", format: .openAI, provider: "x_ai"),
        LLMEndpoint(host: "openrouter.ai", format: .openAI, provider: "openrouter"),
        LLMEndpoint(host: "api.together.xyz", format: .openAI, provider: "together_ai"),
        LLMEndpoint(host: "api.fireworks.ai", format: .openAI, provider: "fireworks_ai"),
        LLMEndpoint(host: "api.perplexity.ai", format: .openAI, provider: "perplexity"),
    ]
}
