import Foundation

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A `URLSession` wrapper that traces calls to model APIs as LLM spans, for code that sends them with Foundation.
///
/// Requests to one of the capture's endpoints (OpenAI and compatibles, Anthropic, Gemini, and any base URL you add,
/// such as a local llama.cpp or Ollama server) are recorded as `traceLLM` would record them: model, request
/// parameters, usage, cost, finish reasons, time to first token for streams, and the messages and output unless
/// content capture is off. Other requests go through untouched. Headers (`Authorization`, `x-api-key`, `api-key`,
/// cookies) and URL queries are never recorded.
///
/// ```swift
/// let session = TracedURLSession(capture: .default.adding(baseURL: "http://127.0.0.1:8089/v1", provider: "llama.cpp"))
/// let (data, response) = try await session.data(for: request)          // a whole response
/// let (chunks, head) = try await session.bytes(for: streamingRequest)  // a stream, chunk by chunk
/// for try await chunk in chunks { ... }
/// ```
public final class TracedURLSession: Sendable {
    /// The session requests are sent through; its configuration is used for streamed requests too.
    public let session: URLSession
    /// What is recorded, and for which endpoints.
    public let capture: LLMHTTPCapture

    /// Wraps `session` (default: the shared session).
    public init(session: URLSession = .shared, capture: LLMHTTPCapture = .default) {
        self.session = session
        self.capture = capture
    }

    /// Sends `request` and returns the whole response body, like `URLSession.data(for:)`; traced when it is a model
    /// call. The request body must be in `httpBody` to be recorded.
    ///
    /// - Throws: `URLError` for connection-level failures, `CancellationError` when the calling task is cancelled.
    public func data(for request: URLRequest) async throws -> (Data, URLResponse) {
        let call = startCall(request)
        var (data, response): (Data, URLResponse)
        do {
            (data, response) = try await send(Self.request(request, for: call))
            if let call, call.shouldResend(status: Self.status(of: response), errorBody: data) {
                (data, response) = try await send(request)
            }
        } catch {
            call?.fail(error)
            throw error
        }
        if let call {
            Self.recordHead(of: response, on: call)
            if let forwarded = call.forward(data) { data = Data(forwarded + (call.endOfBody() ?? [])) }
            call.finish()
        }
        return (data, response)
    }

    /// Sends `request` and returns the response head as soon as it arrives, with the body as a sequence of chunks
    /// delivered as they come off the network, like `URLSession.bytes(for:)`. Streamed model responses
    /// (`text/event-stream`) are parsed on the way through, never buffered.
    ///
    /// The span ends when the chunks end, fail, or are dropped before their end (then marked abandoned, and the
    /// request cancelled).
    public func bytes(for request: URLRequest) async throws -> (ResponseChunks, URLResponse) {
        let call = startCall(request)
        var streaming = StreamingDataTask(configuration: session.configuration, request: Self.request(request, for: call))
        var response: URLResponse
        var chunks: AsyncThrowingStream<Data, any Error>
        do {
            response = try await streaming.response()
            chunks = streaming.chunks
            if let call, call.mayResend(status: Self.status(of: response)) {
                // A 400 to the body the capture changed: read the (small) error to see whether to send it again.
                var errorBody = Data()
                for try await chunk in chunks where errorBody.count < 1_048_576 { errorBody.append(chunk) }
                if call.shouldResend(status: Self.status(of: response), errorBody: errorBody) {
                    streaming = StreamingDataTask(configuration: session.configuration, request: request)
                    response = try await streaming.response()
                    chunks = streaming.chunks
                } else {
                    chunks = AsyncThrowingStream { continuation in
                        continuation.yield(errorBody)
                        continuation.finish()
                    }
                }
            }
        } catch {
            call?.fail(error)
            throw error
        }
        if let call { Self.recordHead(of: response, on: call) }
        return (ResponseChunks(stream: chunks, call: call), response)
    }

    /// `request`, with the body the call sends in place of the caller's, if any.
    private static func request(_ request: URLRequest, for call: LLMHTTPCall?) -> URLRequest {
        guard let body = call?.bodyToSend else { return request }
        var changed = request
        changed.httpBody = Data(body)
        return changed
    }

    private static func status(of response: URLResponse) -> Int {
        (response as? HTTPURLResponse)?.statusCode ?? 0
    }

    /// The call's span, when `request` goes to a model endpoint the capture recognises.
    private func startCall(_ request: URLRequest) -> LLMHTTPCall? {
        request.url.flatMap { url in
            LLMHTTPCall.start(method: request.httpMethod ?? "GET", url: url, body: request.httpBody ?? Data(), capture: capture)
        }
    }

    /// Records the response's status and content type on the call's span.
    private static func recordHead(of response: URLResponse, on call: LLMHTTPCall) {
        let http = response as? HTTPURLResponse
        call.receivedResponse(status: http?.statusCode ?? 0, contentType: http?.value(forHTTPHeaderField: "Content-Type"))
    }

    /// Sends through the wrapped session with a completion handler, cancelling the task with the calling task.
    private func send(_ request: URLRequest) async throws -> (Data, URLResponse) {
        let task = LockedValue<URLSessionDataTask?>(nil)
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<(Data, URLResponse), any Error>) in
                let dataTask = session.dataTask(with: request) { data, response, error in
                    if let error {
                        let cancelled = (error as? URLError)?.code == .cancelled
                        continuation.resume(throwing: cancelled ? CancellationError() : error)
                    } else if let response {
                        continuation.resume(returning: (data ?? Data(), response))
                    } else {
                        continuation.resume(throwing: URLError(.badServerResponse))
                    }
                }
                task.withLock { $0 = dataTask }
                dataTask.resume()
            }
        } onCancel: {
            task.withLock { $0 }?.cancel()
        }
    }
}

extension TracedURLSession {
    /// A response body as the chunks `URLSession` delivers, shown to the call's span on the way.
    public struct ResponseChunks: AsyncSequence, Sendable {
        public typealias Element = Data

        let stream: AsyncThrowingStream<Data, any Error>
        let call: LLMHTTPCall?

        /// An iterator over the chunks; iterate once.
        public func makeAsyncIterator() -> Iterator {
            Iterator(base: stream.makeAsyncIterator(), call: call)
        }

        /// Hands each chunk over as it arrives.
        public struct Iterator: AsyncIteratorProtocol {
            var base: AsyncThrowingStream<Data, any Error>.AsyncIterator
            let call: LLMHTTPCall?

            /// The next chunk, or nil at the end of the body.
            public mutating func next() async throws -> Data? {
                guard let call else { return try await base.next() }
                return try await call.relay(from: &base)
            }
        }
    }
}
