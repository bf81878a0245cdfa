import Foundation
import Hummingbird
import NoveumTrace

/// One request the capture server received.
package struct CapturedRequest: Sendable {
    package var method: String
    package var path: String
    /// Header values by lowercased name (repeated names joined with ", ").
    package var headers: [String: String]
    /// The body as received.
    package var rawBody: [UInt8]
    /// The body after gunzip when `Content-Encoding: gzip`, else as received; nil if it did not decompress.
    package var body: [UInt8]?
    /// When the server received it.
    package var receivedAt: ContinuousClock.Instant

    /// The body parsed as a JSON object; throws if it did not decompress or is not a JSON object.
    package func json() throws -> [String: Any] {
        guard let body else { throw BodyError.notDecompressed }
        guard let object = try JSONSerialization.jsonObject(with: Data(body)) as? [String: Any] else {
            throw BodyError.notAJSONObject
        }
        return object
    }

    package enum BodyError: Error { case notDecompressed, notAJSONObject }
}

/// What the capture server answers to one request.
package enum ServerReply: Sendable {
    /// This status, these headers, an empty body.
    case status(Int, headers: [String: String] = [:])
    /// No answer until ``CaptureServer/releaseHungRequests()`` (then 200).
    case hang
}

/// A real HTTP server on 127.0.0.1 for the exporter tests: it records every request (gunzipping bodies) and
/// answers as the test's script says, so tests can inject 5xx, 429, 401, 413 or a backend that never answers.
package final class CaptureServer: Sendable {
    package typealias Script = @Sendable (_ index: Int, _ request: CapturedRequest) -> ServerReply

    private let application: LoopbackApplication
    private let received: Arrivals<CapturedRequest>
    private let hungRequests: Gate

    private init(application: LoopbackApplication, received: Arrivals<CapturedRequest>, hungRequests: Gate) {
        self.application = application
        self.received = received
        self.hungRequests = hungRequests
    }

    /// Starts a server on `port` (0: any free port) that answers with `script` (default: always 200).
    package static func start(port: Int = 0, script: @escaping Script = { _, _ in .status(200) }) async throws -> CaptureServer {
        let received = Arrivals<CapturedRequest>()
        let hungRequests = Gate()
        let responder = CallbackResponder<BasicRequestContext> { request, _ in
            var request = request
            let raw = try await request.bodyBytes(upTo: 256 * 1024 * 1024)
            let headers = request.joinedHeaders
            let body: [UInt8]? =
                headers["content-encoding"]?.lowercased() == "gzip" ? Gzip.decompress(raw) : raw
            let captured = CapturedRequest(
                method: request.method.rawValue, path: request.uri.path, headers: headers, rawBody: raw, body: body,
                receivedAt: .now)
            let index = received.append(captured)
            switch script(index, captured) {
            case .status(let code, let replyHeaders):
                var fields = HTTPFields()
                for (name, value) in replyHeaders {
                    if let fieldName = HTTPFields.Element.Name(name) { fields[fieldName] = value }
                }
                return Response(status: .init(code: code), headers: fields)
            case .hang:
                await hungRequests.wait()
                return Response(status: .ok)
            }
        }
        let application = try await LoopbackApplication.start(responder: responder, port: port, label: "capture-server")
        return CaptureServer(application: application, received: received, hungRequests: hungRequests)
    }

    /// The port the server listens on.
    package var port: Int { application.port }

    /// The server's base URL for the Noveum exporter: `http://127.0.0.1:PORT/api`.
    package var endpoint: String { "http://127.0.0.1:\(port)/api" }

    /// Every request received so far.
    package var requests: [CapturedRequest] { received.all }

    /// Waits until at least `count` requests have arrived.
    package func waitForRequests(_ count: Int) async {
        await received.wait(for: count)
    }

    /// Lets every hung request (and every later one) answer 200.
    package func releaseHungRequests() {
        hungRequests.open()
    }

    /// Releases hung requests and stops the server.
    package func stop() async {
        releaseHungRequests()
        await application.stop()
    }
}

/// Runs `body` with a started capture server, and stops it afterwards even if `body` throws.
package func withCaptureServer<T>(
    port: Int = 0, script: @escaping CaptureServer.Script = { _, _ in .status(200) },
    _ body: (CaptureServer) async throws -> T
) async throws -> T {
    try await withServer({ try await CaptureServer.start(port: port, script: script) }, stop: { await $0.stop() }, body)
}
