import Foundation
import Logging
import Synchronization

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Delivers batches of spans over HTTP for an exporter: size limits, gzip, retries and exact drop counts.
///
/// The sender does not know the wire format. An exporter hands it the spans and a closure that encodes any part
/// of them into a complete, uncompressed ``HTTPTransport/Request``; the sender then
///
/// 1. encodes the batch and, if the body is larger than ``maxBodySize`` (measured before compression), splits
///    the batch into halves and tries each half; a single span that is still too large is dropped with
///    ``DropReason/payloadTooLarge``;
/// 2. compresses the body with gzip when ``compression`` is on and adds `Content-Encoding: gzip`;
/// 3. sends it, repeating it after connection failures, `408`, `429` and `5xx` as ``retryPolicy`` says
///    (honouring `Retry-After`), and counting each repeat through ``ExporterContext/recordRetries(_:)``;
/// 4. on `413 Payload Too Large` splits the batch into halves and sends each; a single span refused with `413`
///    is dropped with ``DropReason/payloadTooLarge``;
/// 5. drops the spans of a request that is refused (any other `4xx`, including `400`, `401`, `403` and `404`) or
///    still failing after the last attempt, with ``DropReason/exportFailed``.
///
/// Requests sent after a split are new requests, not retries: only repeats of the same request are counted.
/// Halves are sent one after the other, in batch order.
///
/// It never throws and never logs header values or bodies, so neither `Authorization` nor `x-api-key` can leak
/// into logs. When the calling task is cancelled (the pipeline's export timeout), it stops at once and counts
/// the spans not yet delivered as ``DropReason/exportFailed``.
///
/// The OTLP exporter uses it with a protobuf encoder; the Noveum exporter with ``NoveumJSONEncoder``:
///
/// ```swift
/// let sender = HTTPSpanSender(retryPolicy: HTTPRetryPolicy(maxAttempts: 3))
/// let result = await sender.send(batch, context: context) { spans in
///     HTTPTransport.Request(url: url, headers: [("Content-Type", "application/x-protobuf")], body: try encode(spans))
/// }
/// ```
public struct HTTPSpanSender: Sendable {
    /// The default ``maxBodySize``: 5 MB, before compression.
    public static let defaultMaxBodySize = 5_000_000

    /// Sends the requests.
    public var transport: any HTTPTransport
    /// Whether bodies are gzip-compressed (`Content-Encoding: gzip`). Default on.
    public var compression: Bool
    /// The largest body sent in one request, in bytes before compression. Default 5 MB.
    public var maxBodySize: Int
    /// When and how often failed requests are repeated.
    public var retryPolicy: HTTPRetryPolicy
    /// The longest one request may take, connection included. Default 10 s.
    public var requestTimeout: Duration

    /// Per signal (`logs`), the statuses that mean the endpoint does not serve it at all: spans answered so are
    /// handed back in ``Delivery/unserved`` for the exporter to send another way, not dropped.
    var unservedStatuses: [String: Set<Int>] = [:]

    private let warnings = WarnOnce()

    /// Creates a sender.
    ///
    /// - Parameters:
    ///   - transport: sends the requests; a new ``URLSessionTransport`` by default.
    ///   - compression: gzip the bodies. Default on.
    ///   - maxBodySize: the largest body per request before compression; larger batches are split. Default 5 MB.
    ///   - retryPolicy: when and how often to repeat failed requests.
    ///   - requestTimeout: the deadline of one request.
    public init(
        transport: any HTTPTransport = URLSessionTransport(), compression: Bool = true,
        maxBodySize: Int = HTTPSpanSender.defaultMaxBodySize, retryPolicy: HTTPRetryPolicy = .default,
        requestTimeout: Duration = .seconds(10)
    ) {
        self.transport = transport
        self.compression = compression
        self.maxBodySize = max(1, maxBodySize)
        self.retryPolicy = retryPolicy
        self.requestTimeout = requestTimeout
    }

