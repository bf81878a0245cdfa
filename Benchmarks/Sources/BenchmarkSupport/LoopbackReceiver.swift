import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// An HTTP/1.1 receiver on 127.0.0.1 that reads every request body to its end and answers `200` with an empty
/// body: the cheapest backend an exporter can talk to, so that end-to-end delivery benchmarks measure the SDK
/// (encoding, compression, the HTTP client) and not a backend.
///
/// It counts requests and body bytes, so a benchmark can check that requests really arrived.
public final class LoopbackReceiver: Sendable {
    private let group: MultiThreadedEventLoopGroup
    private let channel: any Channel
    private let counters: Counters

    /// The port it listens on.
    public let port: Int

    /// Requests received so far.
    public var requests: Int { counters.requests.load(ordering: .relaxed) }
    /// Request body bytes received so far (as sent: compressed when the exporter compresses).
    public var bodyBytes: Int { counters.bodyBytes.load(ordering: .relaxed) }

    /// The base URL, `http://127.0.0.1:<port>`.
    public var baseURL: String { "http://127.0.0.1:\(port)" }

    /// Starts listening on an ephemeral port.
    public init() throws {
        let counters = Counters()
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.pipeline.configureHTTPServerPipeline().flatMapThrowing {
                    try channel.pipeline.syncOperations.addHandler(RequestHandler(counters: counters))
                }
            }
        let channel = try bootstrap.bind(host: "127.0.0.1", port: 0).wait()
        self.group = group
        self.channel = channel
        self.counters = counters
        self.port = channel.localAddress?.port ?? 0
    }

    /// Stops listening and closes the event loop.
    public func stop() {
        try? channel.close().wait()
        try? group.syncShutdownGracefully()
    }

    final class Counters: Sendable {
        let requests = Atomic<Int>(0)
        let bodyBytes = Atomic<Int>(0)
    }

    /// Reads a request, then answers it.
    final class RequestHandler: ChannelInboundHandler {
        typealias InboundIn = HTTPServerRequestPart
        typealias OutboundOut = HTTPServerResponsePart

        private let counters: Counters

        init(counters: Counters) {
            self.counters = counters
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch unwrapInboundIn(data) {
            case .head:
                break
            case .body(let body):
                counters.bodyBytes.add(body.readableBytes, ordering: .relaxed)
            case .end:
                counters.requests.add(1, ordering: .relaxed)
                var headers = HTTPHeaders()
                headers.add(name: "Content-Length", value: "0")
                let head = HTTPResponseHead(version: .http1_1, status: .ok, headers: headers)
                context.write(wrapOutboundOut(.head(head)), promise: nil)
                // Connections stay open (the client closes them); the SDK's HTTP client reuses them.
                context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
            }
        }
    }
}
