import Foundation
import HTTPTypes
@testable import NoveumTrace
import NoveumTraceOpenAPI
import NoveumTraceTestSupport
import NoveumTraceTesting
import OpenAPIRuntime
import Testing

/// The middleware under a client generated from openai-chat.yaml, against a loopback server that answers in
/// OpenAI's wire format.
@Suite("OpenAPI middleware capture")
struct LLMCaptureMiddlewareTests {
    static let responseModel = "gpt-4o-mini-2024-07-18"

    static func cost(input: Int, output: Int) throws -> Double {
        try #require(
            PriceTable.shared.cost(
                model: responseModel, usage: LLMUsage(inputTokens: input, outputTokens: output, totalTokens: input + output))
        ).total
    }

    @Test("A chat completion: model, provider, tokens, cost, finish reason, status; the request reaches the server unchanged")
    func chat() async throws {
        let harness = try CaptureHarness()
        let reply = ChatReplies.completion(
            id: "chatcmpl-openapi-1", model: Self.responseModel, text: "Blue.", finish: "stop")
        let request = chatRequest(model: "gpt-4o-mini", prompt: "What colour is the sky?", maxTokens: 16)
        let sent = try await withProviderServer({ _ in reply }) { server in
            // The same call without the middleware: what the server receives must not differ.
            let plain = try harness.chatClient(baseURL: server.baseURL + "/v1", capture: nil)
            _ = try await plain.createChatCompletion(body: .json(request))
            let output = try await harness.chatClient(server).createChatCompletion(body: .json(request))
            let completion = try output.ok.body.json
            #expect(completion.id == "chatcmpl-openapi-1")
            #expect(completion.choices.first?.message.content == "Blue.")
            #expect(completion.usage?.total_tokens == 28)
            return server.requests
        }
        try #require(sent.count == 2)
        #expect(sent[1].body == sent[0].body)
        #expect(sent[1].uri == "/v1/chat/completions")
        #expect(sent[1].headers["content-type"] == sent[0].headers["content-type"])

        let span = try await harness.onlySpan()
        #expect(span.name == "chat gpt-4o-mini")
        #expect(span.kind == .client)
        #expect(span.status == .ok)
        #expect(span.attributes["llm.model"] == "gpt-4o-mini")
        #expect(span.attributes["llm.provider"] == "openai")
        #expect(span.attributes["gen_ai.provider.name"] == "openai")
        #expect(span.attributes["gen_ai.operation.name"] == "chat")
        #expect(span.attributes["gen_ai.response.model"] == .string(Self.responseModel))
        #expect(span.attributes["gen_ai.response.id"] == "chatcmpl-openapi-1")
        #expect(span.attributes["gen_ai.request.max_tokens"] == 16)
        #expect(span.attributes["llm.stream"] == false)
        #expect(span.attributes["llm.input_tokens"] == 21)
        #expect(span.attributes["gen_ai.usage.input_tokens"] == 21)
        #expect(span.attributes["llm.output_tokens"] == 7)
        #expect(span.attributes["llm.total_tokens"] == 28)
        #expect(span.attributes["llm.finish_reason"] == "stop")
        #expect(span.attributes["gen_ai.response.finish_reasons"] == .stringArray(["stop"]))
        #expect(span.attributes["llm.cost.total"] == .double(try Self.cost(input: 21, output: 7)))
        #expect(span.attributes["llm.cost.currency"] == "USD")
        #expect(span.attributes["llm.input.messages"] == #"[{"content":"What colour is the sky?","role":"user"}]"#)
        #expect(span.attributes["llm.output.response"] == "Blue.")
        #expect(span.attributes["http.response.status_code"] == 200)
        #expect(span.attributes["url.path"] == "/v1/chat/completions")
        #expect(span.attributes["server.address"] == "127.0.0.1")
        #expect(span.attributes["llm.capture"] == "http")
    }

    @Test("A streamed chat: each chunk reaches the caller as the server sent it, before the rest; the span gets the usage")
    func stream() async throws {
        let harness = try CaptureHarness()
        let gate = Gate()
        let reply = ChatReplies.stream(
            id: "chatcmpl-openapi-stream", model: Self.responseModel, pieces: ["Hello", " from", " OpenAPI"],
            finish: "stop", gate: gate)
        let request = chatRequest(model: "gpt-4o-mini", prompt: "Greet me.", stream: true, includeUsage: true)
        try await withProviderServer({ _ in reply }) { server in
            let output = try await harness.chatClient(server).createChatCompletion(body: .json(request))
            let ok = try output.ok
            let body = try ok.body.text_event_hyphen_stream
            var received: [UInt8] = []
            var chunkCount = 0
            for try await chunk in body {
                chunkCount += 1
                received += chunk
                // The server holds the rest of the stream until its first chunk has reached the caller whole.
                if chunkCount == 1 {
                    #expect(received == reply.chunks[0])
                    gate.open()
                }
            }
            #expect(received == reply.body)
            #expect(chunkCount > 1)
        }
        let span = try await harness.onlySpan()
        #expect(span.name == "chat gpt-4o-mini")
        #expect(span.status == .ok)
        #expect(span.attributes["llm.stream"] == true)
        #expect(span.attributes["llm.output.response"] == "Hello from OpenAPI")
        #expect(span.attributes["llm.input_tokens"] == 21)
        #expect(span.attributes["llm.output_tokens"] == 7)
        #expect(span.attributes["llm.total_tokens"] == 28)
        #expect(span.attributes["gen_ai.response.finish_reasons"] == .stringArray(["stop"]))
        #expect(span.attributes["gen_ai.response.id"] == "chatcmpl-openapi-stream")
        #expect(span.attributes["gen_ai.response.model"] == .string(Self.responseModel))
        #expect(span.attributes["llm.stream.chunks"] == 6)
        #expect(span.attributes["llm.cost.total"] == .double(try Self.cost(input: 21, output: 7)))
        guard case .double(let ttft)? = span.attributes["llm.time_to_first_token_ms"] else {
            Issue.record("no time to first token")
            return
        }
        #expect(ttft > 0 && ttft <= Double(span.endTimeNanos - span.startTimeNanos) / 1_000_000)
    }

    @Test("Called inside traceOperation, the LLM span is its child")
    func parentage() async throws {
        let harness = try CaptureHarness()
        let reply = ChatReplies.completion(id: "chatcmpl-openapi-2", model: Self.responseModel, text: "4", finish: "stop")
        try await withProviderServer({ _ in reply }) { server in
            let chat = try harness.chatClient(server)
            try await harness.tracing.traceOperation("agent step") { _ in
                _ = try await chat.createChatCompletion(body: .json(chatRequest(model: "gpt-4o-mini", prompt: "2 + 2?")))
            }
        }
        _ = await harness.spans()
        let parent = try #require(harness.exporter.spans(named: "agent step").first)
        let child = try #require(harness.exporter.spans(named: "chat gpt-4o-mini").first)
        #expect(harness.exporter.spans.count == 2)
        #expect(child.traceID == parent.traceID)
        #expect(child.parentSpanID == parent.spanID)
        #expect(child.attributes["llm.output_tokens"] == 7)
    }

    /// A stream as the caller who did not ask for usage reads it, and the server's script, which sends the usage
    /// only to a request that asks for it.
    static func unaskedStream(
        id: String, pieces: [String], finish: String, gate: Gate? = nil
    ) -> (asked: ProviderReply, script: ProviderServer.Script) {
        let asked = ChatReplies.stream(id: id, model: responseModel, pieces: pieces, finish: finish, includeUsage: false)
        return (asked, { request in
            ChatReplies.stream(
                id: id, model: responseModel, pieces: pieces, finish: finish, gate: gate,
                includeUsage: ChatReplies.asksUsage(request))
        })
    }

    @Test("A stream the caller stops reading ends the span cancelled and abandoned")
    func abandonedStream() async throws {
        let harness = try CaptureHarness()
        let gate = Gate()
        // The caller did not ask for usage: it reads the stream without it (the capture asked the server for it).
        let (asked, script) = Self.unaskedStream(id: "chatcmpl-openapi-3", pieces: ["Once", " upon"], finish: "length", gate: gate)
        try await withProviderServer(script) { server in
            do {
                let output = try await harness.chatClient(server).createChatCompletion(
                    body: .json(chatRequest(model: "gpt-4o-mini", prompt: "A story.", stream: true)))
                var iterator = try output.ok.body.text_event_hyphen_stream.makeAsyncIterator()
                let first = try await iterator.next()
                #expect(first.map(Array.init) == asked.chunks[0])
            }
            gate.open()
        }
        let span = try await harness.onlySpan()
        #expect(span.status == .cancelled)
        #expect(span.attributes["llm.stream.abandoned"] == true)
        #expect(span.attributes["gen_ai.response.id"] == "chatcmpl-openapi-3")
    }

    @Test("A stream that does not ask for usage: the server is asked, the caller reads the stream it asked for, tokens recorded")
    func streamWithoutUsage() async throws {
        let harness = try CaptureHarness()
        let (asked, script) = Self.unaskedStream(id: "chatcmpl-openapi-4", pieces: ["Hi", " there"], finish: "stop")
        try await withProviderServer(script) { server in
            let output = try await harness.chatClient(server).createChatCompletion(
                body: .json(chatRequest(model: "gpt-4o-mini", prompt: "Greet me.", stream: true)))
            let received = try await chunks(of: try output.ok.body.text_event_hyphen_stream).flatMap { $0 }
            #expect(received == asked.body)
            #expect(server.requests.count == 1)
            #expect(server.requests.first.map(ChatReplies.asksUsage) == true)
        }
        let span = try await harness.onlySpan()
        #expect(span.status == .ok)
        #expect(span.attributes["llm.stream.usage_requested"] == true)
        #expect(span.attributes["llm.input_tokens"] == 21)
        #expect(span.attributes["llm.output_tokens"] == 7)
        #expect(span.attributes["llm.output.response"] == "Hi there")
    }

    @Test("A server error ends the span with error status, the error's type and message; the body is passed through")
    func serverError() async throws {
        let harness = try CaptureHarness()
        let reply = ProviderReply.json(ChatReplies.error, status: 400)
        try await withProviderServer({ _ in reply }) { server in
            let output = try await harness.chatClient(server).createChatCompletion(
                body: .json(chatRequest(model: "gpt-4o-mini", prompt: "Hi", maxTokens: 1_000_000)))
            guard case .default(let statusCode, let answer) = output else {
                Issue.record("expected the default (error) response, got \(output)")
                return
            }
            #expect(statusCode == 400)
            #expect(try answer.body.json.error.message == "max_tokens is too large")
            #expect(try answer.body.json.error._type == "invalid_request_error")
        }
        let span = try await harness.onlySpan()
        #expect(span.status == .error)
        #expect(span.statusMessage == "max_tokens is too large")
        #expect(span.attributes["error.type"] == "invalid_request_error")
        #expect(span.attributes["http.response.status_code"] == 400)
        #expect(span.attributes["llm.input_tokens"] == nil)
    }

    @Test(
        "A connection closed without an answer, or in the middle of the body: the error reaches the caller, the span ends in error",
        arguments: [FaultServer.Behavior.closeWithoutAnswer, .closeMidResponse])
    func transportFailure(_ behavior: FaultServer.Behavior) async throws {
        let harness = try CaptureHarness()
        let server = try FaultServer(behavior)
        defer { server.stop() }
        let baseURL = server.baseURL + "/v1"
        let chat = try harness.chatClient(baseURL: baseURL, capture: harness.capture(baseURL: baseURL))
        await #expect(throws: (any Error).self) {
            _ = try await chat.createChatCompletion(body: .json(chatRequest(model: "gpt-4o-mini", prompt: "Hi")))
        }
        #expect(server.requests == 1)
        let span = try await harness.onlySpan()
        #expect(span.name == "chat gpt-4o-mini")
        #expect(span.status == .error)
        #expect(span.exception != nil)
        #expect(span.attributes["llm.output_tokens"] == nil)
    }

    @Test("A request to a server the capture does not know goes through untraced, body and answer intact")
    func untracedServer() async throws {
        let harness = try CaptureHarness()
        let reply = ChatReplies.completion(id: "chatcmpl-other", model: Self.responseModel, text: "Hi", finish: "stop")
        let request = chatRequest(model: "gpt-4o-mini", prompt: "Hello")
        try await withProviderServer({ _ in reply }) { server in
            // The capture knows another base URL only.
            let capture = harness.capture(baseURL: "http://127.0.0.1:1/v1")
            let plain = try harness.chatClient(baseURL: server.baseURL + "/v1", capture: nil)
            let traced = try harness.chatClient(baseURL: server.baseURL + "/v1", capture: capture)
            _ = try await plain.createChatCompletion(body: .json(request))
            let completion = try await traced.createChatCompletion(body: .json(request)).ok.body.json
            #expect(completion.id == "chatcmpl-other")
            let sent = server.requests
            try #require(sent.count == 2)
            #expect(sent[1].body == sent[0].body)
        }
        #expect(await harness.spans().isEmpty)
    }

    @Test("Requests that are not model calls reach next as the very same request and body objects")
    func passThroughUntouched() async throws {
        let harness = try CaptureHarness()
        let capture = harness.capture(baseURL: "http://127.0.0.1:8089/v1")
        let middleware = LLMCaptureMiddleware(capture: capture)
        let baseURL = try #require(URL(string: "http://127.0.0.1:8089/v1"))
        let requests = [
            HTTPRequest(method: .get, scheme: nil, authority: nil, path: "/models"),
            HTTPRequest(method: .post, scheme: nil, authority: nil, path: "/files"),
            HTTPRequest(method: .post, scheme: nil, authority: nil, path: "/chat/completions"),
        ]
        for (index, request) in requests.enumerated() {
            let body = HTTPBody(#"{"model":"gpt-4o-mini","messages":[]}"#)
            let answer = HTTPBody("untouched")
            // The third goes to a base URL the capture does not know.
            let target = index == 2 ? try #require(URL(string: "http://127.0.0.1:9/v1")) : baseURL
            let (response, responseBody) = try await middleware.intercept(
                request, body: body, baseURL: target, operationID: "op"
            ) { passedRequest, passedBody, passedURL in
                #expect(passedRequest == request)
                #expect(passedBody === body)
                #expect(passedURL == target)
                return (HTTPResponse(status: .ok), answer)
            }
            #expect(response.status == .ok)
            #expect(responseBody === answer)
        }
        #expect(await harness.spans().isEmpty)
    }

    @Test("A request body that can be read only once reaches next as the same bytes, and is recorded")
    func singleIterationBody() async throws {
        let harness = try CaptureHarness()
        let middleware = LLMCaptureMiddleware(capture: harness.capture(baseURL: "http://127.0.0.1:8089/v1"))
        let json = #"{"model":"gpt-4o-mini","max_tokens":5,"messages":[{"role":"user","content":"Hi"}]}"#
        let parts = [String(json.prefix(20)), String(json.dropFirst(20))]
        let body = HTTPBody(
            AsyncStream<ArraySlice<UInt8>> { continuation in
                for part in parts { continuation.yield(ArraySlice(part.utf8)) }
                continuation.finish()
            }, length: .unknown)
        let reply = ChatReplies.completion(id: "chatcmpl-once", model: Self.responseModel, text: "Hi!", finish: "stop")
        let (response, responseBody) = try await middleware.intercept(
            HTTPRequest(method: .post, scheme: nil, authority: nil, path: "/chat/completions"), body: body,
            baseURL: try #require(URL(string: "http://127.0.0.1:8089/v1")), operationID: "createChatCompletion"
        ) { _, passed, _ in
            let sent = try await [UInt8](collecting: try #require(passed), upTo: 1 << 20)
            #expect(sent == Array(json.utf8))
            var fields = HTTPFields()
            fields[.contentType] = "application/json"
            return (HTTPResponse(status: .ok, headerFields: fields), HTTPBody(reply.body))
        }
        #expect(response.status == .ok)
        #expect(try await [UInt8](collecting: try #require(responseBody), upTo: 1 << 20) == reply.body)
        let span = try await harness.onlySpan()
        #expect(span.status == .ok)
        #expect(span.attributes["llm.model"] == "gpt-4o-mini")
        #expect(span.attributes["gen_ai.request.max_tokens"] == 5)
        #expect(span.attributes["llm.output_tokens"] == 7)
        #expect(span.attributes["llm.output.response"] == "Hi!")
    }
}