    /// Delivers `spans`, splitting them over several requests when needed.
    ///
    /// - Parameters:
    ///   - spans: the batch.
    ///   - context: the exporter's context, for its logger and retry counter; nil logs nothing and counts nothing.
    ///   - makeRequest: encodes some of the spans (the whole batch, or a part after a split) into a request with
    ///     an uncompressed body and no `Content-Encoding`; the sender compresses. If it throws, those spans are
    ///     dropped with ``DropReason/exportFailed``.
    /// - Returns: the spans not delivered, by reason; ``ExportResult/success`` when all were.
    public func send(
        _ spans: [SpanData], context: ExporterContext?, makeRequest: ([SpanData]) throws -> HTTPTransport.Request
    ) async -> ExportResult {
        await send(spans, context: context, makeRequest: makeRequest, accepted: { _, _ in .success })
    }

    /// Delivers `spans` like ``send(_:context:makeRequest:)``, and lets `accepted` read each successful (2xx)
    /// answer: OTLP backends report spans they rejected in a partial-success body.
    ///
    /// - Parameters:
    ///   - spans: the batch.
    ///   - context: the exporter's context, for its logger and retry counter; nil logs nothing and counts nothing.
    ///   - makeRequest: encodes some of the spans into a request with an uncompressed body, as for
    ///     ``send(_:context:makeRequest:)``.
    ///   - accepted: given each 2xx response and the number of spans its request carried; returns the
    ///     spans that answer says were not delivered.
    public func send(
        _ spans: [SpanData], context: ExporterContext?, makeRequest: ([SpanData]) throws -> HTTPTransport.Request,
        accepted: (HTTPTransport.Response, Int) -> ExportResult
    ) async -> ExportResult {
        await send(spans, context: context, signal: "", makeRequest: makeRequest, accepted: accepted).result
    }

    /// What a ``send(_:context:signal:makeRequest:accepted:)`` came to.
    struct Delivery {
        /// The spans not delivered, by reason.
        var result = ExportResult()
        /// The spans of requests answered with one of the signal's ``HTTPSpanSender/unservedStatuses``: neither
        /// delivered nor counted.
        var unserved: [SpanData] = []
    }

    /// Delivers `spans` like ``send(_:context:makeRequest:accepted:)``; `signal` names the endpoint in the disk
    /// buffer's records (empty for spans, `logs` for OTLP log records), so that a stored batch is sent again to
    /// the endpoint it was meant for.
    func send(
        _ spans: [SpanData], context: ExporterContext?, signal: String,
        makeRequest: ([SpanData]) throws -> HTTPTransport.Request, accepted: (HTTPTransport.Response, Int) -> ExportResult
    ) async -> Delivery {
        var delivery = Delivery()
        guard !spans.isEmpty else { return delivery }
        await deliver(
            spans[...], context: context, signal: signal, makeRequest: makeRequest, accepted: accepted, into: &delivery)
        return delivery
    }

    // MARK: Splitting

    private func deliver(
        _ spans: ArraySlice<SpanData>, context: ExporterContext?, signal: String,
        makeRequest: ([SpanData]) throws -> HTTPTransport.Request,
        accepted: (HTTPTransport.Response, Int) -> ExportResult, into delivery: inout Delivery
    ) async {
        if Task.isCancelled {
            delivery.result.merge(.dropped(spans.count, reason: .exportFailed))
            return
        }
        let request: HTTPTransport.Request
        do {
            request = try makeRequest(Array(spans))
        } catch {
            warn(context, "encode", "could not encode spans; dropping them", ["error": "\(error)", "spans": "\(spans.count)"])
            delivery.result.merge(.dropped(spans.count, reason: .exportFailed))
            return
        }
        if request.body.count > maxBodySize {
            if spans.count > 1 {
                await split(
                    spans, context: context, signal: signal, makeRequest: makeRequest, accepted: accepted, into: &delivery)
            } else {
                warn(
                    context, "too-large-local", "a span is larger than the maximum request body; dropping it",
                    ["body_bytes": "\(request.body.count)", "max_body_size": "\(maxBodySize)"])
                delivery.result.merge(.dropped(1, reason: .payloadTooLarge))
            }
            return
        }
        let outcome: Outcome
        if let buffer = context?.diskBuffer {
            outcome = await sendThroughDisk(
                prepare(request), spanCount: spans.count, signal: signal, buffer: buffer, context: context)
        } else {
            outcome = await sendWithRetries(prepare(request), spanCount: spans.count, signal: signal, context: context)
        }
        switch outcome {
        case .delivered(let response):
            delivery.result.merge(accepted(response, spans.count))
        case .tooLarge where spans.count > 1:
            await split(
                spans, context: context, signal: signal, makeRequest: makeRequest, accepted: accepted, into: &delivery)
        case .tooLarge:
            warn(context, "too-large-remote", "the server refused a single span as too large (413); dropping it", [:])
            delivery.result.merge(.dropped(1, reason: .payloadTooLarge))
        case .failed:
            delivery.result.merge(.dropped(spans.count, reason: .exportFailed))
        case .lost(let reason):
            delivery.result.merge(.dropped(spans.count, reason: reason))
        case .deferred:
            delivery.result.deferred += spans.count
        case .unserved:
            delivery.unserved.append(contentsOf: spans)
        }
    }

