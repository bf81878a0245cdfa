import Logging
import Synchronization

/// Sends finished spans to the Noveum platform: `POST {endpoint}/v1/traces` with the JSON body of
/// ``NoveumJSONEncoder``.
///
/// The client chooses it automatically when an API key is configured. The endpoint, API key, project,
/// environment and resource come from the client (through ``ExporterContext``), so creating one takes no
/// arguments:
///
/// ```swift
/// let client = try NoveumClient(apiKey: key, project: "production-app",
///                               config: .init(exporters: [NoveumExporter(), InMemoryExporter()]))
/// ```
///
/// Each request carries `Authorization: Bearer <key>`, `Content-Type: application/json`,
/// `User-Agent: noveum-trace-swift/<version>` and, with compression on (the default), `Content-Encoding: gzip`.
/// Delivery, retries, batch splitting and drop counting are ``HTTPSpanSender``'s. Without an API key nothing is
/// sent: every batch is dropped with ``DropReason/exportFailed`` and one warning is logged. The key is never
/// logged.
///
/// One exporter serves one client.
public final class NoveumExporter: SpanExporter {
    private struct Started: Sendable {
        let context: ExporterContext
        let encoder: NoveumJSONEncoder
        let url: String
        let headers: [(name: String, value: String)]?
    }

    private let sender: HTTPSpanSender
    private let started = LockedValue<Started?>(nil)
    private let warnedMissingKey = Atomic<Bool>(false)
    private let redelivery = LockedValue<DiskRedelivery?>(nil)

    /// Creates a Noveum exporter.
    ///
    /// - Parameters:
    ///   - transport: sends the requests; a new ``URLSessionTransport`` by default.
    ///   - compression: gzip request bodies. Default on.
    ///   - retryPolicy: when and how often failed requests are repeated.
    ///   - maxBodySize: the largest request body before compression; larger batches are split. Default 5 MB.
    ///   - requestTimeout: the deadline of one request. Default 10 s.
    public init(
        transport: any HTTPTransport = URLSessionTransport(), compression: Bool = true,
        retryPolicy: HTTPRetryPolicy = .default, maxBodySize: Int = HTTPSpanSender.defaultMaxBodySize,
        requestTimeout: Duration = .seconds(10)
    ) {
        self.sender = HTTPSpanSender(
            transport: transport, compression: compression, maxBodySize: maxBodySize, retryPolicy: retryPolicy,
            requestTimeout: requestTimeout)
    }

    /// `noveum`, in statistics and logs.
    public var name: String { "noveum" }

    /// True: each export encodes and sends its own batch, so a second batch can be compressed while the first is
    /// on the network.
    public var supportsConcurrentExports: Bool { true }

    /// The value of the `User-Agent` header.
    public static var userAgent: String { "\(Resource.sdkName)/\(NoveumTrace.version)" }

    /// Learns the endpoint, API key, project, environment and resource from the client; warns once if there is
    /// no API key.
    public func start(_ context: ExporterContext) {
        let headers: [(name: String, value: String)]? = context.apiKey.map { key in
            [
                (name: "Authorization", value: "Bearer \(key)"),
                (name: "Content-Type", value: "application/json"),
                (name: "User-Agent", value: Self.userAgent),
            ]
        }
        let state = Started(
            context: context, encoder: NoveumJSONEncoder(context: context),
            url: context.settings.endpoint + "/v1/traces", headers: headers)
        started.withLock { $0 = state }
        if headers == nil { warnMissingKey(context) }
        let url = state.url
        let redelivery = sender.startRedelivery(
            context: context,
            template: { _ in headers.map { HTTPTransport.Request(method: "POST", url: url, headers: $0) } },
            accepted: { _, _ in .success })
        self.redelivery.withLock { $0 = redelivery }
    }

    /// True: with ``Configuration/diskBuffer`` set, batches wait on disk until the platform accepts them.
    public var usesDiskBuffer: Bool { true }

    /// Sends the batches waiting in the disk buffer now (while the platform is unavailable, one request tells).
    public func forceFlush() async {
        await redelivery.withLock { $0 }?.flush()
    }

    /// Stops sending from the disk buffer; what is there stays for the next start.
    public func shutdown() async {
        await redelivery.withLock { $0 }?.stop()
    }

    /// Sends `batch` to `{endpoint}/v1/traces`; see ``HTTPSpanSender`` for splitting, retries and drop reasons.
    public func export(_ batch: [SpanData]) async -> ExportResult {
        guard !batch.isEmpty else { return .success }
        guard let state = started.withLock({ $0 }) else { return .dropped(batch.count, reason: .exportFailed) }
        guard let headers = state.headers else {
            warnMissingKey(state.context)
            return .dropped(batch.count, reason: .exportFailed)
        }
        let encoder = state.encoder
        let url = state.url
        return await sender.send(batch, context: state.context) { spans in
            HTTPTransport.Request(method: "POST", url: url, headers: headers, body: encoder.encode(spans))
        }
    }

    private func warnMissingKey(_ context: ExporterContext) {
        guard !warnedMissingKey.exchange(true, ordering: .relaxed) else { return }
        context.logger.warning(
            "Noveum exporter has no API key (set NOVEUM_API_KEY or pass apiKey:); its spans are dropped",
            metadata: ["exporter": "\(name)"])
    }
}
