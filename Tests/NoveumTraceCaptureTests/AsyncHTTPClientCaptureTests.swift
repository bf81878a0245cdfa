import AsyncHTTPClient
import Foundation
import NIOCore
@testable import NoveumTrace
import NoveumTraceAsyncHTTPClient
import NoveumTraceTestSupport
import NoveumTraceTesting
import Testing

/// HTTP-level capture through AsyncHTTPClient against a local server that speaks each provider's wire format.
@Suite("HTTP capture: AsyncHTTPClient")
struct AsyncHTTPClientCaptureTests {
    static let chatRequest = """
        {"model":"gpt-4o-mini","messages":[{"role":"system","content":"Be brief."},{"role":"user","content":"Hi"}],\
        "temperature":0.2,"max_tokens":64,"top_p":0.9,"seed":7,"stop":["END"]}
        """
    static let chatMessages = #"[{"content":"Be brief.","role":"system"},{"content":"Hi","role":"user"}]"#

    @Test("OpenAI chat: request parameters, model, usage, cost, finish reason, content; body byte-for-byte")
    func openAIChat() async throws {
        let (client, exporter) = try makeCaptureClient()
        let reply = ProviderReply.json(ProviderFixtures.openAIChat)
        try await withProviderServer({ _ in reply }) { server in
            let capture = capture(server, path: "/v1", format: .openAI, provider: "openai", client: client)
            let response = try await HTTPClient.shared.tracedExecute(
                jsonRequest(server.baseURL + "/v1/chat/completions", body: Self.chatRequest), timeout: .seconds(30),
                capture: capture)
            #expect(response.status.code == 200)
            #expect(try await readBody(response) == reply.body)
        }
        let span = try await exportedSpan(client, exporter)
        #expect(span.name == "chat gpt-4o-mini")
        #expect(span.kind == .client)
        #expect(span.status == .ok)
        #expect(span.string("llm.model") == "gpt-4o-mini")
        #expect(span.string("llm.provider") == "openai")
        #expect(span.string("gen_ai.provider.name") == "openai")
        #expect(span.string("gen_ai.operation.name") == "chat")
        #expect(span.string("gen_ai.response.model") == "gpt-4o-mini-2024-07-18")
        #expect(span.string("gen_ai.response.id") == "chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT")
        #expect(span.double("gen_ai.request.temperature") == 0.2)
        #expect(span.double("gen_ai.request.top_p") == 0.9)
        #expect(span.int("gen_ai.request.max_tokens") == 64)
        #expect(span.int("gen_ai.request.seed") == 7)
        #expect(span.strings("gen_ai.request.stop_sequences") == ["END"])
        #expect(span.bool("llm.stream") == false)
        #expect(span.int("llm.input_tokens") == 19)
        #expect(span.int("gen_ai.usage.input_tokens") == 19)
        #expect(span.int("llm.output_tokens") == 10)
        #expect(span.int("llm.total_tokens") == 29)
        #expect(span.int("llm.cache_read_tokens") == 0)
        #expect(span.int("llm.reasoning_tokens") == 0)
        #expect(span.strings("gen_ai.response.finish_reasons") == ["stop"])
        #expect(span.string("llm.finish_reason") == "stop")
        let cost = try #require(
            PriceTable.shared.cost(model: "gpt-4o-mini-2024-07-18", usage: LLMUsage(inputTokens: 19, outputTokens: 10, cacheReadTokens: 0, reasoningTokens: 0)))
        #expect(span.double("llm.cost.total") == cost.total)
        #expect(span.double("llm.cost.input") == cost.input)
        #expect(span.string("llm.cost.currency") == "USD")
        #expect(span.string("llm.input.messages") == Self.chatMessages)
        #expect(span.string("gen_ai.input.messages") == Self.chatMessages)
        #expect(span.string("llm.output.response") == "Hello! How can I help you today?")
        #expect(span.string("output.value") == "Hello! How can I help you today?")
        #expect(
            span.string("gen_ai.output.messages")
                == #"[{"finish_reason":"stop","parts":[{"content":"Hello! How can I help you today?","type":"text"}],"role":"assistant"}]"#)
        #expect(span.int("http.response.status_code") == 200)
        #expect(span.string("url.path") == "/v1/chat/completions")
        #expect(span.string("server.address") == "127.0.0.1")
        // The provider is OpenAI: its own attribute, the API the path belongs to.
        #expect(span.string("openai.api.type") == "chat_completions")
    }

    @Test("OpenAI streamed chat: chunks pass through as they arrive; TTFT, deltas and the include_usage chunk")
    func openAIChatStream() async throws {
        let (client, exporter) = try makeCaptureClient()
        let gate = Gate()
        let reply = ProviderReply.events(ProviderFixtures.openAIChatStream, gate: gate)
        let body = """
            {"model":"gpt-4o-mini","messages":[{"role":"user","content":"Hi"}],"stream":true,\
            "stream_options":{"include_usage":true}}
            """
        try await withProviderServer({ _ in reply }) { server in
            let capture = capture(server, path: "/v1", format: .openAI, provider: "openai", client: client)
            let response = try await HTTPClient.shared.tracedExecute(
                jsonRequest(server.baseURL + "/v1/chat/completions", body: body), timeout: .seconds(60),
                capture: capture)
            #expect(response.headers.first(name: "content-type") == "text/event-stream")
            var received: [UInt8] = []
            for try await chunk in response.body {
                // The server holds the rest of the stream until this first chunk reached us.
                if received.isEmpty { gate.open() }
                received += chunk.readableBytesView
            }
            #expect(received == reply.body)
        }
        let span = try await exportedSpan(client, exporter)
        #expect(span.name == "chat gpt-4o-mini")
        #expect(span.status == .ok)
        #expect(span.bool("llm.stream") == true)
        #expect(span.string("llm.output.response") == "Hello there!")
        #expect(span.int("llm.input_tokens") == 12)
        #expect(span.int("llm.output_tokens") == 3)
        #expect(span.int("llm.total_tokens") == 15)
        #expect(span.strings("gen_ai.response.finish_reasons") == ["stop"])
        #expect(span.string("gen_ai.response.model") == "gpt-4o-mini-2024-07-18")
        #expect(span.string("gen_ai.response.id") == "chatcmpl-stream1")
        #expect(span.int("llm.stream.chunks") == 5)
        let ttft = try #require(span.double("llm.time_to_first_token_ms"))
        #expect(ttft > 0 && ttft <= Double(span.endTimeNanos - span.startTimeNanos) / 1_000_000)
        #expect(span.double("gen_ai.response.time_to_first_chunk") == ttft / 1000)
        let cost = try #require(
            PriceTable.shared.cost(
                model: "gpt-4o-mini-2024-07-18",
                usage: LLMUsage(inputTokens: 12, outputTokens: 3, totalTokens: 15, cacheReadTokens: 0, reasoningTokens: 0)))
        #expect(span.double("llm.cost.total") == cost.total)
    }

    @Test("Anthropic messages, plain and streamed (message_start, content_block_delta, message_delta)")
    func anthropic() async throws {
        let (client, exporter) = try makeCaptureClient()
        let plain = ProviderReply.json(ProviderFixtures.anthropicMessage)
        let streamed = ProviderReply.events(ProviderFixtures.anthropicStream)
        let request = """
            {"model":"claude-sonnet-4-20250514","max_tokens":1024,"system":"Be kind.",\
            "messages":[{"role":"user","content":"Hello"}]\(#"STREAM"#)}
            """
        try await withProviderServer({ request in
            String(decoding: request.body, as: UTF8.self).contains(#""stream":true"#) ? streamed : plain
        }) { server in
            let capture = capture(server, format: .anthropic, provider: "anthropic", client: client)
            let url = server.baseURL + "/v1/messages"
            let headers = [("x-api-key", "sk-ant-api03-abcdefghijklmnopqrstuvwxyz0123456789"), ("anthropic-version", "2023-06-01")]
            let first = try await HTTPClient.shared.tracedExecute(
                jsonRequest(url, body: request.replacingOccurrences(of: "STREAM", with: ""), headers: headers),
                timeout: .seconds(30), capture: capture)
            #expect(try await readBody(first) == plain.body)
            let second = try await HTTPClient.shared.tracedExecute(
                jsonRequest(url, body: request.replacingOccurrences(of: "STREAM", with: #","stream":true"#), headers: headers),
                timeout: .seconds(30), capture: capture)
            #expect(try await readBody(second) == streamed.body)
        }
        _ = await client.flush()
        let spans = exporter.spans
        try #require(spans.count == 2)
        for span in spans {
            #expect(span.name == "chat claude-sonnet-4-20250514")
            #expect(span.string("gen_ai.provider.name") == "anthropic")
            #expect(span.int("gen_ai.request.max_tokens") == 1024)
            #expect(span.string("gen_ai.system_instructions") == "Be kind.")
            #expect(span.string("llm.input.messages") == #"[{"content":"Hello","role":"user"}]"#)
            #expect(span.strings("gen_ai.response.finish_reasons") == ["end_turn"])
            #expect(span.string("gen_ai.response.model") == "claude-sonnet-4-20250514")
        }
        let plainSpan = try #require(spans.first { $0.bool("llm.stream") == false })
        #expect(plainSpan.int("llm.input_tokens") == 14)
        #expect(plainSpan.int("llm.output_tokens") == 12)
        #expect(plainSpan.int("llm.total_tokens") == 26)
        #expect(plainSpan.string("llm.output.response") == "Hi! What can I do for you?")
        #expect(plainSpan.string("gen_ai.response.id") == "msg_01XFDUDYJgAACzvnptvVoYEL")
        let plainCost = try #require(
            PriceTable.shared.cost(
                model: "claude-sonnet-4-20250514",
                usage: LLMUsage(inputTokens: 14, outputTokens: 12, cacheReadTokens: 0, cacheCreationTokens: 0)))
        #expect(plainSpan.double("llm.cost.total") == plainCost.total)
        let streamSpan = try #require(spans.first { $0.bool("llm.stream") == true })
        #expect(streamSpan.int("llm.input_tokens") == 25)
        #expect(streamSpan.int("llm.output_tokens") == 15)
        #expect(streamSpan.int("llm.total_tokens") == 40)
        #expect(streamSpan.string("llm.output.response") == "Hello, world")
        #expect(streamSpan.string("gen_ai.response.id") == "msg_stream1")
        #expect(streamSpan.int("llm.stream.chunks") == 8)
        #expect(streamSpan.double("llm.time_to_first_token_ms") != nil)
        let streamCost = try #require(
            PriceTable.shared.cost(
                model: "claude-sonnet-4-20250514",
                usage: LLMUsage(inputTokens: 25, outputTokens: 15, cacheReadTokens: 0, cacheCreationTokens: 0)))
        #expect(streamSpan.double("llm.cost.total") == streamCost.total)
    }

    @Test("Gemini generateContent and streamGenerateContent?alt=sse; the key in the query is not recorded")
    func gemini() async throws {
        let (client, exporter) = try makeCaptureClient()
        let plain = ProviderReply.json(ProviderFixtures.geminiContent)
        let streamed = ProviderReply.events(ProviderFixtures.geminiStream)
        let key = "AIzaSyA-geminiTestKey-0123456789abcdefghi"
        let body = """
            {"contents":[{"role":"user","parts":[{"text":"Why is the sky blue?"}]}],\
            "generationConfig":{"temperature":0.5,"maxOutputTokens":200,"topP":0.95,"stopSequences":["###"]}}
            """
        try await withProviderServer({ request in request.uri.contains("streamGenerateContent") ? streamed : plain }) {
            server in
            let capture = capture(server, format: .gemini, provider: "gemini", client: client)
            let base = server.baseURL + "/v1beta/models/gemini-2.0-flash"
            let first = try await HTTPClient.shared.tracedExecute(
                jsonRequest(base + ":generateContent?key=\(key)", body: body), timeout: .seconds(30), capture: capture)
            #expect(try await readBody(first) == plain.body)
            let second = try await HTTPClient.shared.tracedExecute(
                jsonRequest(base + ":streamGenerateContent?alt=sse", body: body, headers: [("x-goog-api-key", key)]),
                timeout: .seconds(30), capture: capture)
            #expect(try await readBody(second) == streamed.body)
        }
        _ = await client.flush()
        let spans = exporter.spans
        try #require(spans.count == 2)
        for span in spans {
            #expect(span.name == "generate_content gemini-2.0-flash")
            #expect(span.string("gen_ai.provider.name") == "gcp.gemini")
            #expect(span.string("gen_ai.request.model") == "gemini-2.0-flash")
            #expect(span.double("gen_ai.request.temperature") == 0.5)
            #expect(span.int("gen_ai.request.max_tokens") == 200)
            #expect(span.double("gen_ai.request.top_p") == 0.95)
            #expect(span.strings("gen_ai.request.stop_sequences") == ["###"])
            #expect(span.strings("gen_ai.response.finish_reasons") == ["STOP"])
            #expect(span.string("llm.input.messages") == #"[{"parts":[{"text":"Why is the sky blue?"}],"role":"user"}]"#)
            #expect(!"\(span.attributes)".contains(key))
        }
        let plainSpan = try #require(spans.first { $0.bool("llm.stream") == false })
        #expect(plainSpan.string("url.path") == "/v1beta/models/gemini-2.0-flash:generateContent")
        #expect(plainSpan.int("llm.input_tokens") == 9)
        #expect(plainSpan.int("llm.output_tokens") == 11)
        #expect(plainSpan.int("llm.total_tokens") == 20)
        #expect(plainSpan.string("llm.output.response") == "The sky is blue because of Rayleigh scattering.")
        let plainCost = try #require(
            PriceTable.shared.cost(model: "gemini-2.0-flash", usage: LLMUsage(inputTokens: 9, outputTokens: 11)))
        #expect(plainSpan.double("llm.cost.total") == plainCost.total)
        let streamSpan = try #require(spans.first { $0.bool("llm.stream") == true })
        #expect(streamSpan.int("llm.input_tokens") == 7)
        #expect(streamSpan.int("llm.output_tokens") == 8)
        #expect(streamSpan.int("llm.total_tokens") == 15)
        #expect(streamSpan.string("llm.output.response") == "Roses are red, violets blue.")
        #expect(streamSpan.string("gen_ai.response.id") == "gemini-stream-1")
        #expect(streamSpan.int("llm.stream.chunks") == 3)
    }

    @Test("Authorization, x-api-key, api-key and cookies never reach an exported span")
    func credentialsNeverRecorded() async throws {
        let (client, exporter) = try makeCaptureClient(redaction: .disabled)
        let secrets = [
            "Bearer-SECRET-authorization-0001", "SECRET-x-api-key-0002", "SECRET-api-key-0003", "SECRET-cookie-0004",
            "SECRET-set-cookie-0005",
        ]
        try await withProviderServer({ _ in .json(ProviderFixtures.openAIChat) }) { server in
            let capture = capture(server, path: "/v1", format: .openAI, provider: "openai", client: client)
            let headers = [
                ("Authorization", "Bearer \(secrets[0])"), ("x-api-key", secrets[1]), ("api-key", secrets[2]),
                ("Cookie", "session=\(secrets[3])"),
            ]
            let response = try await HTTPClient.shared.tracedExecute(
                jsonRequest(server.baseURL + "/v1/chat/completions", body: Self.chatRequest, headers: headers),
                timeout: .seconds(30), capture: capture)
            _ = try await readBody(response)
            // The headers did reach the server: the test would prove nothing otherwise.
            let received = try #require(server.requests.first)
            #expect(received.headers["authorization"] == "Bearer \(secrets[0])")
            #expect(received.headers["x-api-key"] == secrets[1])
        }
        _ = await client.flush()
        let spans = exporter.spans
        try #require(spans.count == 1)
        let exported = NoveumJSONEncoder(context: .standalone(project: "capture-tests", environment: "test")).encode(spans)
        let json = String(decoding: exported, as: UTF8.self)
        #expect(json.contains("gpt-4o-mini"))
        for secret in secrets { #expect(!json.contains(secret), "\(secret) was exported") }
        for header in ["authorization", "x-api-key", "api-key", "cookie"] {
            #expect(!spans[0].attributes.contains { $0.key.lowercased().contains(header) })
        }
    }

    @Test("Content policy: captureContent false and RedactionPolicy content .off export no messages or output")
    func contentPolicy() async throws {
        let contentKeys = [
            "llm.input.messages", "gen_ai.input.messages", "input.value", "llm.output.response", "output.value",
        ]
        for (policy, captureContent) in [(RedactionPolicy.disabled, false), (RedactionPolicy(content: .off), true)] {
            let (client, exporter) = try makeCaptureClient(redaction: policy)
            try await withProviderServer({ _ in .json(ProviderFixtures.openAIChat) }) { server in
                let capture = capture(
                    server, path: "/v1", format: .openAI, provider: "openai", client: client, content: captureContent)
                let response = try await HTTPClient.shared.tracedExecute(
                    jsonRequest(server.baseURL + "/v1/chat/completions", body: Self.chatRequest), timeout: .seconds(30),
                    capture: capture)
                _ = try await readBody(response)
            }
            let span = try await exportedSpan(client, exporter)
            for key in contentKeys { #expect(span.attributes[key] == nil, "\(key) exported") }
            #expect(span.int("llm.output_tokens") == 10)
        }
    }

    @Test("Requests that are not model calls pass through untraced")
    func passThrough() async throws {
        let (client, exporter) = try makeCaptureClient()
        try await withProviderServer({ _ in .json(#"{"object":"list","data":[]}"#) }) { server in
            let capture = capture(server, path: "/v1", format: .openAI, provider: "openai", client: client)
            var list = HTTPClientRequest(url: server.baseURL + "/v1/models")
            list.method = .GET
            _ = try await readBody(try await HTTPClient.shared.tracedExecute(list, timeout: .seconds(30), capture: capture))
            _ = try await readBody(
                try await HTTPClient.shared.tracedExecute(
                    jsonRequest(server.baseURL + "/other/chat/completions", body: Self.chatRequest),
                    timeout: .seconds(30), capture: capture))
            _ = try await readBody(
                try await HTTPClient.shared.tracedExecute(
                    jsonRequest(server.baseURL + "/v1/files", body: "{}"), timeout: .seconds(30), capture: capture))
            #expect(server.requests.count == 3)
        }
        _ = await client.flush()
        #expect(exporter.spans.isEmpty)
    }

    @Test("An error response: status error, error.type and the provider's message; body passed through")
    func errorResponse() async throws {
        let (client, exporter) = try makeCaptureClient()
        let reply = ProviderReply.json(ProviderFixtures.openAIError, status: 400)
        try await withProviderServer({ _ in reply }) { server in
            let capture = capture(server, path: "/v1", format: .openAI, provider: "openai", client: client)
            let response = try await HTTPClient.shared.tracedExecute(
                jsonRequest(server.baseURL + "/v1/chat/completions", body: #"{"model":"gpt-4o-mini","messages":[]}"#),
                timeout: .seconds(30), capture: capture)
            #expect(response.status.code == 400)
            #expect(try await readBody(response) == reply.body)
        }
        let span = try await exportedSpan(client, exporter)
        #expect(span.status == .error)
        #expect(span.statusMessage == "'messages' must contain at least one message")
        #expect(span.string("error.type") == "invalid_request_error")
        #expect(span.int("http.response.status_code") == 400)
        #expect(span.attributes["llm.input_tokens"] == nil)
    }

    @Test("A consumer that stops reading a stream ends the span as abandoned, with what it saw")
    func abandonedStream() async throws {
        let (client, exporter) = try makeCaptureClient()
        let gate = Gate()
        let body = #"{"model":"gpt-4o-mini","messages":[{"role":"user","content":"Hi"}],"stream":true}"#
        // What the caller asked for: the stream without usage, its first three chunks; the capture hands events on
        // whole, so the cut second event arrives with the third.
        let asked = ProviderFixtures.openAIChatStream(includeUsage: false)
        try await withProviderServer({ ProviderFixtures.openAIChatStreamReply(to: $0, gate: gate) }) { server in
            let capture = capture(server, path: "/v1", format: .openAI, provider: "openai", client: client)
            do {
                let response = try await HTTPClient.shared.tracedExecute(
                    jsonRequest(server.baseURL + "/v1/chat/completions", body: body), timeout: .seconds(60),
                    capture: capture)
                var iterator = response.body.makeAsyncIterator()
                let first = try await iterator.next()
                #expect(first.map { Array($0.readableBytesView) } == Array(asked[0].utf8))
                gate.open()
                // Read on until the two content deltas arrived (how the rest is cut into reads is the network's).
                let wanted = Array((asked[1] + asked[2]).utf8)
                var more: [UInt8] = []
                while more.count < wanted.count, let chunk = try await iterator.next() { more += chunk.readableBytesView }
                #expect(more.prefix(wanted.count) == wanted[...])
            }
        }
        let span = try await exportedSpan(client, exporter)
        #expect(span.status == .cancelled)
        #expect(span.bool("llm.stream.abandoned") == true)
        // What arrived before the consumer stopped is kept.
        #expect(span.string("gen_ai.response.id") == "chatcmpl-stream1")
        #expect(span.string("gen_ai.response.model") == "gpt-4o-mini-2024-07-18")
        #expect((span.int("llm.stream.chunks") ?? 0) >= 3)
        #expect(span.string("llm.output.response") == "Hello there!")
        #expect((span.double("llm.time_to_first_token_ms") ?? 0) > 0)
    }

    @Test("The HTTP span is a child of the current span")
    func parentage() async throws {
        let (client, exporter) = try makeCaptureClient()
        try await withProviderServer({ _ in .json(ProviderFixtures.openAIChat) }) { server in
            let capture = capture(server, path: "/v1", format: .openAI, provider: "openai", client: client)
            try await client.traceOperation("agent step") { _ in
                let response = try await HTTPClient.shared.tracedExecute(
                    jsonRequest(server.baseURL + "/v1/chat/completions", body: Self.chatRequest), timeout: .seconds(30),
                    capture: capture)
                _ = try await readBody(response)
            }
        }
        _ = await client.flush()
        let parent = try #require(exporter.spans(named: "agent step").first)
        let child = try #require(exporter.spans(named: "chat gpt-4o-mini").first)
        #expect(child.traceID == parent.traceID)
        #expect(child.parentSpanID == parent.spanID)
    }
}
