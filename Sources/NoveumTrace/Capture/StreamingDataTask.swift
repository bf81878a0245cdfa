import Foundation

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// One request sent through a session of its own whose delegate hands the response head and each body chunk over as
/// they arrive (FoundationNetworking has no `URLSession.bytes(for:)`).
final class StreamingDataTask: NSObject, URLSessionDataDelegate, @unchecked Sendable {
    private struct State {
        var response: Result<URLResponse, any Error>?
        var responseWaiter: CheckedContinuation<URLResponse, any Error>?
    }

    /// The body chunks; ends when the task completes, throws its error, and cancels the task when dropped.
    let chunks: AsyncThrowingStream<Data, any Error>
    private let continuation: AsyncThrowingStream<Data, any Error>.Continuation
    private let state = LockedValue(State())
    private let task = LockedValue<(URLSession, URLSessionDataTask)?>(nil)

    init(configuration: URLSessionConfiguration, request: URLRequest) {
        (chunks, continuation) = AsyncThrowingStream.makeStream(of: Data.self, throwing: (any Error).self)
        super.init()
        let session = URLSession(configuration: configuration, delegate: self, delegateQueue: nil)
        let dataTask = session.dataTask(with: request)
        task.withLock { $0 = (session, dataTask) }
        continuation.onTermination = { [task] termination in
            guard case .cancelled = termination else { return }
            task.withLock { $0 }?.1.cancel()
        }
    }

    /// Starts the request and waits for the response head.
    func response() async throws -> URLResponse {
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (waiter: CheckedContinuation<URLResponse, any Error>) in
                let ready = state.withLock { state -> Result<URLResponse, any Error>? in
                    if let response = state.response { return response }
                    state.responseWaiter = waiter
                    return nil
                }
                if let ready {
                    waiter.resume(with: ready)
                } else {
                    task.withLock { $0 }?.1.resume()
                }
            }
        } onCancel: {
            task.withLock { $0 }?.1.cancel()
        }
    }

    private func deliver(_ result: Result<URLResponse, any Error>) {
        let waiter = state.withLock { state -> CheckedContinuation<URLResponse, any Error>? in
            guard state.response == nil else { return nil }
            state.response = result
            defer { state.responseWaiter = nil }
            return state.responseWaiter
        }
        waiter?.resume(with: result)
    }

    func urlSession(
        _ session: URLSession, dataTask: URLSessionDataTask, didReceive response: URLResponse,
        completionHandler: @escaping (URLSession.ResponseDisposition) -> Void
    ) {
        deliver(.success(response))
        completionHandler(.allow)
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
        continuation.yield(data)
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: (any Error)?) {
        let failure: (any Error)? = error.map { (($0 as? URLError)?.code == .cancelled ? CancellationError() : $0) }
        deliver(failure.map { .failure($0) } ?? .failure(URLError(.badServerResponse)))
        if let failure {
            continuation.finish(throwing: failure)
        } else {
            continuation.finish()
        }
        session.finishTasksAndInvalidate()
        self.task.withLock { $0 = nil }
    }
}
