import Foundation
import NoveumTrace

/// Receives OTLP/HTTP trace exports (`POST /v1/traces`) from any OpenTelemetry SDK into a ``TraceStore``: what
/// `noveum-trace serve` and `noveum-trace collect` answer, independent of the HTTP server that carries it.
///
/// It follows the OTLP/HTTP binding: `application/x-protobuf` or `application/json` bodies, `gzip` or identity
/// encoding; the response has the request's content type; spans with invalid ids are reported as partial
/// success; a body that is not a request gets 400 with a `google.rpc.Status`, and nothing is stored.
///
/// Memory stays bounded whatever senders do:
/// - at most ``Limits/maxConcurrentRequests`` bodies are read and decoded at once; more get 429 with
///   `Retry-After` before their body is read;
/// - a body is read up to ``Limits/maxBodyBytes`` and inflated up to ``Limits/maxDecodedBytes`` (a gzip bomb stops
///   there); beyond either, 413;
/// - decoded spans wait for the store in one queue of at most ``Limits/maxQueuedSpans``; a request that would
///   overfill it gets 503 with `Retry-After`.
///
/// Spans are written by one writer: every request waiting when a write starts joins it, so a flood of small
/// requests becomes a few large transactions (group commit). A request is answered 200 only after its spans are
/// committed, so a sender that got 200 can read them back at once. Storing the same span again (a sender's retry)
/// replaces it: the store holds each span once.
public final class OTLPReceiver: Sendable {
    /// The bounds on what the receiver holds in memory.
    public struct Limits: Sendable, Hashable {
        /// The largest request body read, as sent (compressed or not). Default 8 MiB.
        public var maxBodyBytes: Int
        /// The largest body after `gzip` decoding. Default 32 MiB.
        public var maxDecodedBytes: Int
        /// Requests whose bodies are read and decoded at once. Default 8.
        public var maxConcurrentRequests: Int
        /// Decoded spans waiting for the store. Default 50,000.
        public var maxQueuedSpans: Int
        /// The `Retry-After` sent with 429 and 503, in seconds. Default 1.
        public var retryAfterSeconds: Int

        /// Creates limits; every default suits a developer's machine.
        public init(
            maxBodyBytes: Int = 8 << 20, maxDecodedBytes: Int = 32 << 20, maxConcurrentRequests: Int = 8,
            maxQueuedSpans: Int = 50_000, retryAfterSeconds: Int = 1
        ) {
            self.maxBodyBytes = maxBodyBytes
            self.maxDecodedBytes = maxDecodedBytes
            self.maxConcurrentRequests = maxConcurrentRequests
            self.maxQueuedSpans = maxQueuedSpans
            self.retryAfterSeconds = retryAfterSeconds
        }
    }

    /// An HTTP response to send back.
    public struct Response: Sendable {
        /// The status code.
        public var status: Int
        /// Header fields (`Content-Type`, and `Retry-After` for 429 and 503).
        public var headers: [(name: String, value: String)]
        /// The body: an `ExportTraceServiceResponse` on success, a `google.rpc.Status` on failure, in the
        /// request's encoding (plain text when the content type itself was refused).
        public var body: [UInt8]
    }

    /// What the receiver has done since it started; every request is counted in exactly one outcome.
    public struct Counts: Sendable, Hashable {
        /// Requests answered 200 (including partial success).
        public var acceptedRequests = 0
        /// Spans committed to the store.
        public var acceptedSpans = 0
        /// Spans left out of accepted requests for invalid ids (reported as partial success).
        public var rejectedSpans = 0
        /// Requests answered 400: bodies that are not requests, or gzip that is not gzip.
        public var malformedRequests = 0
        /// Requests answered 413: bodies past ``Limits/maxBodyBytes`` or inflating past ``Limits/maxDecodedBytes``.
        public var oversizedRequests = 0
        /// Requests answered 415: a content type or encoding that is not OTLP's.
        public var unsupportedRequests = 0
        /// Requests answered 429 (too many at once) or 503 (the store's queue is full).
        public var refusedRequests = 0
        /// Requests answered 500: the store failed to write (a full disk, a damaged file).
        public var failedRequests = 0
    }

