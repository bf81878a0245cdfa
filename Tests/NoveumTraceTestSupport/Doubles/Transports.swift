import NoveumTrace
import Synchronization

/// A transport that records requests and answers with a fixed response or error.
package final class StubTransport: HTTPTransport, Sendable {
    package struct Failure: Error {
        package init() {}
    }

    private let state = Mutex<(requests: [HTTPTransport.Request], timeouts: [Duration])>(([], []))
    private let respond: @Sendable (HTTPTransport.Request) throws -> HTTPTransport.Response

    package init(_ respond: @escaping @Sendable (HTTPTransport.Request) throws -> HTTPTransport.Response = { _ in HTTPTransport.Response(status: 200) }) {
        self.respond = respond
    }

    /// Answers every request with `response`.
    package convenience init(_ response: HTTPTransport.Response) {
        self.init { _ in response }
    }

    package var requests: [HTTPTransport.Request] { state.withLock { $0.requests } }
    package var timeouts: [Duration] { state.withLock { $0.timeouts } }

    package func send(_ request: HTTPTransport.Request, timeout: Duration) async throws -> HTTPTransport.Response {
        state.withLock {
            $0.requests.append(request)
            $0.timeouts.append(timeout)
        }
        return try respond(request)
    }
}

/// A transport that forwards to another and tells the test what happened to each request.
package final class RecordingTransport: HTTPTransport {
    package enum Event: Sendable {
        case response(Int)
        case failure(String)

        var isFailure: Bool { if case .failure = self { true } else { false } }
    }

    private let inner: any HTTPTransport
    private let outcomes = Arrivals<Event>(counting: \.isFailure)

    package init(_ inner: any HTTPTransport = URLSessionTransport()) {
        self.inner = inner
    }

    package var events: [Event] { outcomes.all }

    package var failureCount: Int {
        events.filter(\.isFailure).count
    }

    package func send(_ request: HTTPTransport.Request, timeout: Duration) async throws -> HTTPTransport.Response {
        do {
            let response = try await inner.send(request, timeout: timeout)
            outcomes.append(.response(response.status))
            return response
        } catch {
            outcomes.append(.failure(String(describing: error)))
            throw error
        }
    }

    /// Waits until `count` connection-level failures have happened.
    package func waitForFailures(_ count: Int) async {
        await outcomes.wait(for: count)
    }
}
