import AsyncHTTPClient
import Foundation
import NIOCore
@testable import NoveumTrace
import NoveumTraceAsyncHTTPClient
import NoveumTraceTestSupport
import NoveumTraceTesting
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Streamed OpenAI-format calls that do not ask for usage: the capture asks for it, records exact tokens, and the
/// caller reads the stream it asked for.
@Suite("HTTP capture: usage of streams that did not ask for it")
struct StreamUsageTests {
    static let streamBody = #"{"model":"gpt-4o-mini","messages":[{"role":"user","content":"Hi"}],"stream":true}"#
    /// The stream the caller asked for: OpenAI's answer without `stream_options.include_usage`.
    static let asked = Array(ProviderFixtures.openAIChatStream(includeUsage: false).joined().utf8)

    /// The span's usage and stream attributes, as an answer with usage records them.
    static func expectUsageRecorded(_ span: SpanData) {
        #expect(span.status == .ok)
        #expect(span.bool("llm.stream.usage_requested") == true)
        #expect(span.int("llm.input_tokens") == 12)
        #expect(span.int("llm.output_tokens") == 3)
        #expect(span.double("llm.cost.total") != nil)
        #expect(span.string("llm.output.response") == "Hello there!")
        #expect(span.int("llm.stream.chunks") == 5)
        #expect((span.double("llm.stream.max_gap_ms") ?? -1) >= 0)
        #expect((span.double("llm.stream.output_tokens_per_second") ?? 0) > 0)
        #expect((span.double("llm.time_to_first_token_ms") ?? 0) > 0)
    }

    /// The request the server received: the caller's body with `stream_options` added right after its brace.
    static func expectUsageAsked(_ request: ProviderRequest?) {
        let expected = #"{"stream_options":{"include_usage":true},"# + streamBody.dropFirst()
        #expect(request.map { String(decoding: $0.body, as: UTF8.self) } == expected)
    }

    @Test("AsyncHTTPClient: the server is asked for usage, the caller reads the stream it asked for, tokens recorded")
    func asyncHTTPClient() async throws {
        let (client, exporter) = try makeCaptureClient()
        try await withProviderServer({ ProviderFixtures.openAIChatStreamReply(to: $0) }) { server in
            let capture = capture(server, path: "/v1", format: .openAI, provider: "openai", client: client)
            let response = try await HTTPClient.shared.tracedExecute(
                jsonRequest(server.baseURL + "/v1/chat/completions", body: Self.streamBody), timeout: .seconds(60),
                capture: capture)
            #expect(try await readBody(response) == Self.asked)
            Self.expectUsageAsked(server.requests.first)
        }
        Self.expectUsageRecorded(try await exportedSpan(client, exporter))
    }

    @Test("URLSession bytes(for:) and data(for:): the same")
    func urlSession() async throws {
        for streamed in [true, false] {
            let (client, exporter) = try makeCaptureClient()
            try await withProviderServer({ ProviderFixtures.openAIChatStreamReply(to: $0) }) { server in
                let session = TracedURLSession(
                    capture: capture(server, path: "/v1", format: .openAI, provider: "openai", client: client))
                let request = URLSessionCaptureTests.request(server.baseURL + "/v1/chat/completions", body: Self.streamBody)
                var received: [UInt8] = []
                if streamed {
                    let (chunks, _) = try await session.bytes(for: request)
                    for try await chunk in chunks { received += chunk }
                } else {
                    received = Array(try await session.data(for: request).0)
                }
                #expect(received == Self.asked)
                Self.expectUsageAsked(server.requests.first)
            }
            Self.expectUsageRecorded(try await exportedSpan(client, exporter))
        }
    }

    @Test("a request that asks for usage itself is sent and handed back unchanged")
    func alreadyAsked() async throws {
        let (client, exporter) = try makeCaptureClient()
        let body = #"{"model":"gpt-4o-mini","stream":true,"stream_options":{"include_usage":true},"messages":[]}"#
        try await withProviderServer({ ProviderFixtures.openAIChatStreamReply(to: $0) }) { server in
            let capture = capture(server, path: "/v1", format: .openAI, provider: "openai", client: client)
            let response = try await HTTPClient.shared.tracedExecute(
                jsonRequest(server.baseURL + "/v1/chat/completions", body: body), timeout: .seconds(60), capture: capture)
            #expect(try await readBody(response) == Array(ProviderFixtures.openAIChatStream.joined().utf8))
            #expect(server.requests.first?.body == Array(body.utf8))
        }
        let span = try await exportedSpan(client, exporter)
        #expect(span.attributes["llm.stream.usage_requested"] == nil)
        #expect(span.int("llm.output_tokens") == 3)
    }

    @Test("switched off for all, or for one endpoint: the request goes out as written and records no tokens")
    func switchedOff() async throws {
        for level in ["capture", "endpoint"] {
            let (client, exporter) = try makeCaptureClient()
            try await withProviderServer({ ProviderFixtures.openAIChatStreamReply(to: $0) }) { server in
                var capture = LLMHTTPCapture(endpoints: [], client: client)
                if level == "capture" {
                    capture.requestsStreamUsage = false
                    capture = capture.adding(baseURL: server.baseURL + "/v1", provider: "openai")
                } else {
                    capture = capture.adding(baseURL: server.baseURL + "/v1", provider: "openai", requestsStreamUsage: false)
                }
                let response = try await HTTPClient.shared.tracedExecute(
                    jsonRequest(server.baseURL + "/v1/chat/completions", body: Self.streamBody), timeout: .seconds(60),
                    capture: capture)
                #expect(try await readBody(response) == Self.asked)
                #expect(server.requests.first?.body == Array(Self.streamBody.utf8))
            }
            let span = try await exportedSpan(client, exporter)
            #expect(span.attributes["llm.stream.usage_requested"] == nil)
            #expect(span.attributes["llm.output_tokens"] == nil)
            #expect(span.string("llm.output.response") == "Hello there!")
        }
    }

