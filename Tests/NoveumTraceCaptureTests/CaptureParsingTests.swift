import Foundation
@testable import NoveumTrace
import Testing

/// The pieces HTTP capture is built from: SSE parsing, endpoint recognition and request parsing.
@Suite("HTTP capture: parsing")
struct CaptureParsingTests {
    @Test("SSE: the same events whatever the chunk boundaries (LF, CRLF and CR line breaks, comments, multi-line data)")
    func serverSentEventsAcrossBoundaries() {
        let text = ": keep-alive\r\nevent: message_start\r\ndata: {\"a\":1}\r\n\r\ndata: line one\ndata: line two\n\nid: 7\rdata: x\r\rdata: [DONE]\n\n"
        let expected = [
            ServerSentEvent(event: "message_start", data: "{\"a\":1}"),
            ServerSentEvent(data: "line one\nline two"),
            ServerSentEvent(data: "x", id: "7"),
            ServerSentEvent(data: "[DONE]", id: "7"),
        ]
        let bytes = Array(text.utf8)
        for cut in 0...bytes.count {
            var parser = ServerSentEventParser()
            let events = parser.feed(bytes[..<cut]) + parser.feed(bytes[cut...])
            #expect(events == expected, "split at \(cut)")
        }
        var byteByByte = ServerSentEventParser()
        #expect(bytes.flatMap { byteByByte.feed([$0]) } == expected)
    }

    @Test("Endpoints: hosts, wildcard subdomains, ports and base-URL path prefixes")
    func endpoints() throws {
        let local = try #require(LLMEndpoint(baseURL: "http://127.0.0.1:8089/v1/", format: .openAI, provider: "llama.cpp"))
        #expect(local.host == "127.0.0.1" && local.port == 8089 && local.pathPrefix == "/v1")
        let capture = LLMHTTPCapture.default.adding(baseURL: "http://127.0.0.1:8089/v1", provider: "llama.cpp")
        func provider(_ url: String) -> String? { capture.endpoint(for: URL(string: url)!)?.provider }
        #expect(provider("http://127.0.0.1:8089/v1/chat/completions") == "llama.cpp")
        #expect(provider("http://127.0.0.1:8090/v1/chat/completions") == nil)
        #expect(provider("http://127.0.0.1:8089/v10/chat/completions") == nil)
        #expect(provider("https://api.openai.com/v1/chat/completions") == "openai")
        #expect(provider("https://API.Anthropic.com/v1/messages") == "anthropic")
        #expect(provider("https://my-resource.openai.azure.com/openai/deployments/x/chat/completions") == "azure.ai.openai")
        #expect(provider("https://generativelanguage.googleapis.com/v1beta/models/gemini-2.0-flash:generateContent") == "gemini")
        #expect(provider("https://example.com/v1/chat/completions") == nil)
        #expect(provider("ftp://api.openai.com/v1/chat/completions") == nil)
    }

    @Test("Requests: operations per path; parameters of each format; other paths are not model calls")
    func requests() throws {
        let embeddings = try #require(
            LLMRequestInfo.parse(
                format: .openAI, path: "/v1/embeddings", body: Array(#"{"model":"text-embedding-3-small","input":["a","b"]}"#.utf8)))
        #expect(embeddings.operation == "embeddings" && embeddings.model == "text-embedding-3-small")
        #expect(embeddings.inputJSON == #"["a","b"]"#)
        let completion = try #require(
            LLMRequestInfo.parse(
                format: .openAI, path: "/v1/completions",
                body: Array(#"{"model":"m","prompt":"Once","max_tokens":5,"stop":"\n","stream":true,"stream_options":{"include_usage":true}}"#.utf8)))
        #expect(completion.operation == "text_completion" && completion.maxTokens == 5)
        #expect(completion.stopSequences == ["\n"] && completion.stream && completion.includeUsage == true)
        let gemini = try #require(
            LLMRequestInfo.parse(
                format: .gemini, path: "/v1beta/models/text-embedding-004:embedContent",
                body: Array(#"{"content":{"parts":[{"text":"hi"}]}}"#.utf8)))
        #expect(gemini.operation == "embeddings" && gemini.model == "text-embedding-004")
        #expect(LLMRequestInfo.parse(format: .openAI, path: "/v1/models", body: []) == nil)
        #expect(LLMRequestInfo.parse(format: .anthropic, path: "/v1/messages/count_tokens", body: []) == nil)
        #expect(LLMRequestInfo.parse(format: .gemini, path: "/v1beta/models/gemini-2.0-flash:countTokens", body: []) == nil)
    }
}
