import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// An HTTP/1.1 receiver on 127.0.0.1 that reads every request body to its end and answers `200` with an empty
/// body: the cheapest backend an exporter can talk to, so that end-to-end delivery benchmarks measure the SDK
/// (encoding, compression, the HTTP client) and not a backend.
///
/// It counts requests and body bytes, so a benchmark can check that requests really arrived. Made with
/// `countingSpans: true`, it also counts the spans in each body (``DeliveredSpans``: OTLP protobuf and Noveum JSON,
/// gzip or not) as it arrives, and answers protobuf requests with `Content-Type: application/x-protobuf` (an empty
/// `ExportTraceServiceResponse`), which swift-otel's OTLP/HTTP exporter needs to count a `200` as a success.
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
    /// Spans in the request bodies received so far (0 unless made with `countingSpans: true`).
    public var spans: Int { counters.spans.load(ordering: .relaxed) }
    /// Request bodies whose spans could not be counted (with `countingSpans: true`).
    public var uncountedBodies: Int { counters.uncountedBodies.load(ordering: .relaxed) }
    /// Why the last uncounted body could not be counted.
    public var lastCountError: String? { counters.lastCountError.withLock { $0 } }

    /// The base URL, `http://127.0.0.1:<port>`.
    public var baseURL: String { "http://127.0.0.1:\(port)" }

    /// Starts listening on an ephemeral port; with `countingSpans`, counts the spans of every request body.
    public init(countingSpans: Bool = false) throws {
        let counters = Counters(countingSpans: countingSpans)
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
        let countingSpans: Bool
        let requests = Atomic<Int>(0)
        let bodyBytes = Atomic<Int>(0)
        let spans = Atomic<Int>(0)
        let uncountedBodies = Atomic<Int>(0)
        let lastCountError = Mutex<String?>(nil)

        init(countingSpans: Bool) {
            self.countingSpans = countingSpans
        }
    }

    /// Reads a request, then answers it.
    final class RequestHandler: ChannelInboundHandler {
        typealias InboundIn = HTTPServerRequestPart
        typealias OutboundOut = HTTPServerResponsePart

        private let counters: Counters
        /// The request's headers and body so far (when counting spans).
        private var contentType = ""
        private var contentEncoding = ""
        private var body: [UInt8] = []

        init(counters: Counters) {
            self.counters = counters
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch unwrapInboundIn(data) {
            case .head(let head):
                if counters.countingSpans {
                    contentType = head.headers.first(name: "Content-Type") ?? ""
                    contentEncoding = head.headers.first(name: "Content-Encoding") ?? ""
                    body.removeAll(keepingCapacity: true)
                }
            case .body(let part):
                counters.bodyBytes.add(part.readableBytes, ordering: .relaxed)
                if counters.countingSpans { body.append(contentsOf: part.readableBytesView) }
            case .end:
                if counters.countingSpans { countSpans() }
                counters.requests.add(1, ordering: .relaxed)
                var headers = HTTPHeaders()
                if counters.countingSpans && contentType.lowercased().contains("protobuf") {
                    headers.add(name: "Content-Type", value: "application/x-protobuf")
                }
                headers.add(name: "Content-Length", value: "0")
                let head = HTTPResponseHead(version: .http1_1, status: .ok, headers: headers)
                context.write(wrapOutboundOut(.head(head)), promise: nil)
                // Connections stay open (the client closes them); the SDK's HTTP client reuses them.
                context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
            }
        }

        /// Adds the spans of the request just read to the count, before the request counts as received.
        private func countSpans() {
            do {
                let spans = try DeliveredSpans.count(
                    body: body, contentType: contentType, contentEncoding: contentEncoding)
                counters.spans.add(spans, ordering: .relaxed)
            } catch {
                counters.uncountedBodies.add(1, ordering: .relaxed)
                counters.lastCountError.withLock { $0 = error.description }
            }
        }
    }
}
