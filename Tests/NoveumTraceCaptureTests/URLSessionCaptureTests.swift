import Foundation
@testable import NoveumTrace
import NoveumTraceTestSupport
import NoveumTraceTesting
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// HTTP-level capture through `TracedURLSession` against a local server that speaks the providers' wire formats.
@Suite("HTTP capture: URLSession")
struct URLSessionCaptureTests {
    static func request(_ url: String, body: String, apiKey: String? = nil) -> URLRequest {
        var request = URLRequest(url: URL(string: url)!)
        request.httpMethod = "POST"
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        if let apiKey { request.setValue("Bearer \(apiKey)", forHTTPHeaderField: "Authorization") }
        request.httpBody = Data(body.utf8)
        return request
    }

    @Test("data(for:): OpenAI chat recorded exactly, body unchanged, the key never exported")
    func dataForRequest() async throws {
        let (client, exporter) = try makeCaptureClient()
        let reply = ProviderReply.json(ProviderFixtures.openAIChat)
        let apiKey = "sk-proj-SECRETurlsessionKEY0123456789"
        try await withProviderServer({ _ in reply }) { server in
            let session = TracedURLSession(
                capture: capture(server, path: "/v1", format: .openAI, provider: "openai", client: client))
            let (data, response) = try await session.data(
                for: Self.request(
                    server.baseURL + "/v1/chat/completions", body: AsyncHTTPClientCaptureTests.chatRequest, apiKey: apiKey))
            #expect((response as? HTTPURLResponse)?.statusCode == 200)
            #expect(Array(data) == reply.body)
            #expect(server.requests.first?.headers["authorization"] == "Bearer \(apiKey)")
        }
        let span = try await exportedSpan(client, exporter)
        #expect(span.name == "chat gpt-4o-mini")
        #expect(span.int("llm.input_tokens") == 19)
        #expect(span.int("llm.output_tokens") == 10)
        #expect(span.strings("gen_ai.response.finish_reasons") == ["stop"])
        #expect(span.string("llm.output.response") == "Hello! How can I help you today?")
        #expect(span.string("llm.input.messages") == AsyncHTTPClientCaptureTests.chatMessages)
        let json = String(
            decoding: NoveumJSONEncoder(context: .standalone(project: "p", environment: "e")).encode([span]), as: UTF8.self)
        #expect(!json.contains(apiKey))
    }

    @Test("bytes(for:): an Anthropic stream arrives chunk by chunk; TTFT, deltas and usage recorded")
    func bytesForRequest() async throws {
        let (client, exporter) = try makeCaptureClient()
        let gate = Gate()
        let reply = ProviderReply.events(ProviderFixtures.anthropicStream, gate: gate)
        let body = #"{"model":"claude-sonnet-4-20250514","max_tokens":256,"stream":true,"messages":[{"role":"user","content":"Hello"}]}"#
        try await withProviderServer({ _ in reply }) { server in
            let session = TracedURLSession(capture: capture(server, format: .anthropic, provider: "anthropic", client: client))
            let (chunks, response) = try await session.bytes(for: Self.request(server.baseURL + "/v1/messages", body: body))
            #expect((response as? HTTPURLResponse)?.statusCode == 200)
            var received: [UInt8] = []
            for try await chunk in chunks {
                if received.isEmpty { gate.open() }
                received += chunk
            }
            #expect(received == reply.body)
        }
        let span = try await exportedSpan(client, exporter)
        #expect(span.name == "chat claude-sonnet-4-20250514")
        #expect(span.status == .ok)
        #expect(span.int("llm.input_tokens") == 25)
        #expect(span.int("llm.output_tokens") == 15)
        #expect(span.string("llm.output.response") == "Hello, world")
        #expect(span.strings("gen_ai.response.finish_reasons") == ["end_turn"])
        #expect(span.double("llm.time_to_first_token_ms") != nil)
    }

    @Test("bytes(for:) to a URL that is not a model API: no span, body unchanged")
    func bytesPassThrough() async throws {
        let (client, exporter) = try makeCaptureClient()
        let reply = ProviderReply.json(#"{"ok":true}"#)
        try await withProviderServer({ _ in reply }) { server in
            let session = TracedURLSession(capture: LLMHTTPCapture(endpoints: [], client: client))
            let (chunks, _) = try await session.bytes(for: Self.request(server.baseURL + "/v1/chat/completions", body: "{}"))
            var received: [UInt8] = []
            for try await chunk in chunks { received += chunk }
            #expect(received == reply.body)
        }
        _ = await client.flush()
        #expect(exporter.spans.isEmpty)
    }
}
