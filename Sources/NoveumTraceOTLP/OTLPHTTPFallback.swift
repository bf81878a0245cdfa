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

        var description: String {
            switch self {
            case .invalidURL(let url): return "invalid URL \(url)"
            case .notHTTP: return "the response was not an HTTP response"
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
        let (seconds, attoseconds) = timeout.components
        urlRequest.timeoutInterval = Double(seconds) + Double(attoseconds) / 1e18
        for header in request.headers { urlRequest.addValue(header.value, forHTTPHeaderField: header.name) }
        urlRequest.httpBody = Data(request.body)

        let box = TaskBox()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<HTTPResponse, any Error>) in
                let task = session.dataTask(with: urlRequest) { data, response, error in
                    if let error {
                        continuation.resume(throwing: error)
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
            box.cancel()
        }
    }

    /// Holds the data task so a cancellation arriving from another thread can cancel it, even before it starts.
    private final class TaskBox: Sendable {
        private let state = Mutex<(task: URLSessionDataTask?, cancelled: Bool)>((nil, false))

        func set(_ task: URLSessionDataTask) {
            let cancelNow = state.withLock { state -> Bool in
                state.task = task
                return state.cancelled
            }
            if cancelNow { task.cancel() }
        }

        func cancel() {
            let task = state.withLock { state -> URLSessionDataTask? in
                state.cancelled = true
                return state.task
            }
            task?.cancel()
        }
    }
}