    /// A body larger than the limit given to the body reader: throw it from `receive`'s reader.
    public struct BodyTooLarge: Error, Sendable {
        /// Creates the error.
        public init() {}
    }

    /// The store the spans go to.
    public let store: TraceStore
    /// The bounds in force.
    public let limits: Limits
    private let state = LockedValue(State())

    private struct State {
        var activeRequests = 0
        var queuedSpans = 0
        var queue: [Job] = []
        var writing = false
        var counts = Counts()
    }

    private struct Job {
        var records: [LocalSpanRecord]
        var continuation: CheckedContinuation<(any Error)?, Never>
    }

    /// Creates a receiver writing into `store`.
    public init(store: TraceStore, limits: Limits = Limits()) {
        self.store = store
        self.limits = limits
    }

    /// The counts so far.
    public var counts: Counts { state.withLock { $0.counts } }

    /// Decoded spans waiting for the store now.
    public var queuedSpans: Int { state.withLock { $0.queuedSpans } }

    /// Answers one export request.
    ///
    /// - Parameters:
    ///   - contentType: the request's `Content-Type` (parameters such as `charset` are ignored).
    ///   - contentEncoding: its `Content-Encoding`: nil, `identity` or `gzip`.
    ///   - readBody: reads the body, up to the limit it is given; throws ``BodyTooLarge`` past it. Called only once
    ///     the request is admitted, so refused requests cost no memory.
    public func receive(
        contentType: String?, contentEncoding: String?, readBody: (_ limit: Int) async throws -> [UInt8]
    ) async -> Response {
        let mediaType = (contentType ?? "").split(separator: ";").first.map {
            $0.trimmingCharacters(in: .whitespaces).lowercased()
        }
        let json: Bool
        switch mediaType {
        case "application/x-protobuf", "application/protobuf": json = false
        case "application/json": json = true
        default:
            count { $0.unsupportedRequests += 1 }
            return Self.plain(
                415, "Unsupported Content-Type \(contentType ?? "(none)"): OTLP/HTTP sends application/x-protobuf "
                    + "or application/json.")
        }
        let encoding = contentEncoding?.trimmingCharacters(in: .whitespaces).lowercased() ?? "identity"
        guard encoding == "identity" || encoding == "gzip" || encoding.isEmpty else {
            count { $0.unsupportedRequests += 1 }
            return Self.plain(415, "Unsupported Content-Encoding \(encoding): send gzip or no encoding.")
        }
        let admitted = state.withLock { state -> Bool in
            guard state.activeRequests < limits.maxConcurrentRequests else {
                state.counts.refusedRequests += 1
                return false
            }
            state.activeRequests += 1
            return true
        }
        guard admitted else {
            return failure(429, grpcCode: 8, "Too many export requests at once; retry later.", json: json, retry: true)
        }
        defer { state.withLock { $0.activeRequests -= 1 } }

        var body: [UInt8]
        do {
            body = try await readBody(limits.maxBodyBytes)
        } catch is BodyTooLarge {
            count { $0.oversizedRequests += 1 }
            return failure(413, grpcCode: 3, "The body is larger than \(limits.maxBodyBytes) bytes.", json: json)
        } catch {
            count { $0.malformedRequests += 1 }
            return failure(400, grpcCode: 3, "The body could not be read: \(error)", json: json)
        }
        guard body.count <= limits.maxBodyBytes else {
            count { $0.oversizedRequests += 1 }
            return failure(413, grpcCode: 3, "The body is larger than \(limits.maxBodyBytes) bytes.", json: json)
        }
        if encoding == "gzip" {
            switch Gzip.inflate(body, limit: limits.maxDecodedBytes) {
            case .data(let inflated): body = inflated
            case .tooLarge:
                count { $0.oversizedRequests += 1 }
                return failure(
                    413, grpcCode: 3, "The body inflates past \(limits.maxDecodedBytes) bytes.", json: json)
            case .invalid:
                count { $0.malformedRequests += 1 }
                return failure(400, grpcCode: 3, "The body is not valid gzip.", json: json)
            }
        }
        let decoded: OTLPTraceDecoder.Decoded
        do {
            decoded = json ? try OTLPTraceDecoder.decodeJSON(body) : try OTLPTraceDecoder.decodeProtobuf(body[...])
        } catch {
            count { $0.malformedRequests += 1 }
            return failure(
                400, grpcCode: 3, "The body is not an OTLP ExportTraceServiceRequest: \(error.reason).", json: json)
        }
        body = []
        if !decoded.records.isEmpty {
            if let error = await enqueue(decoded.records) {
                if error is QueueFull {
                    return failure(
                        503, grpcCode: 14, "The store is busy; retry later.", json: json, retry: true)
                }
                count { $0.failedRequests += 1 }
                return failure(500, grpcCode: 13, "The store could not write the spans: \(error)", json: json)
            }
        }
        count {
            $0.acceptedRequests += 1
            $0.acceptedSpans += decoded.records.count
            $0.rejectedSpans += decoded.rejectedSpans
        }
        return success(rejected: decoded.rejectedSpans, reason: decoded.rejectionReason, json: json)
    }

