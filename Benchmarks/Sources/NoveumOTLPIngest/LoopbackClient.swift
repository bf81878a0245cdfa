import NIOCore
import NIOHTTP1
import NIOPosix

/// One HTTP/1.1 keep-alive connection to 127.0.0.1 that sends one request at a time: the cheapest sender NIO
/// offers, so that the time measured is the receiver's.
final class LoopbackConnection: Sendable {
    /// What came back: the status and, for 429 and 503, `Retry-After` in seconds.
    struct Reply: Sendable {
        var status: Int
        var retryAfter: Int?
    }

    struct Closed: Error {}

    private let channel: any Channel
    private let head: HTTPRequestHead

    /// Connects to `port` on 127.0.0.1; requests go to `path` with `headers` (plus `Host` and `Content-Length`).
    init(group: any EventLoopGroup, port: Int, path: String, headers: [(String, String)]) async throws {
        channel = try await ClientBootstrap(group: group)
            .channelOption(ChannelOptions.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHTTPClientHandlers()
                    try channel.pipeline.syncOperations.addHandler(ExchangeHandler())
                }
            }
            .connect(host: "127.0.0.1", port: port).get()
        var fields = HTTPHeaders()
        fields.add(name: "Host", value: "127.0.0.1:\(port)")
        for (name, value) in headers { fields.add(name: name, value: value) }
        head = HTTPRequestHead(version: .http1_1, method: .POST, uri: path, headers: fields)
    }

    /// Sends `body` and waits for the whole response.
    func post(_ body: ByteBuffer) async throws -> Reply {
        var head = self.head
        head.headers.add(name: "Content-Length", value: String(body.readableBytes))
        let reply = channel.eventLoop.makePromise(of: Reply.self)
        channel.writeAndFlush(Exchange(head: head, body: body, reply: reply), promise: nil)
        return try await reply.futureResult.get()
    }

    func close() async {
        try? await channel.close()
    }

    struct Exchange: Sendable {
        var head: HTTPRequestHead
        var body: ByteBuffer
        var reply: EventLoopPromise<Reply>
    }

    /// Writes a request, then completes its promise when the response's end arrives.
    final class ExchangeHandler: ChannelDuplexHandler {
        typealias InboundIn = HTTPClientResponsePart
        typealias OutboundIn = Exchange
        typealias OutboundOut = HTTPClientRequestPart

        private var pending: EventLoopPromise<Reply>?
        private var reply = Reply(status: 0)

        func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
            let exchange = unwrapOutboundIn(data)
            guard pending == nil else {
                exchange.reply.fail(Closed())
                return
            }
            pending = exchange.reply
            context.write(wrapOutboundOut(.head(exchange.head)), promise: nil)
            context.write(wrapOutboundOut(.body(.byteBuffer(exchange.body))), promise: nil)
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: promise)
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch unwrapInboundIn(data) {
            case .head(let head):
                let retryAfter = head.headers.first(name: "Retry-After").flatMap { Int($0) }
                reply = Reply(status: Int(head.status.code), retryAfter: retryAfter)
            case .body:
                break
            case .end:
                let promise = pending
                pending = nil
                promise?.succeed(reply)
            }
        }

        func errorCaught(context: ChannelHandlerContext, error: any Error) {
            let promise = pending
            pending = nil
            promise?.fail(error)
            context.close(promise: nil)
        }

        func channelInactive(context: ChannelHandlerContext) {
            let promise = pending
            pending = nil
            promise?.fail(Closed())
            context.fireChannelInactive()
        }
    }
}
