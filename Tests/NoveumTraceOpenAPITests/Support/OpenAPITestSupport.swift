import Foundation
@testable import NoveumTrace
import NoveumTraceOpenAPI
import NoveumTraceTestSupport
import NoveumTraceTesting
import OpenAPIAsyncHTTPClient
import OpenAPIRuntime
import Testing

/// A tracing client that exports to memory on flush only, with nothing redacted, and the generated chat client
/// pointed at a server with the middleware recording on it.
struct CaptureHarness {
    let tracing: NoveumClient
    let exporter = InMemoryExporter()

    init() throws {
        var config = Configuration(scheduleDelay: .seconds(600), exporters: [exporter])
        config.redaction = .disabled
        tracing = try NoveumClient(
            apiKey: nil, project: "openapi-tests", environment: "test", endpoint: nil, serviceVersion: nil,
            config: config, processEnvironment: [:])
    }

    /// Capture settings that know only `baseURL` (ending in `/v1`), as `provider`.
    func capture(baseURL: String, provider: String = "openai") -> LLMHTTPCapture {
        LLMHTTPCapture(endpoints: [], client: tracing).adding(baseURL: baseURL, provider: provider)
    }

    /// The generated client for the server at `baseURL` (ending in `/v1`), with the middleware when `capture` is
    /// given.
    func chatClient(baseURL: String, capture: LLMHTTPCapture?) throws -> Client {
        let serverURL = try #require(URL(string: baseURL))
        return Client(
            serverURL: serverURL, transport: AsyncHTTPClientTransport(),
            middlewares: capture.map { [LLMCaptureMiddleware(capture: $0)] } ?? [])
    }

    /// The generated client for `server`, traced as OpenAI.
    func chatClient(_ server: ProviderServer) throws -> Client {
        try chatClient(baseURL: server.baseURL + "/v1", capture: capture(baseURL: server.baseURL + "/v1"))
    }

    /// Every span ended so far, after a flush.
    func spans() async -> [SpanData] {
        _ = await tracing.flush()
        return exporter.spans
    }

    /// The one span ended so far, after a flush.
    func onlySpan() async throws -> SpanData {
        let spans = await spans()
        try #require(spans.count == 1, "expected one span, got \(spans.map(\.name))")
        return spans[0]
    }
}

/// A chat request as the generated types build it.
func chatRequest(
    model: String, prompt: String, maxTokens: Int? = nil, stream: Bool? = nil, includeUsage: Bool? = nil
) -> Components.Schemas.CreateChatCompletionRequest {
    Components.Schemas.CreateChatCompletionRequest(
        model: model, messages: [.init(role: "user", content: prompt)], stream: stream,
        stream_options: includeUsage.map { .init(include_usage: $0) }, max_tokens: maxTokens)
}

/// Reads a whole body, keeping its chunks apart.
func chunks(of body: HTTPBody) async throws -> [[UInt8]] {
    var chunks: [[UInt8]] = []
    for try await chunk in body { chunks.append(Array(chunk)) }
    return chunks
}

/// OpenAI chat-completions replies, built from their parts.
enum ChatReplies {
    static let usage = (prompt: 21, completion: 7)

    /// A chat completion.
    static func completion(id: String, model: String, text: String, finish: String) -> ProviderReply {
        let body: [String: Any] = [
            "id": id, "object": "chat.completion", "created": 1_765_000_000, "model": model,
            "choices": [["index": 0, "message": ["role": "assistant", "content": text], "finish_reason": finish]],
            "usage": [
                "prompt_tokens": usage.prompt, "completion_tokens": usage.completion,
                "total_tokens": usage.prompt + usage.completion,
            ],
        ]
        return .json(json(body))
    }

    /// A stream of `pieces` as content deltas, the finish chunk and the usage chunk, then `[DONE]`: one chunk per
    /// event, with the second event cut in two across chunks.
    /// Without `includeUsage` (a request that did not ask for it), no usage chunk and no `"usage"` member, as
    /// OpenAI streams it.
    static func stream(
        id: String, model: String, pieces: [String], finish: String, gate: Gate? = nil, includeUsage: Bool = true
    ) -> ProviderReply {
        func chunk(_ choices: [[String: Any]], usage: [String: Any]? = nil) -> String {
            var body: [String: Any] = [
                "id": id, "object": "chat.completion.chunk", "created": 1_765_000_001, "model": model, "choices": choices,
            ]
            if includeUsage { body["usage"] = usage ?? NSNull() }
            return "data: \(json(body))\n\n"
        }
        var events = [chunk([["index": 0, "delta": ["role": "assistant", "content": ""]]])]
        events += pieces.map { chunk([["index": 0, "delta": ["content": $0]]]) }
        events.append(chunk([["index": 0, "delta": [:] as [String: Any], "finish_reason": finish]]))
        let total = usage.prompt + usage.completion
        if includeUsage {
            events.append(
                chunk([], usage: ["prompt_tokens": usage.prompt, "completion_tokens": usage.completion, "total_tokens": total]))
        }
        events.append("data: [DONE]\n\n")
        let cut = events[1].index(events[1].startIndex, offsetBy: 17)
        let split = [events[0], String(events[1][..<cut]), String(events[1][cut...])] + events.dropFirst(2)
        return .events(split, gate: gate)
    }

    /// Whether a request body asks for usage (`stream_options.include_usage`).
    static func asksUsage(_ request: ProviderRequest) -> Bool {
        let json = (try? JSONSerialization.jsonObject(with: Data(request.body))) as? [String: Any]
        return (json?["stream_options"] as? [String: Any])?["include_usage"] as? Bool == true
    }

    static let error = json([
        "error": ["message": "max_tokens is too large", "type": "invalid_request_error", "param": "max_tokens"]
    ])

    private static func json(_ object: [String: Any]) -> String {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }
}