    private func split(
        _ spans: ArraySlice<SpanData>, context: ExporterContext?, signal: String,
        makeRequest: ([SpanData]) throws -> HTTPTransport.Request,
        accepted: (HTTPTransport.Response, Int) -> ExportResult, into delivery: inout Delivery
    ) async {
        let middle = spans.startIndex + spans.count / 2
        await deliver(
            spans[..<middle], context: context, signal: signal, makeRequest: makeRequest, accepted: accepted,
            into: &delivery)
        await deliver(
            spans[middle...], context: context, signal: signal, makeRequest: makeRequest, accepted: accepted,
            into: &delivery)
    }

    /// Compresses the body when enabled, and labels it.
    private func prepare(_ request: HTTPTransport.Request) -> HTTPTransport.Request {
        guard compression, !request.body.isEmpty, let compressed = Gzip.compress(request.body) else { return request }
        var prepared = request
        prepared.body = compressed
        prepared.headers.removeAll { $0.name.lowercased() == "content-encoding" }
        prepared.headers.append((name: "Content-Encoding", value: "gzip"))
        return prepared
    }

    // MARK: Retrying

    enum Outcome: Equatable {
        case delivered(HTTPTransport.Response)
        case tooLarge
        /// Still failing after the last attempt.
        case failed
        /// Not delivered, for this reason: refused by the backend, or the disk buffer could not keep the batch.
        case lost(DropReason)
        /// Not delivered yet: kept in the disk buffer.
        case deferred
        /// Answered with one of the signal's ``HTTPSpanSender/unservedStatuses``.
        case unserved
    }

    /// What one response or transport error means for the batch.
    enum Verdict: Equatable {
        case delivered
        case tooLarge
        case retry(after: Duration?)
        case refused
        /// One of the signal's ``HTTPSpanSender/unservedStatuses``.
        case unserved
    }

    /// Classifies an HTTP status: 2xx delivered; 413 too large; 408, 429 and 5xx retryable; anything else refused.
    static func verdict(status: Int, retryAfter: String?, nowSeconds: Double) -> Verdict {
        switch status {
        case 200..<300: return .delivered
        case 413: return .tooLarge
        case 408, 429, 500..<600:
            return .retry(after: retryAfter.flatMap { HTTPRetryPolicy.parseRetryAfter($0, nowSeconds: nowSeconds) })
        default: return .refused
        }
    }

    /// What one request came to.
    struct Attempt {
        var verdict: Verdict
        var response: HTTPTransport.Response?
        /// For logs: the status, or the transport error.
        var problem: Logger.MetadataValue
        /// Whether the backend may have received the request: false when the connection was never made, or the
        /// backend answered (its answer says whether it kept the spans).
        var mayHaveReachedBackend: Bool
        /// The calling task was cancelled.
        var cancelled = false
    }

