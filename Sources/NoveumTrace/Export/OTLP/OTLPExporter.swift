import Foundation
import Logging

/// Sends finished spans to any OpenTelemetry backend that accepts OTLP over HTTP: an OpenTelemetry Collector,
/// Arize Phoenix, MLflow, Jaeger, Grafana Tempo, Honeycomb and others.
///
/// ```swift
/// let otlp = try OTLPExporter(.init(endpoint: "http://127.0.0.1:6006/v1/traces"))
/// try NoveumTrace.initialize(project: "chatbot", config: .init(exporters: [otlp]))
/// ```
///
/// Spans are sent with the client's resource (`service.name`, `deployment.environment`, `telemetry.sdk.*`) and
/// the instrumentation scope `noveum-trace-swift`. Settings not made in code come from the standard
/// `OTEL_EXPORTER_OTLP_*` variables (see ``Configuration``).
///
/// What could not be delivered is reported as dropped spans: the whole batch for a failed request, and the
/// spans a backend's partial-success answer says it rejected, with reason ``DropReason/exportFailed``.
public final class OTLPExporter: SpanExporter {
    /// The resolved settings.
    public let settings: Settings

    private let sender: HTTPSpanSender
    private let context = LockedValue<ExporterContext?>(nil)
    private let redelivery = LockedValue<DiskRedelivery?>(nil)
    private let protobufEncoder = OTLPProtobufEncoder()
    private let jsonEncoder = OTLPJSONEncoder()
    private let logsEncoder = OTLPLogsEncoder()
    /// Set once the logs endpoint answered that it serves no OTLP logs (404, 405, 501): late scores then go as spans.
    private let logsUnsupported = LockedValue(false)

    /// Creates an exporter; settings left nil in `configuration` come from the process environment.
    ///
    /// - Parameters:
    ///   - configuration: the settings made in code; those left nil come from the `OTEL_EXPORTER_OTLP_*` variables.
    ///   - transport: how requests are sent; nil uses ``URLSessionTransport``.
    ///   - retryPolicy: when failed requests (429, 5xx, connection errors) are repeated.
    ///   - maxBodySize: the largest request body before compression; larger batches are split.
    /// - Throws: ``NoveumTraceError/invalidConfiguration(_:)`` naming the setting or variable that is not valid.
    public convenience init(
        _ configuration: Configuration = Configuration(), transport: (any HTTPTransport)? = nil,
        retryPolicy: HTTPRetryPolicy = .default, maxBodySize: Int = HTTPSpanSender.defaultMaxBodySize
    ) throws(NoveumTraceError) {
        try self.init(
            configuration, environment: ProcessInfo.processInfo.environment, transport: transport,
            retryPolicy: retryPolicy, maxBodySize: maxBodySize)
    }

    /// Creates an exporter reading `environment` instead of the process's.
    public init(
        _ configuration: Configuration, environment: [String: String], transport: (any HTTPTransport)? = nil,
        retryPolicy: HTTPRetryPolicy = .default, maxBodySize: Int = HTTPSpanSender.defaultMaxBodySize
    ) throws(NoveumTraceError) {
        let settings = try configuration.resolved(environment: environment)
        self.settings = settings
        var sender = HTTPSpanSender(
            transport: transport ?? URLSessionTransport(), compression: settings.compression == .gzip,
            maxBodySize: maxBodySize, retryPolicy: retryPolicy, requestTimeout: settings.timeout)
        // A logs endpoint answering these has no OTLP logs at all (Phoenix: 405, MLflow: 404).
        sender.unservedStatuses = ["logs": [404, 405, 501]]
        self.sender = sender
    }

    /// OpenTelemetry's batch size, 512, unless the configuration sets one.
    public var preferredBatchSize: Int? { 512 }

    public var name: String { "otlp" }

    /// True: each export encodes and sends its own batch.
    public var supportsConcurrentExports: Bool { true }

    /// True: with ``Configuration/diskBuffer`` set, batches wait on disk until the endpoint accepts them.
    public var usesDiskBuffer: Bool { true }

    public func start(_ context: ExporterContext) {
        self.context.withLock { $0 = context }
        let started = sender.startRedelivery(
            context: context,
            template: { [weak self] signal in
                guard let self else { return nil }
                return request(url: signal == "logs" ? settings.logsEndpoint ?? settings.endpoint : settings.endpoint, body: [])
            },
            accepted: { [weak self] response, count in
                self?.interpret(response, spanCount: count, logger: context.logger) ?? .success
            })
        redelivery.withLock { $0 = started }
    }

    /// Sends the batches waiting in the disk buffer now (while the endpoint is unavailable, one request tells).
    public func forceFlush() async {
        await redelivery.withLock { $0 }?.flush()
    }

    /// Stops sending from the disk buffer; what is there stays for the next start.
    public func shutdown() async {
        await redelivery.withLock { $0 }?.stop()
    }

