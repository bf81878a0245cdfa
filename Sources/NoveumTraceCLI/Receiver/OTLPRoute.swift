import Hummingbird
import NoveumTraceStore

/// `POST /v1/traces`: OTLP/HTTP trace exports from any OpenTelemetry SDK, stored by an ``OTLPReceiver``.
enum OTLPRoute {
    static func add<Context: RequestContext>(to router: Router<Context>, receiver: OTLPReceiver) {
        router.post("/v1/traces") { request, _ in
            await respond(to: request, with: receiver)
        }
    }

    static func respond(to request: Request, with receiver: OTLPReceiver) async -> Response {
        let answer = await receiver.receive(
            contentType: request.headers[.contentType], contentEncoding: request.headers[.contentEncoding]
        ) { limit in
            if let declared = request.headers[.contentLength].flatMap(Int.init), declared > limit {
                throw OTLPReceiver.BodyTooLarge()
            }
            var bytes: [UInt8] = []
            for try await buffer in request.body {
                guard bytes.count + buffer.readableBytes <= limit else { throw OTLPReceiver.BodyTooLarge() }
                bytes += buffer.readableBytesView
            }
            return bytes
        }
        var headers = HTTPFields()
        for (name, value) in answer.headers {
            if let field = HTTPFields.Element.Name(name) { headers[field] = value }
        }
        return Response(
            status: HTTPResponse.Status(code: answer.status), headers: headers,
            body: .init(byteBuffer: ByteBuffer(bytes: answer.body)))
    }
}
