import Logging

/// Delivery through the disk buffer (``DiskBufferConfiguration``): each request body is written to disk before
/// its first request and removed once the backend accepts it.
extension HTTPSpanSender {
    /// Writes the batch, then sends it once unless the backend is known to be unavailable. A batch the backend
    /// does not accept stays on disk (``Outcome/deferred``) for the redelivery task, which retries it with backoff:
    /// repeating it here would hold up the pipeline for the whole outage. A batch the disk cannot take is sent from
    /// memory, with retries, as without a disk buffer.
    func sendThroughDisk(
        _ request: HTTPTransport.Request, spanCount: Int, signal: String, buffer: DiskBuffer, context: ExporterContext?
    ) async -> Outcome {
        let willSend = !buffer.backendUnavailable
        let record = DiskBufferRecord(
            created: WallClock.nanosecondsSinceEpoch(), spans: spanCount,
            contentType: request.headerValue("Content-Type") ?? "",
            contentEncoding: request.headerValue("Content-Encoding") ?? "", body: request.body, attempted: willSend,
            signal: signal)
        let claim: DiskBuffer.Claim
        switch buffer.write(record) {
        case .failure(let failure):
            let outcome = await sendWithRetries(request, spanCount: spanCount, signal: signal, context: context)
            // Only a batch the disk could have kept counts under the disk's reason; a refused one is refused.
            guard outcome == .failed else { return outcome }
            return .lost(failure == .full ? .diskFull : .diskUnavailable)
        case .success(let written):
            claim = written
        }
        guard willSend else {
            buffer.release(claim, reachedBackend: false, deferred: true)
            return .deferred
        }
        let result = await attempt(request, signal: signal)
        switch result.verdict {
        case .delivered:
            buffer.remove(claim)
            return .delivered(result.response ?? HTTPTransport.Response(status: 200))
        case .unserved:
            buffer.remove(claim)
            return .unserved
        case .tooLarge:
            buffer.remove(claim)
            return .tooLarge
        case .refused:
            buffer.remove(claim)
            warnRefused(context, result.problem, url: request.url, spans: spanCount)
            return .lost(.exportFailed)
        case .retry:
            buffer.release(claim, reachedBackend: result.mayHaveReachedBackend, deferred: true)
            if !result.cancelled {
                context?.logger.debug(
                    "export request failed; the batch waits on disk",
                    metadata: ["error": result.problem, "url": "\(Self.redacted(request.url))"])
                buffer.noteBackendFailure()
            }
            return .deferred
        }
    }

    /// Sends the batches waiting in `buffer`, oldest first, one request at a time, until none is left or a request
    /// fails. Each outcome is reported to the pipeline's counts through the buffer.
    ///
    /// - Parameters:
    ///   - rescan: list the directory first, for batches other processes left.
    ///   - template: the request a batch is sent with, for its signal (URL and headers, such as `Authorization`);
    ///     nil drops the batch with ``DropReason/exportFailed``. Its content type and encoding are replaced by the
    ///     batch's.
    ///   - accepted: reads a 2xx answer, as for ``send(_:context:makeRequest:accepted:)``.
    func redeliver(
        from buffer: DiskBuffer, rescan: Bool, context: ExporterContext,
        template: (_ signal: String) -> HTTPTransport.Request?,
        accepted: (HTTPTransport.Response, Int) -> ExportResult
    ) async -> DiskRedelivery.Pass {
        var sent = 0
        var first = true
        while !Task.isCancelled, let (claim, record) = buffer.claimOldest(rescan: rescan && first) {
            first = false
            guard var request = template(record.signal) else {
                buffer.remove(claim)
                buffer.report(0, .dropped(record.spans, reason: .exportFailed))
                continue
            }
            request.headers.removeAll { ["content-type", "content-encoding"].contains($0.name.lowercased()) }
            request.headers.append((name: "Content-Type", value: record.contentType))
            if !record.contentEncoding.isEmpty {
                request.headers.append((name: "Content-Encoding", value: record.contentEncoding))
            }
            request.body = record.body
            if !record.attempted { buffer.markAttempted(claim) }
            let result = await attempt(request, signal: record.signal)
            switch result.verdict {
            case .delivered:
                buffer.remove(claim)
                let answer = accepted(result.response ?? HTTPTransport.Response(status: 200), record.spans)
                    .clamped(to: record.spans)
                let delivered = record.spans - min(answer.droppedCount, record.spans)
                buffer.noteDelivered(claim, exported: delivered)
                buffer.report(delivered, answer)
                sent += 1
            case .tooLarge:
                // A stored body cannot be split: its spans are not kept apart from it.
                buffer.remove(claim)
                warn(context, "too-large-stored", "the server refused a stored batch as too large (413); dropping it", [:])
                buffer.report(0, .dropped(record.spans, reason: .payloadTooLarge))
            case .refused, .unserved:
                // A stored body cannot be sent another way: an endpoint that does not serve its signal refuses it.
                buffer.remove(claim)
                warnRefused(context, result.problem, url: request.url, spans: record.spans)
                buffer.report(0, .dropped(record.spans, reason: .exportFailed))
            case .retry(let retryAfter):
                buffer.release(claim, reachedBackend: result.mayHaveReachedBackend, deferred: false)
                context.logger.debug(
                    "retry of a stored batch failed", metadata: ["error": result.problem, "url": "\(Self.redacted(request.url))"])
                return .backendUnavailable(retryAfter: retryAfter)
            }
        }
        return .drained(sent: sent)
    }

    /// Starts the redelivery task of an exporter whose context has a disk buffer; nil without one.
    func startRedelivery(
        context: ExporterContext, template: @escaping @Sendable (_ signal: String) -> HTTPTransport.Request?,
        accepted: @escaping @Sendable (HTTPTransport.Response, Int) -> ExportResult
    ) -> DiskRedelivery? {
        guard let buffer = context.diskBuffer else { return nil }
        let redelivery = DiskRedelivery(buffer: buffer, retryPolicy: retryPolicy) { [self] rescan in
            await redeliver(from: buffer, rescan: rescan, context: context, template: template, accepted: accepted)
        }
        redelivery.start()
        return redelivery
    }
}

extension HTTPTransportRequest {
    /// The value of the first header named `name`, ignoring case.
    func headerValue(_ name: String) -> String? {
        let lower = name.lowercased()
        return headers.first { $0.name.lowercased() == lower }?.value
    }
}
