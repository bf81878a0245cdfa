import Foundation
import HTTPTypes
import NoveumTrace
import OpenAPIRuntime

/// A swift-openapi-runtime `ClientMiddleware` that traces the model calls of any client made by
/// swift-openapi-generator as LLM spans.
///
/// Requests to one of the capture's endpoints (OpenAI and compatibles, Anthropic, Gemini, and any base URL you add,
/// such as a local llama.cpp or Ollama server) are recorded as `traceLLM` would record them: model, request
/// parameters, usage, cost, finish reasons, time to first token for streams, and the messages and output unless
/// content capture is off. Every other request goes through untouched.
///
/// The response body reaches the generated client, and through it you, unchanged and as it arrives: streamed
/// (`text/event-stream`) responses are parsed on the way through, chunk by chunk, never buffered. The span ends
/// when the body has been read to its end, when reading it fails, or when it is dropped before its end (then it is
/// marked `llm.stream.abandoned`). Request and response headers (`Authorization`, `x-api-key`, `api-key`, cookies)
/// and URL queries are never recorded.
///
/// ```swift
/// let capture = LLMHTTPCapture.default.adding(baseURL: "http://127.0.0.1:8089/v1", provider: "llama.cpp")
/// let client = Client(
///     serverURL: URL(string: "http://127.0.0.1:8089/v1")!, transport: AsyncHTTPClientTransport(),
///     middlewares: [LLMCaptureMiddleware(capture: capture)])
/// ```
///
/// The request body of a model call is read to record its parameters, then sent on unchanged: the same body when it
/// can be read more than once (as generated clients' bodies can), else the bytes read. Put the middleware last in
/// `middlewares` to record the request as it leaves for the server.
public struct LLMCaptureMiddleware: ClientMiddleware {
    /// What is recorded, and for which endpoints.
    public var capture: LLMHTTPCapture

    /// A middleware that records the calls to `capture`'s endpoints (default: the public providers, content
    /// recorded, on the current client).
    public init(capture: LLMHTTPCapture = .default) {
        self.capture = capture
    }

    /// Sends the request through `next`, traced when it is a model call.
    ///
    /// - Parameters:
    ///   - request: The request the generated client made.
    ///   - body: Its body, if any.
    ///   - baseURL: The server URL the client was made with; the request's path is relative to it.
    ///   - operationID: The operation's identifier in the OpenAPI document.
    ///   - next: The rest of the middleware chain, then the transport.
    /// - Returns: The response, with a body that records the call as it is read.
    /// - Throws: What `next` or reading the request body throws, unchanged.
    public func intercept(
        _ request: HTTPRequest, body: HTTPBody?, baseURL: URL, operationID: String,
        next: @Sendable (HTTPRequest, HTTPBody?, URL) async throws -> (HTTPResponse, HTTPBody?)
    ) async throws -> (HTTPResponse, HTTPBody?) {
        guard request.method == .post, let url = Self.url(of: request, relativeTo: baseURL),
            capture.endpoint(for: url) != nil
        else { return try await next(request, body, baseURL) }
        var bytes: [UInt8] = []
        if let body {
            for try await chunk in body { bytes.append(contentsOf: chunk) }
        }
        // A body that can be read again goes on as it is; one that cannot, as the bytes read.
        let sentBody = body.map { $0.iterationBehavior == .multiple ? $0 : HTTPBody(bytes) }
        let recorded = bytes.count <= capture.maxRequestBodyBytes ? bytes[...] : bytes.prefix(0)
        guard let call = LLMHTTPCall.start(method: "POST", url: url, body: recorded, capture: capture) else {
            return try await next(request, sentBody, baseURL)
        }
        var (response, responseBody): (HTTPResponse, HTTPBody?)
        do {
            if let changed = call.bodyToSend {
                // The capture asks the stream for its usage; the caller still reads the stream it asked for.
                var asking = request
                if asking.headerFields[.contentLength] != nil { asking.headerFields[.contentLength] = String(changed.count) }
                (response, responseBody) = try await next(asking, HTTPBody(changed), baseURL)
            } else {
                (response, responseBody) = try await next(request, sentBody, baseURL)
            }
            if call.mayResend(status: response.status.code) {
                // A 400 to the changed body: read the (small) error to see whether to send the caller's own again.
                var errorBody: [UInt8] = []
                if let responseBody {
                    for try await chunk in responseBody where errorBody.count < 1_048_576 { errorBody += chunk }
                }
                if call.shouldResend(status: response.status.code, errorBody: errorBody) {
                    (response, responseBody) = try await next(request, sentBody, baseURL)
                } else {
                    responseBody = HTTPBody(errorBody)
                }
            }
        } catch {
            call.fail(error)
            throw error
        }
        call.receivedResponse(status: response.status.code, contentType: response.headerFields[.contentType])
        guard let responseBody else {
            call.finish()
            return (response, nil)
        }
        // A stream whose usage the capture asked for loses a few bytes on the way: its length is then unknown.
        let length = call.bodyToSend == nil ? responseBody.length : .unknown
        let traced = HTTPBody(LLMTracedChunks(responseBody, call: call), length: length, iterationBehavior: .single)
        return (response, traced)
    }

    /// The request's full URL: its path (with the query) appended to the server URL, as the transports build it.
    static func url(of request: HTTPRequest, relativeTo baseURL: URL) -> URL? {
        var base = baseURL.absoluteString
        while base.hasSuffix("/") { base.removeLast() }
        return URL(string: base + (request.path ?? ""))
    }
}
