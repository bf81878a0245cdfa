// TEMPORARY: to be replaced by the core module's `URLSessionTransport` and `HTTPSpanSender` when they land on
// this branch. Until then this is the OTLP exporter's default transport: one plain `URLSession` request per
// export, no retries, no batch splitting, and no gzip (`OTLPCompression.gzip` is accepted but not applied yet).
// Nothing here is public; delete this file and change `makeFallbackHTTPTransport()`'s one caller on merge.

import Foundation
import NoveumTrace
import Synchronization

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The transport an ``OTLPExporter`` uses when none is passed in.
func makeFallbackHTTPTransport() -> any HTTPTransport {
    FallbackURLSessionTransport()
}

/// A minimal `URLSession` transport: throws for connection-level failures, returns every HTTP status, and
/// cancels the request when the calling task is cancelled.
private struct FallbackURLSessionTransport: HTTPTransport {
    enum TransportError: Error, CustomStringConvertible {
        case invalidURL(String)
        case notHTTP
        case timedOut(Duration)

        var description: String {
            switch self {
            case .invalidURL(let url): return "invalid URL \(url)"
            case .notHTTP: return "the response was not an HTTP response"
            case .timedOut(let timeout): return "no response within \(timeout)"
            }
        }
    }

    private let session: URLSession

    init() {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.httpCookieStorage = nil
        configuration.urlCache = nil
        session = URLSession(configuration: configuration)
    }

    func send(_ request: HTTPRequest, timeout: Duration) async throws -> HTTPResponse {
        guard let url = URL(string: request.url) else { throw TransportError.invalidURL(request.url) }
        var urlRequest = URLRequest(url: url)
        urlRequest.httpMethod = request.method
        // URLSession's own timeout counts idle time in whole seconds on Linux (a sub-second value fails at
        // once), so it is only a backstop here: the timer below enforces `timeout` for the whole request.
        let (seconds, attoseconds) = timeout.components
        urlRequest.timeoutInterval = max(1, (Double(seconds) + Double(attoseconds) / 1e18).rounded(.up) + 1)
        for header in request.headers { urlRequest.addValue(header.value, forHTTPHeaderField: header.name) }
        urlRequest.httpBody = Data(request.body)

        let box = TaskBox()
        let timer = Task {
            try await Task.sleep(for: timeout)
            box.cancel(timedOut: true)
        }
        defer { timer.cancel() }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<HTTPResponse, any Error>) in
                let task = session.dataTask(with: urlRequest) { data, response, error in
                    if let error {
                        continuation.resume(throwing: box.timedOut ? TransportError.timedOut(timeout) : error)
                        return
                    }
                    guard let http = response as? HTTPURLResponse else {
                        continuation.resume(throwing: TransportError.notHTTP)
                        return
                    }
                    var headers: [String: String] = [:]
                    for (key, value) in http.allHeaderFields {
                        headers[String(describing: key)] = String(describing: value)
                    }
                    continuation.resume(
                        returning: HTTPResponse(status: http.statusCode, headers: headers, body: data.map { [UInt8]($0) } ?? []))
                }
                box.set(task)
                task.resume()
            }
        } onCancel: {
            box.cancel(timedOut: false)
        }
    }

    /// Holds the data task so a cancellation or the timeout, arriving from another thread, can cancel it, even
    /// before it starts.
    private final class TaskBox: Sendable {
        private let state = Mutex<(task: URLSessionDataTask?, cancelled: Bool, timedOut: Bool)>((nil, false, false))

        var timedOut: Bool { state.withLock { $0.timedOut } }

        func set(_ task: URLSessionDataTask) {
            let cancelNow = state.withLock { state -> Bool in
                state.task = task
                return state.cancelled
            }
            if cancelNow { task.cancel() }
        }

        func cancel(timedOut: Bool) {
            let task = state.withLock { state -> URLSessionDataTask? in
                guard !state.cancelled else { return nil }
                state.cancelled = true
                state.timedOut = timedOut
                return state.task
            }
            task?.cancel()
        }
    }
}
