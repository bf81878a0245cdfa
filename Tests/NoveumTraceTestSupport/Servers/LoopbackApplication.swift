import Hummingbird
import Logging

/// A Hummingbird application on 127.0.0.1 for a test: the port it bound and the task that runs it. Every
/// loopback HTTP server of the tests starts through this.
package struct LoopbackApplication: Sendable {
    package let port: Int
    package let task: Task<Void, any Error>

    package enum StartError: Error { case couldNotStart }

    /// Starts `responder` on `port` (0: any free port), with a logger named `label` that prints critical
    /// messages only. Returns once the server listens.
    package static func start<Responder: HTTPResponder>(
        responder: Responder, port: Int = 0, label: String
    ) async throws -> LoopbackApplication where Responder.Context == BasicRequestContext {
        let (portStream, portContinuation) = AsyncStream.makeStream(of: Int.self)
        var quiet = Logger(label: label)
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
        guard boundPort > 0 else {
            running.cancel()
            _ = await running.result
            throw StartError.couldNotStart
        }
        return LoopbackApplication(port: boundPort, task: running)
    }

    /// Starts `router` on a free port (see ``start(responder:port:label:)``).
    package static func start(router: Router<BasicRequestContext>, label: String) async throws -> LoopbackApplication {
        try await start(responder: router.buildResponder(), label: label)
    }

    /// Stops the server and waits until it has stopped.
    package func stop() async {
        task.cancel()
        _ = await task.result
    }
}

extension Request {
    /// The whole body, up to `limit` bytes.
    mutating func bodyBytes(upTo limit: Int) async throws -> [UInt8] {
        let buffer = try await collectBody(upTo: limit)
        return buffer.getBytes(at: buffer.readerIndex, length: buffer.readableBytes) ?? []
    }

    /// Header values by lowercased name, repeated names joined with ", ".
    var joinedHeaders: [String: String] {
        var headers: [String: String] = [:]
        for field in self.headers {
            let name = field.name.canonicalName
            headers[name] = headers[name].map { "\($0), \(field.value)" } ?? field.value
        }
        return headers
    }
}

/// Runs `body` with a server that `start` started, and stops the server afterwards even if `body` throws.
func withServer<Server, T>(
    _ start: () async throws -> Server, stop: (Server) async -> Void, _ body: (Server) async throws -> T
) async throws -> T {
    let server = try await start()
    do {
        let result = try await body(server)
        await stop(server)
        return result
    } catch {
        await stop(server)
        throw error
    }
}
