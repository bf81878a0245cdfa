import Foundation
import Synchronization

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// An ``HTTPTransport`` built on Foundation's `URLSession` (FoundationNetworking on Linux).
///
/// - Each request has a total deadline: the `timeout` passed to ``send(_:timeout:)``. When it passes, the request
///   is cancelled and `URLError(.timedOut)` is thrown.
/// - Cancelling the calling task cancels the request at once and throws `CancellationError`.
/// - TLS certificates are verified as `URLSession` does by default; nothing here weakens it.
/// - The session is ephemeral: no cookies, no cache, no credentials stored on disk.
public final class URLSessionTransport: HTTPTransport {
    private let session: URLSession
    private let ownsSession: Bool

    /// Creates a transport with its own ephemeral session.
    public init() {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.httpShouldSetCookies = false
        configuration.httpCookieAcceptPolicy = .never
        configuration.urlCache = nil
        configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
        self.session = URLSession(configuration: configuration)
        self.ownsSession = true
    }

    /// Creates a transport that sends through `session`, which stays yours: it is not invalidated by this transport.
    public init(session: URLSession) {
        self.session = session
        self.ownsSession = false
    }

    deinit {
        if ownsSession { session.finishTasksAndInvalidate() }
    }

    /// Sends `request` and returns the response, whatever its status.
    ///
    /// - Throws: `URLError` for connection-level failures (`.timedOut` when `timeout` passes, `.badURL` for a URL
    ///   Foundation cannot parse), `CancellationError` when the calling task is cancelled.
    public func send(_ request: HTTPTransport.Request, timeout: Duration) async throws -> HTTPTransport.Response {
        guard let url = URL(string: request.url) else { throw URLError(.badURL) }
        let seconds = max(0.001, Double(timeout.components.seconds) + Double(timeout.components.attoseconds) * 1e-18)
        var urlRequest = URLRequest(url: url, cachePolicy: .reloadIgnoringLocalCacheData, timeoutInterval: seconds)
        urlRequest.httpMethod = request.method
        for header in request.headers {
            urlRequest.addValue(header.value, forHTTPHeaderField: header.name)
        }
        if !request.body.isEmpty { urlRequest.httpBody = Data(request.body) }
        try Task.checkCancellation()

        let exchange = Exchange()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<HTTPTransport.Response, any Error>) in
                let task = session.dataTask(with: urlRequest) { data, response, error in
                    exchange.complete(Self.result(data: data, response: response, error: error))
                }
                let timer = Task {
                    // Clamped: a request timeout of `.seconds(Int64.max)` would trap inside `Task.sleep`.
                    try? await Task.sleep(for: timeout.clampedForSleep)
                    if !Task.isCancelled { exchange.complete(.failure(URLError(.timedOut))) }
                }
                exchange.begin(task: task, timer: timer, continuation: continuation)
            }
        } onCancel: {
            exchange.complete(.failure(CancellationError()))
        }
    }

    private static func result(data: Data?, response: URLResponse?, error: (any Error)?) -> Result<HTTPTransport.Response, any Error> {
        if let error { return .failure(error) }
        guard let http = response as? HTTPURLResponse else { return .failure(URLError(.badServerResponse)) }
        var headers: [String: String] = [:]
        for (key, value) in http.allHeaderFields {
            headers[String(describing: key)] = String(describing: value)
        }
        return .success(HTTPTransport.Response(status: http.statusCode, headers: headers, body: data.map { [UInt8]($0) } ?? []))
    }

    /// One request in flight: whichever of completion, timeout and cancellation comes first resumes the caller
    /// and stops the others.
    private final class Exchange: Sendable {
        private struct State {
            var continuation: CheckedContinuation<HTTPTransport.Response, any Error>?
            var task: URLSessionDataTask?
            var timer: Task<Void, Never>?
            /// Set when the outcome arrived before `begin` (cancelled before the request started).
            var early: Result<HTTPTransport.Response, any Error>?
            var done = false
        }

        private let state = LockedValue(State())

        func begin(
            task: URLSessionDataTask, timer: Task<Void, Never>,
            continuation: CheckedContinuation<HTTPTransport.Response, any Error>
        ) {
            let early = state.withLock { state -> Result<HTTPTransport.Response, any Error>? in
                if state.done { return state.early }
                state.continuation = continuation
                state.task = task
                state.timer = timer
                return nil
            }
            if let early {
                timer.cancel()
                continuation.resume(with: early)
            } else {
                task.resume()
            }
        }

        func complete(_ result: Result<HTTPTransport.Response, any Error>) {
            let taken = state.withLock {
                state -> (CheckedContinuation<HTTPTransport.Response, any Error>?, URLSessionDataTask?, Task<Void, Never>?)? in
                guard !state.done else { return nil }
                state.done = true
                defer {
                    state.continuation = nil
                    state.task = nil
                    state.timer = nil
                }
                if state.continuation == nil { state.early = result }
                return (state.continuation, state.task, state.timer)
            }
            guard let (continuation, task, timer) = taken else { return }
            timer?.cancel()
            if case .failure = result { task?.cancel() }
            continuation?.resume(with: result)
        }
    }
}