    /// Sends `batch` to ``Settings/endpoint``; late scores (``NoveumClient/score(_:traceID:spanID:)``) among it go
    /// to ``Settings/logsEndpoint`` as `gen_ai.evaluation.result` log records.
    ///
    /// A backend that serves traces but not logs (Arize Phoenix answers 405, MLflow 404; 501 counts too) gets them
    /// as evaluation spans instead, from that answer on, with one warning: the score still arrives.
    public func export(_ batch: [SpanData]) async -> ExportResult {
        guard !batch.isEmpty else { return .success }
        let context = self.context.withLock { $0 } ?? Self.standaloneContext
        guard let logsEndpoint = settings.logsEndpoint, !logsUnsupported.withLock({ $0 }),
            batch.contains(where: OTLPLogsEncoder.isLateScore)
        else {
            return await sendSpans(batch, context: context)
        }
        var result = await sendSpans(batch.filter { !OTLPLogsEncoder.isLateScore($0) }, context: context)
        let delivery = await sender.send(
            batch.filter(OTLPLogsEncoder.isLateScore), context: context, signal: "logs",
            makeRequest: { scores in request(url: logsEndpoint, body: encodeLogs(scores, resource: context.resource)) },
            accepted: { response, count in interpret(response, spanCount: count, logger: context.logger) })
        result.merge(delivery.result)
        if !delivery.unserved.isEmpty {
            let first = logsUnsupported.withLock { unsupported in
                defer { unsupported = true }
                return !unsupported
            }
            if first {
                context.logger.warning(
                    "The OTLP endpoint serves no logs; late scores go to the traces endpoint as evaluation spans",
                    metadata: ["endpoint": "\(HTTPURLCheck.redacted(logsEndpoint))"])
            }
            result.merge(await sendSpans(delivery.unserved, context: context))
        }
        return result
    }

    private func sendSpans(_ spans: [SpanData], context: ExporterContext) async -> ExportResult {
        await sender.send(
            spans, context: context, makeRequest: { spans in request(body: encode(spans, resource: context.resource)) },
            accepted: { response, count in interpret(response, spanCount: count, logger: context.logger) })
    }

    /// The `ExportLogsServiceRequest` body for late scores, in the configured protocol.
    func encodeLogs(_ scores: [SpanData], resource: Resource) -> [UInt8] {
        switch settings.protocol {
        case .httpProtobuf: return logsEncoder.protobuf(scores, resource: resource)
        case .httpJSON: return logsEncoder.json(scores, resource: resource)
        }
    }

    /// The request body for `batch` in the configured protocol.
    func encode(_ batch: [SpanData], resource: Resource) -> [UInt8] {
        switch settings.protocol {
        case .httpProtobuf: return protobufEncoder.encode(batch, resource: resource)
        case .httpJSON: return jsonEncoder.encode(batch, resource: resource)
        }
    }

    /// The request for one encoded batch of spans.
    func request(body: [UInt8]) -> HTTPTransport.Request {
        request(url: settings.endpoint, body: body)
    }

    /// The request for one encoded body to `url`.
    func request(url: String, body: [UInt8]) -> HTTPTransport.Request {
        var headers: [(name: String, value: String)] = [
            (name: "Content-Type", value: settings.protocol.contentType),
            (name: "User-Agent", value: "\(Resource.sdkName)/\(NoveumTrace.version)"),
        ]
        let reserved: Set<String> = ["content-type", "content-length", "content-encoding"]
        headers.append(contentsOf: settings.headers.filter { !reserved.contains($0.name.lowercased()) })
        return HTTPTransport.Request(method: "POST", url: url, headers: headers, body: body)
    }

    /// What an OTLP/HTTP answer means for the batch: success, a partial success that rejected some spans, or a
    /// failure of the whole batch.
    func interpret(_ response: HTTPTransport.Response, spanCount: Int, logger: Logger) -> ExportResult {
        guard (200..<300).contains(response.status) else {
            logger.warning(
                "OTLP export failed: the endpoint answered HTTP \(response.status)",
                metadata: [
                    "endpoint": "\(HTTPURLCheck.redacted(settings.endpoint))", "spans": "\(spanCount)",
                    "body": "\(Self.snippet(response.body))",
                ])
            let reason: DropReason = response.status == 413 ? .payloadTooLarge : .exportFailed
            return .dropped(spanCount, reason: reason)
        }
        guard let partial = Self.partialSuccess(response, requestProtocol: settings.protocol) else {
            return .success
        }
        let rejected = Int(clamping: max(0, min(partial.rejectedSpans, Int64(spanCount))))
        if rejected > 0 {
            logger.warning(
                "OTLP export partly rejected: the endpoint refused \(rejected) of \(spanCount) spans",
                metadata: ["endpoint": "\(HTTPURLCheck.redacted(settings.endpoint))", "message": "\(partial.errorMessage)"])
        } else if !partial.errorMessage.isEmpty {
            logger.warning(
                "OTLP export accepted with a warning from the endpoint",
                metadata: ["endpoint": "\(HTTPURLCheck.redacted(settings.endpoint))", "message": "\(partial.errorMessage)"])
        }
        return .dropped(rejected, reason: .exportFailed)
    }

    /// The `partial_success` of an `ExportTraceServiceResponse`, read as protobuf or JSON by its content type
    /// (else by the request's); nil when the body is empty, has none, or cannot be read.
    static func partialSuccess(_ response: HTTPTransport.Response, requestProtocol: OTLPProtocol) -> OTLPPartialSuccess? {
        guard !response.body.isEmpty else { return nil }
        let contentType = response.header("Content-Type")?.lowercased() ?? ""
        let isJSON = contentType.contains("json") || (!contentType.contains("protobuf") && requestProtocol == .httpJSON)
        return isJSON ? OTLPPartialSuccess.decodeJSON(response.body) : OTLPPartialSuccess.decodeProtobuf(response.body)
    }

    static func snippet(_ body: [UInt8]) -> String {
        let text = String(decoding: body.prefix(200), as: UTF8.self)
        return body.count > 200 ? text + "…" : text
    }

    private static let standaloneContext = ExporterContext.standalone()
}
