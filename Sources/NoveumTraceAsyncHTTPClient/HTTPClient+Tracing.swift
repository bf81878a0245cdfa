import AsyncHTTPClient
import Foundation
import NIOCore
import NoveumTrace

extension HTTPClient {
    /// Executes `request` like `execute(_:timeout:)`, and traces it as an LLM span when it goes to a model API.
    ///
    /// Requests to one of `capture`'s endpoints (OpenAI and compatibles, Anthropic, Gemini, and any base URL you
    /// add, such as a local llama.cpp or Ollama server) are recorded as `traceLLM` would record them: model,
    /// request parameters, usage, cost, finish reasons, time to first token for streams, and the messages and
    /// output unless content capture is off. Every other request is executed untouched.
    ///
    /// The response body reaches you unchanged and as it arrives: streamed (`text/event-stream`) responses are
    /// parsed on the way through, chunk by chunk, never buffered. The span ends when you have read the body to its
    /// end, when reading fails, or when you drop the response without reading it all (then it is marked
    /// `llm.stream.abandoned`). Request and response headers (`Authorization`, `x-api-key`, `api-key`, cookies) and
    /// URL queries are never recorded.
    ///
    /// ```swift
    /// let capture = LLMHTTPCapture.default.adding(baseURL: "http://127.0.0.1:8089/v1", provider: "llama.cpp")
    /// let response = try await HTTPClient.shared.tracedExecute(request, timeout: .seconds(60), capture: capture)
    /// for try await chunk in response.body { ... }
    /// ```
    ///
    /// The request body of a traced call is read once to record its parameters and sent as the bytes read.
    public func tracedExecute(
        _ request: HTTPClientRequest, timeout: TimeAmount, capture: LLMHTTPCapture = .default
    ) async throws -> HTTPClientResponse {
        guard let url = URL(string: request.url), request.method == .POST, capture.endpoint(for: url) != nil else {
            return try await execute(request, timeout: timeout)
        }
        var request = request
        var body = ByteBuffer()
        if let requestBody = request.body {
            for try await part in requestBody { body.writeImmutableBuffer(part) }
            request.body = .bytes(body)
        }
        let bytes = body.readableBytes <= capture.maxRequestBodyBytes ? body.readableBytesView : body.readableBytesView.prefix(0)
        guard let call = LLMHTTPCall.start(method: "POST", url: url, body: bytes, capture: capture) else {
            return try await execute(request, timeout: timeout)
        }
        var response: HTTPClientResponse
        do {
            var sent = request
            if let changed = call.bodyToSend { sent.body = .bytes(ByteBuffer(bytes: changed)) }
            response = try await execute(sent, timeout: timeout)
            if call.mayResend(status: Int(response.status.code)) {
                // A 400 to the body the capture changed: read the (small) error to see whether to send it again.
                let errorBody = try await response.body.collect(upTo: 1_048_576)
                if call.shouldResend(status: Int(response.status.code), errorBody: errorBody.readableBytesView) {
                    response = try await execute(request, timeout: timeout)
                } else {
                    response.body = .bytes(errorBody)
                }
            }
        } catch {
            call.fail(error)
            throw error
        }
        call.receivedResponse(status: Int(response.status.code), contentType: response.headers.first(name: "content-type"))
        response.body = .stream(TracedResponseBody(base: response.body, call: call))
        return response
    }
}
