import AsyncHTTPClient
import Foundation
import NIOCore
@testable import NoveumTrace
import NoveumTraceAsyncHTTPClient
import NoveumTraceTesting
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A real model behind llama.cpp's OpenAI-compatible server (`Scripts/llm-server.sh start`), named by
/// `NOVEUM_LLM_SERVER_URL`, for example `http://127.0.0.1:8089`.
enum LLMServer {
    /// The server's base URL when the variable is set and `/health` answers 200; nil otherwise.
    static let url: String? = {
        guard let raw = ProcessInfo.processInfo.environment["NOVEUM_LLM_SERVER_URL"], !raw.isEmpty,
              let health = URL(string: raw.hasSuffix("/") ? raw + "health" : raw + "/health")
        else { return nil }
        let answered = LockedValue(false)
        let done = DispatchSemaphore(value: 0)
        var request = URLRequest(url: health)
        request.timeoutInterval = 5
        URLSession.shared.dataTask(with: request) { _, response, _ in
            answered.withLock { $0 = (response as? HTTPURLResponse)?.statusCode == 200 }
            done.signal()
        }.resume()
        _ = done.wait(timeout: .now() + 10)
        guard answered.withLock({ $0 }) else { return nil }
        return raw.hasSuffix("/") ? String(raw.dropLast()) : raw
    }()

    static let skipMessage: Comment =
        "set NOVEUM_LLM_SERVER_URL to a running llama-server (Scripts/llm-server.sh start) to run the real-model tests"

    static let model = "smollm2-135m-instruct"

    /// The AsyncHTTPClient the suite sends with: one connection per request. llama-server closes a connection right
    /// after a stream ends, and a pooled client can hand that connection to the next request before it sees the
    /// close ("I/O on closed channel", a race of the pool and the server that has nothing to do with tracing).
    static let http: HTTPClient = {
        var configuration = HTTPClient.Configuration()
        configuration.maximumUsesPerConnection = 1
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }()

    /// Capture settings for the server, recording on `client`.
    static func capture(_ client: NoveumClient) throws -> LLMHTTPCapture {
        LLMHTTPCapture(endpoints: [], client: client).adding(baseURL: try #require(url) + "/v1", provider: "llama.cpp")
    }

    static func chatBody(_ prompt: String, maxTokens: Int = 24, stream: Bool = false) -> String {
        let messages = #"[{"role":"system","content":"You are a helpful assistant."},{"role":"user","content":"\#(prompt)"}]"#
        let streaming = stream ? #","stream":true,"stream_options":{"include_usage":true}"# : ""
        return #"{"model":"\#(model)","messages":\#(messages),"temperature":0,"max_tokens":\#(maxTokens)\#(streaming)}"#
    }
}

/// What the server itself said, read from the bytes the caller received, independently of the SDK's parsing.
struct ServerAnswer {
    var promptTokens: Int
    var completionTokens: Int
    var totalTokens: Int
    var text: String
    var finishReason: String?

    /// A chat completion.
    init(json body: [UInt8]) throws {
        let json = try #require(try JSONSerialization.jsonObject(with: Data(body)) as? [String: Any])
        let usage = try #require(json["usage"] as? [String: Any])
        promptTokens = try #require(usage["prompt_tokens"] as? Int)
        completionTokens = try #require(usage["completion_tokens"] as? Int)
        totalTokens = try #require(usage["total_tokens"] as? Int)
        let choice = try #require((json["choices"] as? [[String: Any]])?.first)
        text = try #require((choice["message"] as? [String: Any])?["content"] as? String)
        finishReason = choice["finish_reason"] as? String
    }

    /// A streamed chat completion: deltas concatenated, usage from the last chunk.
    init(stream body: [UInt8]) throws {
        var text = ""
        var usage: [String: Any]?
        var finish: String?
        for line in String(decoding: body, as: UTF8.self).split(whereSeparator: \.isNewline)
        where line.hasPrefix("data: ") && line != "data: [DONE]" {
            let json = try #require(try JSONSerialization.jsonObject(with: Data(line.dropFirst(6).utf8)) as? [String: Any])
            if let block = json["usage"] as? [String: Any] { usage = block }
            for choice in (json["choices"] as? [[String: Any]]) ?? [] {
                if let piece = (choice["delta"] as? [String: Any])?["content"] as? String { text += piece }
                if let reason = choice["finish_reason"] as? String { finish = reason }
            }
        }
        let final = try #require(usage, "the stream ended without a usage chunk")
        promptTokens = try #require(final["prompt_tokens"] as? Int)
        completionTokens = try #require(final["completion_tokens"] as? Int)
        totalTokens = try #require(final["total_tokens"] as? Int)
        self.text = text
        finishReason = finish
    }

