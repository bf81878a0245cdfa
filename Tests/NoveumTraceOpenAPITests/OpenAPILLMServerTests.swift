import Foundation
@testable import NoveumTrace
import NoveumTraceTestSupport
import Testing

/// The generated client against a real model: llama.cpp's llama-server at `NOVEUM_LLM_SERVER_URL` (`.ci/run` starts
/// one; `Scripts/llm-server.sh start` does too). Skipped when the variable is unset. CI runs it with the other
/// real-model suites (`--filter LLMServerTests`).
@Suite(
    "Real model through the generated client (llama.cpp)",
    .enabled(if: ExternalServer.url(fromEnvironment: "NOVEUM_LLM_SERVER_URL") != nil,
        "set NOVEUM_LLM_SERVER_URL to a running llama-server (Scripts/llm-server.sh start) to run it"),
    .serialized)
struct OpenAPILLMServerTests {
    static let model = "smollm2-135m-instruct"

    /// The generated client for the server, traced as llama.cpp on `harness`'s tracing client.
    static func chatClient(_ harness: CaptureHarness) throws -> Client {
        let base = try #require(ExternalServer.url(fromEnvironment: "NOVEUM_LLM_SERVER_URL")) + "/v1"
        return try harness.chatClient(baseURL: base, capture: harness.capture(baseURL: base, provider: "llama.cpp"))
    }

    @Test("A chat completion: the span holds the usage, output and finish reason the server returned")
    func chat() async throws {
        let harness = try CaptureHarness()
        let completion = try await Self.chatClient(harness).createChatCompletion(
            body: .json(chatRequest(model: Self.model, prompt: "What is 2 + 2?", maxTokens: 24))
        ).ok.body.json
        let usage = try #require(completion.usage)
        let choice = try #require(completion.choices.first)
        let span = try await harness.onlySpan()
        #expect(span.name == "chat \(Self.model)")
        #expect(span.status == .ok)
        #expect(span.attributes["llm.provider"] == "llama.cpp")
        #expect(span.attributes["gen_ai.response.model"] == .string(completion.model))
        #expect(span.attributes["gen_ai.response.id"] == .string(completion.id))
        #expect(span.attributes["llm.input_tokens"] == .int(Int64(usage.prompt_tokens)))
        #expect(span.attributes["llm.output_tokens"] == .int(Int64(usage.completion_tokens)))
        #expect(span.attributes["llm.total_tokens"] == .int(Int64(usage.total_tokens)))
        #expect(span.attributes["llm.output.response"] == choice.message.content.map { .string($0) })
        #expect(span.attributes["gen_ai.response.finish_reasons"] == choice.finish_reason.map { .stringArray([$0]) })
        #expect(span.attributes["gen_ai.request.max_tokens"] == 24)
        // The model is not in the price table: no guessed cost.
        #expect(span.attributes["llm.cost.unknown_model"] == true)
        #expect(usage.prompt_tokens > 0 && usage.completion_tokens > 0)
    }

    @Test("A streamed chat with include_usage: chunks as they come, and the final usage on the span")
    func stream() async throws {
        let harness = try CaptureHarness()
        let body = try await Self.chatClient(harness).createChatCompletion(
            body: .json(chatRequest(model: Self.model, prompt: "Count from one to five.", maxTokens: 32, stream: true, includeUsage: true))
        ).ok.body.text_event_hyphen_stream
        let received = try await chunks(of: body)
        // What the server said, read from the bytes the caller received.
        var text = ""
        var usage: [String: Any] = [:]
        for line in String(decoding: received.joined(), as: UTF8.self).split(whereSeparator: \.isNewline)
        where line.hasPrefix("data: {") {
            let event = try #require(try JSONSerialization.jsonObject(with: Data(line.dropFirst(6).utf8)) as? [String: Any])
            if let block = event["usage"] as? [String: Any] { usage = block }
            for choice in event["choices"] as? [[String: Any]] ?? [] {
                text += ((choice["delta"] as? [String: Any])?["content"] as? String) ?? ""
            }
        }
        let span = try await harness.onlySpan()
        #expect(received.count > 1)
        #expect(span.attributes["llm.stream"] == true)
        #expect(span.attributes["llm.output.response"] == .string(text))
        #expect(span.attributes["llm.input_tokens"] == .int(Int64(try #require(usage["prompt_tokens"] as? Int))))
        #expect(span.attributes["llm.output_tokens"] == .int(Int64(try #require(usage["completion_tokens"] as? Int))))
        #expect(span.attributes["llm.time_to_first_token_ms"] != nil)
    }
}