    private struct QueueFull: Error {}

    private func count(_ update: (inout Counts) -> Void) {
        state.withLock { update(&$0.counts) }
    }

    /// Queues `records` for the writer and waits until they are committed; nil on success.
    private func enqueue(_ records: [LocalSpanRecord]) async -> (any Error)? {
        await withCheckedContinuation { (continuation: CheckedContinuation<(any Error)?, Never>) in
            let outcome = state.withLock { state -> (admitted: Bool, startWriter: Bool) in
                guard state.queuedSpans + records.count <= limits.maxQueuedSpans || state.queuedSpans == 0 else {
                    state.counts.refusedRequests += 1
                    return (false, false)
                }
                state.queuedSpans += records.count
                state.queue.append(Job(records: records, continuation: continuation))
                let start = !state.writing
                state.writing = true
                return (true, start)
            }
            if !outcome.admitted {
                continuation.resume(returning: QueueFull())
            } else if outcome.startWriter {
                // SQLite blocks its thread: the writer runs on a thread of its own, not the concurrency pool.
                let thread = Thread { [self] in drain() }
                thread.name = "noveum-otlp-writer"
                thread.start()
            }
        }
    }

    /// Writes queued requests, all that are waiting at once in one transaction, until the queue is empty.
    private func drain() {
        while true {
            let jobs = state.withLock { state -> [Job] in
                let jobs = state.queue
                state.queue = []
                if jobs.isEmpty { state.writing = false }
                return jobs
            }
            if jobs.isEmpty { return }
            var error: (any Error)?
            do {
                try store.insert(jobs.flatMap(\.records))
            } catch let failure {
                error = failure
            }
            let spans = jobs.reduce(0) { $0 + $1.records.count }
            state.withLock { $0.queuedSpans -= spans }
            for job in jobs { job.continuation.resume(returning: error) }
        }
    }

    // MARK: Responses

    private func success(rejected: Int, reason: String?, json: Bool) -> Response {
        Response(
            status: 200, headers: [("Content-Type", json ? "application/json" : "application/x-protobuf")],
            body: OTLPResponseEncoder.exportResponse(
                rejectedSpans: rejected, errorMessage: rejected > 0 ? (reason ?? "invalid span") : "", json: json))
    }

    private func failure(_ status: Int, grpcCode: Int, _ message: String, json: Bool, retry: Bool = false) -> Response {
        var headers: [(name: String, value: String)] = []
        if retry { headers.append(("Retry-After", String(limits.retryAfterSeconds))) }
        headers.append(("Content-Type", json ? "application/json" : "application/x-protobuf"))
        return Response(
            status: status, headers: headers, body: OTLPResponseEncoder.status(code: grpcCode, message: message, json: json))
    }

    private static func plain(_ status: Int, _ message: String) -> Response {
        Response(
            status: status, headers: [("Content-Type", "text/plain; charset=utf-8")], body: Array((message + "\n").utf8))
    }
}