    /// Sends `request`, meant for `signal`, once.
    func attempt(_ request: HTTPTransport.Request, signal: String) async -> Attempt {
        do {
            let response = try await transport.send(request, timeout: requestTimeout)
            let verdict =
                unservedStatuses[signal]?.contains(response.status) == true
                ? .unserved
                : Self.verdict(
                    status: response.status, retryAfter: response.header("Retry-After"),
                    nowSeconds: Double(WallClock.nanosecondsSinceEpoch()) / 1e9)
            return Attempt(
                verdict: verdict, response: response, problem: "HTTP \(response.status)", mayHaveReachedBackend: false)
        } catch {
            let cancelled = Task.isCancelled || error is CancellationError
            return Attempt(
                verdict: .retry(after: nil), response: nil, problem: "\(Self.describe(error))",
                mayHaveReachedBackend: !Self.neverConnected(error), cancelled: cancelled)
        }
    }

    /// Whether a transport error means the request never reached a server: refused, or no route or name.
    static func neverConnected(_ error: any Error) -> Bool {
        guard let urlError = error as? URLError else { return false }
        switch urlError.code {
        case .cannotConnectToHost, .cannotFindHost, .dnsLookupFailed, .notConnectedToInternet: return true
        default: return false
        }
    }

    func sendWithRetries(
        _ request: HTTPTransport.Request, spanCount: Int, signal: String, context: ExporterContext?
    ) async -> Outcome {
        var attempt = 1
        while true {
            let result = await self.attempt(request, signal: signal)
            if result.cancelled { return .failed }
            let verdict = result.verdict
            let problem = result.problem
            switch verdict {
            case .delivered: return .delivered(result.response ?? HTTPTransport.Response(status: 200))
            case .tooLarge: return .tooLarge
            case .unserved: return .unserved
            case .refused:
                warnRefused(context, problem, url: request.url, spans: spanCount)
                return .lost(.exportFailed)
            case .retry(let retryAfter):
                guard attempt < retryPolicy.maxAttempts else {
                    warn(
                        context, "gave-up", "export failed after retries; dropping the spans",
                        [
                            "last_error": problem, "attempts": "\(attempt)", "url": "\(Self.redacted(request.url))",
                            "spans": "\(spanCount)",
                        ])
                    return .failed
                }
                let delay = retryPolicy.delay(
                    beforeRetry: attempt, retryAfter: retryAfter, unitRandom: Double.random(in: 0..<1))
                context?.logger.debug(
                    "export request failed; retrying",
                    metadata: ["error": problem, "attempt": "\(attempt)", "delay": "\(delay)"])
                do {
                    // Within 0...UInt32.max seconds (`HTTPRetryPolicy.delay`), whatever the server's Retry-After.
                    try await Task.sleep(for: delay)
                } catch {
                    return .failed
                }
                if Task.isCancelled { return .failed }
                attempt += 1
                context?.recordRetries(1)
            }
        }
    }

    // MARK: Logging

    func warnRefused(_ context: ExporterContext?, _ problem: Logger.MetadataValue, url: String, spans: Int) {
        warn(
            context, "refused-\(problem)", "the server refused the spans; dropping them",
            ["response": problem, "url": "\(Self.redacted(url))", "spans": "\(spans)"])
    }

    /// Logs `message` at warning level the first time `key` occurs for this sender, at debug level afterwards.
    func warn(
        _ context: ExporterContext?, _ key: String, _ message: Logger.Message, _ metadata: Logger.Metadata
    ) {
        guard let logger = context?.logger else { return }
        if warnings.first(key) {
            logger.warning(message, metadata: metadata)
        } else {
            logger.debug(message, metadata: metadata)
        }
    }

    /// The URL without its query, fragment or user information, for logs.
    static func redacted(_ url: String) -> String {
        HTTPURLCheck.redacted(url)
    }

    /// A short description of a transport error.
    static func describe(_ error: any Error) -> String {
        if let urlError = error as? URLError {
            return "URLError \(urlError.code.rawValue): \(urlError.localizedDescription)"
        }
        return String(String(describing: error).prefix(300))
    }
}

/// Remembers which warnings were already logged.
final class WarnOnce: Sendable {
    private let seen = LockedValue<Set<String>>([])

    /// True the first time `key` is passed.
    func first(_ key: String) -> Bool {
        seen.withLock { $0.insert(key).inserted }
    }
}
