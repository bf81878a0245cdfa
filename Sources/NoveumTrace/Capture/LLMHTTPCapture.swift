import Foundation

/// What HTTP-level capture of model calls records, and where.
///
/// The HTTP wrappers (`TracedURLSession`, and `HTTPClient.tracedExecute(_:timeout:capture:)` in the
/// `NoveumTraceAsyncHTTPClient` product) trace every request to one of ``endpoints`` as an LLM span, exactly like
/// `traceLLM` would: request parameters, model, usage, cost, finish reasons and, unless ``captureContent`` is false,
/// the messages and the output. Requests to other hosts pass through untouched.
///
/// Credentials are never recorded: the span holds no request or response header, and no URL query (Gemini accepts
/// its key as `?key=`). The client's ``RedactionPolicy`` still applies to everything that is recorded.
///
/// ```swift
/// var capture = LLMHTTPCapture.default
/// capture.endpoints.append(LLMEndpoint(baseURL: "http://127.0.0.1:11434/v1", format: .openAI, provider: "ollama")!)
/// ```
public struct LLMHTTPCapture: Sendable {
    /// The endpoints whose requests are traced; the first match wins.
    public var endpoints: [LLMEndpoint]
    /// Whether request messages and the response text are recorded (`llm.input.messages`, `llm.output.response`
    /// and their OpenTelemetry and OpenInference twins). The client's ``RedactionPolicy/content`` then decides how
    /// much of them each exporter receives.
    public var captureContent: Bool
    /// The client whose spans these are; nil: the current span's client, else the global one.
    public var client: NoveumClient?
    /// The longest non-streamed response body kept for parsing, in bytes; larger bodies are passed through to the
    /// caller in full but not parsed. Streamed (`text/event-stream`) bodies are parsed as they arrive and never kept.
    public var maxBufferedResponseBytes: Int
    /// The longest request body read for parsing, in bytes.
    public var maxRequestBodyBytes: Int
    /// Whether streamed OpenAI-format chat and completion requests that do not ask for their usage get
    /// `stream_options.include_usage` added (where their endpoint allows it, ``LLMEndpoint/requestsStreamUsage``),
    /// so that their spans record tokens and cost. The caller reads the stream it asked for: the usage-only event and
    /// the `"usage":null` members the option adds are taken out on the way. A server that answers 400 naming
    /// `stream_options` gets the caller's request once more, unchanged, and is not asked again. On by default.
    public var requestsStreamUsage: Bool = true

    /// Capture settings; by default the public providers in ``LLMEndpoint/knownProviders`` plus `extraEndpoints`.
    public init(
        endpoints: [LLMEndpoint] = LLMEndpoint.knownProviders, captureContent: Bool = true, client: NoveumClient? = nil,
        maxBufferedResponseBytes: Int = 8 * 1024 * 1024, maxRequestBodyBytes: Int = 8 * 1024 * 1024
    ) {
        self.endpoints = endpoints
        self.captureContent = captureContent
        self.client = client
        self.maxBufferedResponseBytes = maxBufferedResponseBytes
        self.maxRequestBodyBytes = maxRequestBodyBytes
    }

    /// The public providers, content recorded, the current client.
    public static var `default`: LLMHTTPCapture { LLMHTTPCapture() }

    /// Adds an endpoint served at `baseURL`, such as a local llama.cpp server, and returns the settings.
    ///
    /// ```swift
    /// let capture = LLMHTTPCapture.default.adding(baseURL: "http://127.0.0.1:8089/v1", provider: "llama.cpp")
    /// ```
    public func adding(
        baseURL: String, format: LLMAPIFormat = .openAI, provider: String, requestsStreamUsage: Bool = true
    ) -> LLMHTTPCapture {
        var copy = self
        if let endpoint = LLMEndpoint(
            baseURL: baseURL, format: format, provider: provider, requestsStreamUsage: requestsStreamUsage)
        {
            copy.endpoints.insert(endpoint, at: 0)
        }
        return copy
    }

    /// The endpoint that `url` goes to, or nil when it is not a model API.
    public func endpoint(for url: URL) -> LLMEndpoint? {
        guard let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https",
              let components = URLComponents(url: url, resolvingAgainstBaseURL: false), let host = components.host
        else { return nil }
        let port = components.port ?? (scheme == "https" ? 443 : 80)
        return endpoints.first { $0.matches(host: host, port: port, path: components.path) }
    }
}
