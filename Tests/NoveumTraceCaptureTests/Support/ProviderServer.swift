// This file imports Hummingbird, whose `HTTPRequest`/`HTTPResponse` names clash with NoveumTrace's: it does not
// import NoveumTrace, and the test files do not import Hummingbird.
import Foundation
import Hummingbird
import Logging
import NIOCore

/// What the provider server answers to one request.
struct ProviderReply: Sendable {
    var status: Int = 200
    var contentType: String = "application/json"
    /// The body, written as these separate chunks (one write each).
    var chunks: [[UInt8]]
    /// When set, the server waits for this gate after writing the first chunk: a test opens it once the client has
    /// received that chunk, which proves the chunk was not held back until the whole body arrived.
    var gate: Gate?

    /// The whole body, as the client should receive it.
    var body: [UInt8] { chunks.flatMap { $0 } }

    static func json(_ text: String, status: Int = 200) -> ProviderReply {
        ProviderReply(status: status, chunks: [Array(text.utf8)])
    }

    /// A `text/event-stream` body sent one chunk per element of `chunks`.
    static func events(_ chunks: [String], gate: Gate? = nil) -> ProviderReply {
        ProviderReply(contentType: "text/event-stream", chunks: chunks.map { Array($0.utf8) }, gate: gate)
    }
}

/// A one-shot signal between a test and the server.
final class Gate: Sendable {
    private struct State {
        var open = false
        var waiters: [CheckedContinuation<Void, Never>] = []
    }
    private let state = Locked(State())

    func open() {
        let waiters = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.open = true
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.resume() }
    }

    func wait() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let open = state.withLock { state -> Bool in
                if state.open { return true }
                state.waiters.append(continuation)
                return false
            }
            if open { continuation.resume() }
        }
    }
}

/// One request the provider server received.
struct ProviderRequest: Sendable {
    var method: String
    /// The path and query.
    var uri: String
    var headers: [String: String]
    var body: [UInt8]
}

/// A model API on 127.0.0.1 that answers as the test's script says, in the providers' real wire formats.
final class ProviderServer: Sendable {
    typealias Script = @Sendable (ProviderRequest) -> ProviderReply

    let port: Int
    private let task: Task<Void, any Error>
    private let received: Locked<[ProviderRequest]>

    private init(port: Int, task: Task<Void, any Error>, received: Locked<[ProviderRequest]>) {
        self.port = port
        self.task = task
        self.received = received
    }

    /// The server's base URL, `http://127.0.0.1:PORT`.
    var baseURL: String { "http://127.0.0.1:\(port)" }

    /// Every request received so far.
    var requests: [ProviderRequest] { received.withLock { $0 } }

    static func start(_ script: @escaping Script) async throws -> ProviderServer {
        let received = Locked<[ProviderRequest]>([])
        let responder = CallbackResponder<BasicRequestContext> { request, _ in
            var request = request
            let buffer = try await request.collectBody(upTo: 16 * 1024 * 1024)
            var headers: [String: String] = [:]
            for field in request.headers {
                let name = field.name.canonicalName
                headers[name] = headers[name].map { "\($0), \(field.value)" } ?? field.value
            }
            let captured = ProviderRequest(
                method: request.method.rawValue, uri: request.uri.description, headers: headers,
                body: buffer.getBytes(at: buffer.readerIndex, length: buffer.readableBytes) ?? [])
            received.withLock { $0.append(captured) }
            let reply = script(captured)
            var fields = HTTPFields()
            fields[.contentType] = reply.contentType
            let chunks = reply.chunks
            let gate = reply.gate
            let body = ResponseBody { writer in
                for (index, chunk) in chunks.enumerated() {
                    try await writer.write(ByteBuffer(bytes: chunk))
                    if index == 0, let gate { await gate.wait() }
                }
                try await writer.finish(nil)
            }
            return Response(status: .init(code: reply.status), headers: fields, body: body)
        }
        let (portStream, portContinuation) = AsyncStream.makeStream(of: Int.self)
        var quiet = Logger(label: "provider-server")
        quiet.logLevel = .critical
        let app = Application(
            responder: responder, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
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
        guard boundPort > 0 else {
            running.cancel()
            _ = await running.result
            throw ServerError.couldNotStart
        }
        return ProviderServer(port: boundPort, task: running, received: received)
    }

    enum ServerError: Error { case couldNotStart }

    func stop() async {
        task.cancel()
        _ = await task.result
    }
}

/// Runs `body` with a started provider server, and stops it afterwards even if `body` throws.
func withProviderServer<T>(
    _ script: @escaping ProviderServer.Script, _ body: (ProviderServer) async throws -> T
) async throws -> T {
    let server = try await ProviderServer.start(script)
    do {
        let result = try await body(server)
        await server.stop()
        return result
    } catch {
        await server.stop()
        throw error
    }
}

/// A small lock for test state (NoveumTrace is not imported here).
final class Locked<Value>: @unchecked Sendable {
    private var value: Value
    private let lock = NSLock()

    init(_ value: Value) { self.value = value }

    func withLock<T>(_ body: (inout Value) throws -> T) rethrows -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body(&value)
    }
}