    @Test("a server that rejects stream_options gets the caller's request again, and is not asked again")
    func rejected() async throws {
        let rejection = #"{"error":{"message":"Unrecognized request argument supplied: stream_options","type":"invalid_request_error","param":null,"code":null}}"#
        for transport in ["AsyncHTTPClient", "URLSession"] {
            let (client, exporter) = try makeCaptureClient()
            try await withProviderServer({ request in
                String(decoding: request.body, as: UTF8.self).contains("stream_options")
                    ? ProviderReply(status: 400, chunks: [Array(rejection.utf8)])
                    : ProviderFixtures.openAIChatStreamReply(to: request)
            }) { server in
                let capture = capture(server, path: "/v1", format: .openAI, provider: "openai", client: client)
                let url = server.baseURL + "/v1/chat/completions"
                for _ in 0..<2 {
                    var received: [UInt8] = []
                    if transport == "AsyncHTTPClient" {
                        let response = try await HTTPClient.shared.tracedExecute(
                            jsonRequest(url, body: Self.streamBody), timeout: .seconds(60), capture: capture)
                        #expect(response.status == .ok)
                        received = try await readBody(response)
                    } else {
                        let (chunks, response) = try await TracedURLSession(capture: capture).bytes(
                            for: URLSessionCaptureTests.request(url, body: Self.streamBody))
                        #expect((response as? HTTPURLResponse)?.statusCode == 200)
                        for try await chunk in chunks { received += chunk }
                    }
                    #expect(received == Self.asked)
                }
                // The first call: the changed request, then the caller's own; the second call: the caller's own only.
                let bodies = server.requests.map { String(decoding: $0.body, as: UTF8.self) }
                #expect(bodies.count == 3)
                #expect(bodies.first?.contains("stream_options") == true)
                #expect(bodies.dropFirst() == [Self.streamBody, Self.streamBody])
            }
            _ = await client.flush()
            let spans = exporter.spans
            #expect(spans.count == 2)
            #expect(spans.allSatisfy { $0.status == .ok && $0.string("llm.output.response") == "Hello there!" })
            // The first call asked and was refused; the second did not ask.
            #expect(Set(spans.map { $0.bool("llm.stream.usage_requested").map { "\($0)" } ?? "absent" }) == ["false", "absent"])
        }
    }

    @Test("a 400 that is not about stream_options reaches the caller as it is")
    func otherBadRequest() async throws {
        let (client, exporter) = try makeCaptureClient()
        try await withProviderServer({ _ in ProviderReply(status: 400, chunks: [Array(ProviderFixtures.openAIError.utf8)]) }) { server in
            let capture = capture(server, path: "/v1", format: .openAI, provider: "openai", client: client)
            let response = try await HTTPClient.shared.tracedExecute(
                jsonRequest(server.baseURL + "/v1/chat/completions", body: Self.streamBody), timeout: .seconds(60),
                capture: capture)
            #expect(response.status == .badRequest)
            #expect(try await readBody(response) == Array(ProviderFixtures.openAIError.utf8))
            #expect(server.requests.count == 1)
        }
        let span = try await exportedSpan(client, exporter)
        #expect(span.status == .error)
        #expect(span.string("error.type") == "invalid_request_error")
    }

    // MARK: The two pieces on their own

    @Test("the option goes in after the opening brace, every other byte as written; other options are kept")
    func requestRewrite() throws {
        #expect(StreamUsage.requestingUsage(Array(#"  {"stream":true}"#.utf8), hasStreamOptions: false)
            == Array(#"  {"stream_options":{"include_usage":true},"stream":true}"#.utf8))
        let rewritten = try #require(StreamUsage.requestingUsage(
            Array(#"{"stream":true,"stream_options":{"continuous_usage_stats":true}}"#.utf8), hasStreamOptions: true))
        let json = try #require(try JSONSerialization.jsonObject(with: Data(rewritten)) as? [String: Any])
        #expect((json["stream_options"] as? [String: Bool]) == ["continuous_usage_stats": true, "include_usage": true])
        #expect(StreamUsage.requestingUsage(Array("[1]".utf8), hasStreamOptions: false) == nil)
        #expect(StreamUsage.requestingUsage(Array("not json".utf8), hasStreamOptions: false) == nil)
    }

    @Test("the filter hands on whole events without what the option added, however the bytes are cut")
    func filter() {
        let withUsage = Array(ProviderFixtures.openAIChatStream.joined().utf8)
        for size in [1, 2, 7, 64, withUsage.count] {
            var filter = StreamUsageFilter()
            var output: [UInt8] = []
            var index = 0
            while index < withUsage.count {
                output += filter.feed(withUsage[index..<min(index + size, withUsage.count)])
                index += size
            }
            output += filter.finish()
            #expect(output == Self.asked, "cut every \(size) bytes")
        }
        // CRLF line breaks, and a last event without its blank line, are handed on as they are.
        var filter = StreamUsageFilter()
        let crlf = "data: {\"choices\":[{\"delta\":{}}],\"usage\":null}\r\n\r\ndata: {\"choices\":[],\"usage\":{\"prompt_tokens\":1}}\r\n\r\ndata: [DONE]"
        #expect(String(decoding: filter.feed(Array(crlf.utf8)) + filter.finish(), as: UTF8.self)
            == "data: {\"choices\":[{\"delta\":{}}]}\r\n\r\ndata: [DONE]")
    }
}
