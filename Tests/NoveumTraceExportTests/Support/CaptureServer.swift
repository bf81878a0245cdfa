// This file imports Hummingbird, whose `HTTPRequest`/`HTTPResponse` names clash with NoveumTrace's: it does not
// import NoveumTrace, and the test files do not import Hummingbird.
import Foundation
import Hummingbird
import Logging
import Synchronization
import Testing

import NoveumTrace

/// One request the capture server received.
struct CapturedRequest: Sendable {
    var method: String
    var path: String
    /// Header values by lowercased name (repeated names joined with ", ").
    var headers: [String: String]
    /// The body as received.
    var rawBody: [UInt8]
    /// The body after gunzip when `Content-Encoding: gzip`, else as received; nil if it did not decompress.
    var body: [UInt8]?
    /// When the server received it.
    var receivedAt: ContinuousClock.Instant

    /// The body parsed as a JSON object.
    func json() throws -> [String: Any] {
        let data = Data(try #require(body))
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }
}

/// What the capture server answers to one request.
enum ServerReply: Sendable {
    /// This status, these headers, an empty body.
    case status(Int, headers: [String: String] = [:])
    /// No answer until ``CaptureServer/releaseHungRequests()`` (then 200).
    case hang
}

/// A real HTTP server on 127.0.0.1 for the exporter tests: it records every request (gunzipping bodies) and
/// answers as the test's script says, so tests can inject 5xx, 429, 401, 413 or a backend that never answers.
final class CaptureServer: Sendable {
    typealias Script = @Sendable (_ index: Int, _ request: CapturedRequest) -> ServerReply

    private struct State {
        var requests: [CapturedRequest] = []
        var waiters: [(count: Int, continuation: CheckedContinuation<Void, Never>)] = []
        var hungReleased = false
        var hung: [CheckedContinuation<Void, Never>] = []
    }

    let port: Int
    private let state: LockedValue<State>
    private let task: LockedValue<Task<Void, any Error>?>

    private init(port: Int) {
        self.port = port
        self.state = LockedValue(State())
        self.task = LockedValue(nil)
    }

    /// Starts a server on `port` (0: any free port) that answers with `script` (default: always 200).
    static func start(port: Int = 0, script: @escaping Script = { _, _ in .status(200) }) async throws -> CaptureServer {
        let box = Box()
        let responder = CallbackResponder<BasicRequestContext> { request, _ in
            var request = request
            let buffer = try await request.collectBody(upTo: 256 * 1024 * 1024)
            let raw = buffer.getBytes(at: buffer.readerIndex, length: buffer.readableBytes) ?? []
            var headers: [String: String] = [:]
            for field in request.headers {
                let name = field.name.canonicalName
                headers[name] = headers[name].map { "\($0), \(field.value)" } ?? field.value
            }
            let body: [UInt8]? =
                headers["content-encoding"]?.lowercased() == "gzip" ? Gzip.decompress(raw) : raw
            let captured = CapturedRequest(
                method: request.method.rawValue, path: request.uri.path, headers: headers, rawBody: raw, body: body,
                receivedAt: .now)
            guard let server = box.server else { return Response(status: .internalServerError) }
            let index = server.record(captured)
            switch script(index, captured) {
            case .status(let code, let replyHeaders):
                var fields = HTTPFields()
                for (name, value) in replyHeaders {
                    if let fieldName = HTTPFields.Element.Name(name) { fields[fieldName] = value }
                }
                return Response(status: .init(code: code), headers: fields)
            case .hang:
                await server.waitUntilReleased()
                return Response(status: .ok)
            }
        }
        let (portStream, portContinuation) = AsyncStream.makeStream(of: Int.self)
        var quiet = Logger(label: "capture-server")
        quiet.logLevel = .critical
        let app = Application(
            responder: responder, configuration: .init(address: .hostname("127.0.0.1", port: port)),
            onServerRunning: { channel in
                portContinuation.yield(channel.localAddress?.port ?? -1)
                portContinuation.finish()
            }, logger: quiet)
        let running = Task {
            defer { portContinuation.finish() }
            try await app.runService(gracefulShutdownSignals: [])
        }
        var boundPort = -1
        for await value in portStream { boundPort = value }
        if boundPort <= 0 {
            running.cancel()
            _ = await running.result
            throw ServerError.couldNotStart
        }
        let server = CaptureServer(port: boundPort)
        server.task.withLock { $0 = running }
        box.set(server)
        return server
    }

    enum ServerError: Error { case couldNotStart }

    /// The server's base URL for the Noveum exporter: `http://127.0.0.1:PORT/api`.
    var endpoint: String { "http://127.0.0.1:\(port)/api" }

    /// Every request received so far.
    var requests: [CapturedRequest] { state.withLock { $0.requests } }

    /// Waits until at least `count` requests have arrived.
    func waitForRequests(_ count: Int) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let ready = state.withLock { state -> Bool in
                if state.requests.count >= count { return true }
                state.waiters.append((count, continuation))
                return false
            }
            if ready { continuation.resume() }
        }
    }

    /// Lets every hung request (and every later one) answer 200.
    func releaseHungRequests() {
        let hung = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.hungReleased = true
            defer { state.hung = [] }
            return state.hung
        }
        for continuation in hung { continuation.resume() }
    }

    /// Releases hung requests and stops the server.
    func stop() async {
        releaseHungRequests()
        let running = task.withLock { $0 }
        running?.cancel()
        _ = await running?.result
    }

    private func record(_ request: CapturedRequest) -> Int {
        let (index, ready) = state.withLock { state -> (Int, [CheckedContinuation<Void, Never>]) in
            state.requests.append(request)
            let count = state.requests.count
            var ready: [CheckedContinuation<Void, Never>] = []
            state.waiters.removeAll { waiter in
                guard waiter.count <= count else { return false }
                ready.append(waiter.continuation)
                return true
            }
            return (count - 1, ready)
        }
        for continuation in ready { continuation.resume() }
        return index
    }

    private func waitUntilReleased() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let released = state.withLock { state -> Bool in
                if state.hungReleased { return true }
                state.hung.append(continuation)
                return false
            }
            if released { continuation.resume() }
        }
    }

    /// Lets the responder, built before the server object, find it.
    private final class Box: Sendable {
        private let value = LockedValue<CaptureServer?>(nil)
        var server: CaptureServer? { value.withLock { $0 } }
        func set(_ server: CaptureServer) { value.withLock { $0 = server } }
    }
}

/// Runs `body` with a started capture server, and stops it afterwards even if `body` throws.
func withCaptureServer<T>(
    port: Int = 0, script: @escaping CaptureServer.Script = { _, _ in .status(200) },
    _ body: (CaptureServer) async throws -> T
) async throws -> T {
    let server = try await CaptureServer.start(port: port, script: script)
    do {
        let result = try await body(server)
        await server.stop()
        return result
    } catch {
        await server.stop()
        throw error
    }
}
