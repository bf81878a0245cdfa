import Foundation
@testable import NoveumTrace
import NoveumTraceTesting
import Testing

/// ``LLMHTTPCall`` driven directly, as a wrapper for another HTTP client would drive it.
@Suite("HTTP capture: LLMHTTPCall")
struct LLMHTTPCallTests {
    func start(_ client: NoveumClient, url: String, body: String) throws -> LLMHTTPCall {
        let capture = LLMHTTPCapture(client: client)
        return try #require(LLMHTTPCall.start(method: "POST", url: URL(string: url)!, body: Array(body.utf8), capture: capture))
    }

    @Test("An error event inside a 200 stream fails the span with the provider's message")
    func streamErrorEvent() async throws {
        let (client, exporter) = try makeCaptureClient()
        let call = try start(
            client, url: "https://api.anthropic.com/v1/messages",
            body: #"{"model":"claude-sonnet-4-20250514","max_tokens":10,"stream":true,"messages":[]}"#)
        call.receivedResponse(status: 200, contentType: "text/event-stream; charset=utf-8")
        call.received(Array(ProviderFixtures.anthropicStream[0].utf8))
        call.received(Array("event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}\n\n".utf8))
        call.finish()
        let span = try await exportedSpan(client, exporter)
        #expect(span.status == .error)
        #expect(span.statusMessage == "Overloaded")
        #expect(span.string("error.type") == "overloaded_error")
        #expect(span.int("llm.input_tokens") == 25)
        let event = try #require(span.events.first { $0.name == "gen_ai.client.operation.exception" })
        #expect(event.attributes == ["exception.type": "overloaded_error", "exception.message": "Overloaded"])
    }

    @Test("Gemini streamGenerateContent without alt=sse: the JSON array of partial responses is folded")
    func geminiJSONArray() async throws {
        let (client, exporter) = try makeCaptureClient()
        let call = try start(
            client, url: "https://generativelanguage.googleapis.com/v1beta/models/gemini-2.0-flash:streamGenerateContent",
            body: #"{"contents":[{"role":"user","parts":[{"text":"Hi"}]}]}"#)
        call.receivedResponse(status: 200, contentType: "application/json; charset=UTF-8")
        let parts = ProviderFixtures.geminiStream.map { $0.dropFirst(6).trimmingCharacters(in: .whitespacesAndNewlines) }
        let array = "[" + parts.joined(separator: ",\r\n") + "]"
        let bytes = Array(array.utf8)
        call.received(bytes[..<50])
        call.received(bytes[50...])
        call.finish()
        let span = try await exportedSpan(client, exporter)
        #expect(span.status == .ok)
        #expect(span.string("llm.output.response") == "Roses are red, violets blue.")
        #expect(span.int("llm.output_tokens") == 8)
        #expect(span.strings("gen_ai.response.finish_reasons") == ["STOP"])
    }

    @Test("A transport failure ends the span with the error; a call is never ended twice")
    func failure() async throws {
        let (client, exporter) = try makeCaptureClient()
        let call = try start(client, url: "https://api.openai.com/v1/chat/completions", body: #"{"model":"gpt-4o"}"#)
        call.fail(URLError(.networkConnectionLost))
        call.finish()
        call.fail(CancellationError())
        let span = try await exportedSpan(client, exporter)
        #expect(span.status == .error)
        #expect(span.exception != nil)
    }
}