    /// Checks `span` against this answer.
    func check(_ span: SpanData, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(span.int("llm.input_tokens") == Int64(promptTokens), sourceLocation: sourceLocation)
        #expect(span.int("gen_ai.usage.input_tokens") == Int64(promptTokens), sourceLocation: sourceLocation)
        #expect(span.int("llm.output_tokens") == Int64(completionTokens), sourceLocation: sourceLocation)
        #expect(span.int("llm.total_tokens") == Int64(totalTokens), sourceLocation: sourceLocation)
        #expect(span.string("llm.output.response") == text, sourceLocation: sourceLocation)
        #expect(span.strings("gen_ai.response.finish_reasons") == finishReason.map { [$0] }, sourceLocation: sourceLocation)
        #expect(span.string("gen_ai.response.model") == LLMServer.model, sourceLocation: sourceLocation)
        #expect(span.bool("llm.cost.unknown_model") == true, sourceLocation: sourceLocation)
    }
}

@Suite("Real model (llama.cpp)", .enabled(if: LLMServer.url != nil, LLMServer.skipMessage), .serialized)
struct LLMServerTests {
    static func post(_ path: String, _ body: String) throws -> HTTPClientRequest {
        jsonRequest(try #require(LLMServer.url) + path, body: body, headers: [("Authorization", "Bearer sk-local-llm-SECRET-0001")])
    }

    @Test("traceLLM around a hand-written request records what the server returned")
    func traceLLMClosure() async throws {
        let (client, exporter) = try makeCaptureClient()
        let request = try Self.post("/v1/chat/completions", LLMServer.chatBody("Name a colour."))
        let body = try await client.traceLLM(model: LLMServer.model, provider: "llama.cpp") { span in
            span.setRequest(temperature: 0, maxTokens: 24)
            let response = try await LLMServer.http.execute(request, timeout: .seconds(120))
            let bytes = try await readBody(response)
            if let summary = LLMResponseSummary.parse(bytes) { span.setResponse(summary) }
            return bytes
        }
        let answer = try ServerAnswer(json: body)
        let span = try await exportedSpan(client, exporter)
        #expect(span.name == "chat \(LLMServer.model)")
        answer.check(span)
        #expect(answer.promptTokens > 0 && answer.completionTokens > 0)
    }

    @Test("AsyncHTTPClient capture, non-streaming chat")
    func asyncHTTPClientChat() async throws {
        let (client, exporter) = try makeCaptureClient()
        let response = try await LLMServer.http.tracedExecute(
            try Self.post("/v1/chat/completions", LLMServer.chatBody("What is 2 + 2?")), timeout: .seconds(120),
            capture: try LLMServer.capture(client))
        let answer = try ServerAnswer(json: try await readBody(response))
        let span = try await exportedSpan(client, exporter)
        answer.check(span)
        #expect(span.string("llm.provider") == "llama.cpp")
        #expect(span.double("gen_ai.request.temperature") == 0)
        #expect(span.int("gen_ai.request.max_tokens") == 24)
        #expect(span.bool("llm.stream") == false)
        #expect(!"\(span.attributes)".contains("SECRET"))
    }

    @Test("URLSession capture, non-streaming chat")
    func urlSessionChat() async throws {
        let (client, exporter) = try makeCaptureClient()
        var request = URLRequest(url: URL(string: try #require(LLMServer.url) + "/v1/chat/completions")!)
        request.httpMethod = "POST"
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.httpBody = Data(LLMServer.chatBody("Say hello.").utf8)
        let session = TracedURLSession(capture: try LLMServer.capture(client))
        let (data, _) = try await session.data(for: request)
        let answer = try ServerAnswer(json: Array(data))
        answer.check(try await exportedSpan(client, exporter))
    }

    @Test("AsyncHTTPClient capture, streamed chat with include_usage: TTFT, aggregated deltas, final usage")
    func asyncHTTPClientStream() async throws {
        let (client, exporter) = try makeCaptureClient()
        let response = try await LLMServer.http.tracedExecute(
            try Self.post("/v1/chat/completions", LLMServer.chatBody("Count from one to five.", maxTokens: 32, stream: true)),
            timeout: .seconds(120), capture: try LLMServer.capture(client))
        var chunks = 0
        var body: [UInt8] = []
        for try await chunk in response.body {
            chunks += 1
            body += chunk.readableBytesView
        }
        let answer = try ServerAnswer(stream: body)
        let span = try await exportedSpan(client, exporter)
        answer.check(span)
        #expect(span.bool("llm.stream") == true)
        #expect(chunks > 1)
        let ttft = try #require(span.double("llm.time_to_first_token_ms"))
        #expect(ttft > 0 && ttft < Double(span.endTimeNanos - span.startTimeNanos) / 1_000_000)
        print("llama-server stream: \(answer.promptTokens) prompt + \(answer.completionTokens) completion tokens, TTFT \(ttft) ms, \(span.int("llm.stream.chunks") ?? 0) events")
    }

    @Test("URLSession capture, streamed chat with include_usage")
    func urlSessionStream() async throws {
        let (client, exporter) = try makeCaptureClient()
        var request = URLRequest(url: URL(string: try #require(LLMServer.url) + "/v1/chat/completions")!)
        request.httpMethod = "POST"
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.httpBody = Data(LLMServer.chatBody("Name three fruits.", maxTokens: 32, stream: true).utf8)
        let session = TracedURLSession(capture: try LLMServer.capture(client))
        let (chunks, _) = try await session.bytes(for: request)
        var body: [UInt8] = []
        for try await chunk in chunks { body += chunk }
        let answer = try ServerAnswer(stream: body)
        let span = try await exportedSpan(client, exporter)
        answer.check(span)
        #expect(span.double("llm.time_to_first_token_ms") != nil)
    }

    @Test("A stream that does not ask for usage: the capture asks, the caller's stream has no usage, the span has tokens")
    func streamWithoutUsage() async throws {
        let (client, exporter) = try makeCaptureClient()
        let body = LLMServer.chatBody("Name two colours.", maxTokens: 16, stream: true)
            .replacingOccurrences(of: #","stream_options":{"include_usage":true}"#, with: "")
        let response = try await LLMServer.http.tracedExecute(
            try Self.post("/v1/chat/completions", body), timeout: .seconds(120), capture: try LLMServer.capture(client))
        let received = String(decoding: try await readBody(response), as: UTF8.self)
        // The server sent its usage in an event of its own; the caller, who did not ask for it, does not get it.
        #expect(!received.contains(#""usage":{"#))
        #expect(!received.contains(#""choices":[]"#))
        #expect(received.hasSuffix("data: [DONE]\n\n"))
        let span = try await exportedSpan(client, exporter)
        #expect(span.bool("llm.stream.usage_requested") == true)
        #expect((span.int("llm.input_tokens") ?? 0) > 0)
        #expect((span.int("llm.output_tokens") ?? 0) > 0)
        #expect((span.double("llm.stream.output_tokens_per_second") ?? 0) > 0)
        #expect(span.double("llm.stream.max_gap_ms") != nil)
        print("llama-server stream without include_usage: \(span.int("llm.input_tokens") ?? 0) prompt + \(span.int("llm.output_tokens") ?? 0) completion tokens, \(span.double("llm.stream.output_tokens_per_second") ?? 0) tokens/s")
    }

    @Test("A consumer that abandons the stream halfway: the span ends cancelled and abandoned")
    func abandonedStream() async throws {
        let (client, exporter) = try makeCaptureClient()
        do {
            let response = try await LLMServer.http.tracedExecute(
                try Self.post("/v1/chat/completions", LLMServer.chatBody("Write a long story about a dragon.", maxTokens: 200, stream: true)),
                timeout: .seconds(120), capture: try LLMServer.capture(client))
            var iterator = response.body.makeAsyncIterator()
            var seen = ""
            while !seen.contains("\"content\":\""), let chunk = try await iterator.next() {
                seen += String(buffer: chunk)
            }
            #expect(seen.contains("\"content\":\""))
        }
        let span = try await exportedSpan(client, exporter)
        #expect(span.status == .cancelled)
        #expect(span.bool("llm.stream.abandoned") == true)
        #expect(span.attributes["llm.output_tokens"] == nil)
    }

    @Test("Embeddings: operation, model and the server's prompt token count")
    func embeddings() async throws {
        let (client, exporter) = try makeCaptureClient()
        let response = try await LLMServer.http.tracedExecute(
            try Self.post("/v1/embeddings", #"{"model":"\#(LLMServer.model)","input":"The quick brown fox"}"#),
            timeout: .seconds(120), capture: try LLMServer.capture(client))
        let body = try await readBody(response)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(body)) as? [String: Any])
        let usage = try #require(json["usage"] as? [String: Any])
        let vector = try #require(((json["data"] as? [[String: Any]])?.first)?["embedding"] as? [Any])
        let span = try await exportedSpan(client, exporter)
        #expect(span.name == "embeddings \(LLMServer.model)")
        #expect(span.string("openinference.span.kind") == "EMBEDDING")
        #expect(span.int("llm.input_tokens") == Int64(try #require(usage["prompt_tokens"] as? Int)))
        #expect(span.string("llm.input.messages") == "The quick brown fox")
        #expect(span.status == .ok)
        print("llama-server embeddings: \(vector.count) dimensions, usage \(usage)")
    }

    @Test("A malformed request: the server's 400 becomes an error span with its type and message")
    func badRequest() async throws {
        let (client, exporter) = try makeCaptureClient()
        let response = try await LLMServer.http.tracedExecute(
            try Self.post("/v1/chat/completions", #"{"model":"\#(LLMServer.model)","messages":"not a list"}"#),
            timeout: .seconds(120), capture: try LLMServer.capture(client))
        #expect(response.status.code == 400)
        let body = try await readBody(response)
        let error = try #require(
            (try JSONSerialization.jsonObject(with: Data(body)) as? [String: Any])?["error"] as? [String: Any])
        let span = try await exportedSpan(client, exporter)
        #expect(span.status == .error)
        #expect(span.int("http.response.status_code") == 400)
        #expect(span.string("error.type") == error["type"] as? String)
        #expect(span.statusMessage == error["message"] as? String)
        // The GenAI conventions' exception event, with the server's own type and message.
        let event = try #require(span.events.first { $0.name == "gen_ai.client.operation.exception" })
        #expect(event.attributes["exception.type"]?.stringValue == error["type"] as? String)
        #expect(event.attributes["exception.message"]?.stringValue == error["message"] as? String)
        print("llama-server 400: \(error)")
    }

    @Test("evaluate with a real judge: the judge's call is an LLM span under the evaluation, its tokens recorded")
    func judge() async throws {
        let (client, exporter) = try makeCaptureClient()
        let capture = try LLMServer.capture(client)
        // The answer, captured; the judge runs while its span is open, so the score goes on it as an event.
        let (answerSpanID, score) = try await client.traceOperation("answer the user") { turn in
            let response = try await LLMServer.http.tracedExecute(
                try Self.post("/v1/chat/completions", LLMServer.chatBody("What colour is the sky?")), timeout: .seconds(120),
                capture: capture)
            let answer = try ServerAnswer(json: try await readBody(response))
            turn.setAttributes(["input.value": "What colour is the sky?", "output.value": answer.text])
            let score = try await client.evaluate(turn, name: "helpfulness") { input in
                let question = "Question: \(input.input ?? "")\nAnswer: \(input.output ?? "")\nIs the answer helpful? Reply yes or no."
                // The answer is the model's text: escaped into the JSON body.
                let escaped = String(decoding: try JSONSerialization.data(withJSONObject: [question]), as: UTF8.self)
                    .dropFirst(2).dropLast(2)
                let judged = try await LLMServer.http.tracedExecute(
                    try Self.post("/v1/chat/completions", LLMServer.chatBody(String(escaped), maxTokens: 8)), timeout: .seconds(120),
                    capture: capture)
                let verdict = try ServerAnswer(json: try await readBody(judged))
                return .boolean(
                    "helpfulness", verdict.text.lowercased().contains("yes"), source: .llmJudge, explanation: verdict.text)
            }
            return (turn.spanID, score)
        }
        #expect(await client.flush() == 0)
        let spans = exporter.spans
        #expect(spans.count == 4)
        let turn = try #require(spans.first { $0.spanID == answerSpanID })
        let evaluation = try #require(spans.first { $0.name == "evaluate helpfulness" })
        let calls = spans.filter { $0.name == "chat \(LLMServer.model)" }
        #expect(calls.count == 2)
        let answerCall = try #require(calls.first { $0.parentSpanID == turn.spanID })
        let judgeCall = try #require(calls.first { $0.parentSpanID == evaluation.spanID })
        #expect(evaluation.parentSpanID == turn.spanID && evaluation.traceID == turn.traceID)
        #expect(answerCall.string("llm.output.response") == turn.string("output.value"))
        // The judge's own tokens, as the server counted them.
        #expect((judgeCall.int("gen_ai.usage.input_tokens") ?? 0) > 0 && (judgeCall.int("gen_ai.usage.output_tokens") ?? 0) > 0)
        #expect(judgeCall.string("llm.output.response") == score.explanation)
        // The verdict: an event on the answered turn, and the evaluation span's attributes.
        let event = try #require(turn.events.first { $0.name == Score.eventName })
        #expect(event.attributes["gen_ai.evaluation.name"] == .string("helpfulness"))
        #expect(event.attributes["noveum.score.source"] == .string("llm_judge"))
        #expect(event.attributes["gen_ai.evaluation.score.label"] == .string(score.label ?? ""))
        #expect(event.attributes["gen_ai.evaluation.explanation"] == .string(score.explanation ?? ""))
        #expect(evaluation.attributes["gen_ai.evaluation.score.label"] == .string(score.label ?? ""))
        print("llama-server judge: \(score.label ?? "") (\(judgeCall.int("gen_ai.usage.input_tokens") ?? 0) + \(judgeCall.int("gen_ai.usage.output_tokens") ?? 0) tokens): \(score.explanation ?? "")")
    }
}
