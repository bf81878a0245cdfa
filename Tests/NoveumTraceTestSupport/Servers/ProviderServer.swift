import Hummingbird
import NIOCore

/// What the provider server answers to one request.
package struct ProviderReply: Sendable {
    package var status: Int = 200
    package var contentType: String = "application/json"
    /// The body, written as these separate chunks (one write each).
    package var chunks: [[UInt8]]
    /// When set, the server waits for this gate after writing the first chunk: a test opens it once the client has
    /// received that chunk, which proves the chunk was not held back until the whole body arrived.
    package var gate: Gate?

    package init(status: Int = 200, contentType: String = "application/json", chunks: [[UInt8]], gate: Gate? = nil) {
        self.status = status
        self.contentType = contentType
        self.chunks = chunks
        self.gate = gate
    }

    /// The whole body, as the client should receive it.
    package var body: [UInt8] { chunks.flatMap { $0 } }

    package static func json(_ text: String, status: Int = 200) -> ProviderReply {
        ProviderReply(status: status, chunks: [Array(text.utf8)])
    }

    /// A `text/event-stream` body sent one chunk per element of `chunks`.
    package static func events(_ chunks: [String], gate: Gate? = nil) -> ProviderReply {
        ProviderReply(contentType: "text/event-stream", chunks: chunks.map { Array($0.utf8) }, gate: gate)
    }
}

/// One request the provider server received.
package struct ProviderRequest: Sendable {
    package var method: String
    /// The path and query.
    package var uri: String
    package var headers: [String: String]
    package var body: [UInt8]
}

/// A model API on 127.0.0.1 that answers as the test's script says, in the providers' real wire formats.
package final class ProviderServer: Sendable {
    package typealias Script = @Sendable (ProviderRequest) -> ProviderReply

    private let application: LoopbackApplication
    private let received: Arrivals<ProviderRequest>

    private init(application: LoopbackApplication, received: Arrivals<ProviderRequest>) {
        self.application = application
        self.received = received
    }

    /// The port the server listens on.
    package var port: Int { application.port }

    /// The server's base URL, `http://127.0.0.1:PORT`.
    package var baseURL: String { "http://127.0.0.1:\(port)" }

    /// Every request received so far.
    package var requests: [ProviderRequest] { received.all }

    package static func start(_ script: @escaping Script) async throws -> ProviderServer {
        let received = Arrivals<ProviderRequest>()
        let responder = CallbackResponder<BasicRequestContext> { request, _ in
            var request = request
            let body = try await request.bodyBytes(upTo: 16 * 1024 * 1024)
            let captured = ProviderRequest(
                method: request.method.rawValue, uri: request.uri.description, headers: request.joinedHeaders, body: body)
            received.append(captured)
            let reply = script(captured)
            var fields = HTTPFields()
            fields[.contentType] = reply.contentType
            let chunks = reply.chunks
            let gate = reply.gate
            let replyBody = ResponseBody { writer in
                for (index, chunk) in chunks.enumerated() {
                    try await writer.write(ByteBuffer(bytes: chunk))
                    if index == 0, let gate { await gate.wait() }
                }
                try await writer.finish(nil)
            }
            return Response(status: .init(code: reply.status), headers: fields, body: replyBody)
        }
        let application = try await LoopbackApplication.start(responder: responder, label: "provider-server")
        return ProviderServer(application: application, received: received)
    }

    package func stop() async {
        await application.stop()
    }
}

/// Runs `body` with a started provider server, and stops it afterwards even if `body` throws.
package func withProviderServer<T>(
    _ script: @escaping ProviderServer.Script, _ body: (ProviderServer) async throws -> T
) async throws -> T {
    try await withServer({ try await ProviderServer.start(script) }, stop: { await $0.stop() }, body)
}
