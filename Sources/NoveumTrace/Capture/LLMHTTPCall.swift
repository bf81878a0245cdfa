import Foundation
import Tracing

/// One model API call seen at the HTTP level, recorded as an LLM span: the building block of the HTTP wrappers,
/// public so that any other HTTP client can be wrapped the same way.
///
/// A wrapper starts a call with ``start(method:url:body:capture:)`` before sending the request, reports the
/// response head with ``receivedResponse(status:contentType:)``, passes every body chunk to ``received(_:)`` while
/// handing the same bytes to its caller unchanged, and ends with ``finish()`` or ``fail(_:)``. A call that is
/// released before either (its caller stopped reading the body) ends as abandoned, so its span never stays open.
///
/// ```swift
/// guard let call = LLMHTTPCall.start(method: "POST", url: url, body: bodyBytes) else { return try await send() }
/// let response = try await send()
/// call.receivedResponse(status: response.status, contentType: response.contentType)
/// for try await chunk in response.body { call.received(chunk); yield(chunk) }
/// call.finish()
/// ```
///
/// Streamed (`text/event-stream`) responses are parsed as they arrive, for time to first token, the aggregated
/// output and the final usage; nothing of them is kept. Other responses are kept up to
/// ``LLMHTTPCapture/maxBufferedResponseBytes`` and parsed at the end. Headers are never recorded.
public final class LLMHTTPCall: Sendable {
    private enum Body {
        case none
        case events(ServerSentEventParser, LLMStreamAccumulator)
        case buffered([UInt8], overflowed: Bool)
    }

    private struct State {
        var status: Int?
        var body = Body.none
        var firstOutputNanos: UInt64?
        var ended = false
        /// The body sent in place of the caller's, when the capture asked the stream for its usage.
        var bodyToSend: [UInt8]?
        /// Takes out of the stream what asking for usage added; set for a streamed answer to such a request.
        var filter: StreamUsageFilter?
        var lastChunkNanos: UInt64?
        var longestGapNanos: UInt64 = 0
    }

    /// The span that records the call.
    public let span: NoveumSpan
    private let format: LLMAPIFormat
    private let captureContent: Bool
    private let maxBufferedBytes: Int
    private let state = LockedValue(State())

    private let endpoint: LLMEndpoint

    private init(span: NoveumSpan, format: LLMAPIFormat, endpoint: LLMEndpoint, capture: LLMHTTPCapture) {
        self.span = span
        self.format = format
        self.endpoint = endpoint
        self.captureContent = capture.captureContent
        self.maxBufferedBytes = capture.maxBufferedResponseBytes
    }

    deinit {
        let snapshot = state.withLock { state -> State? in
            guard !state.ended else { return nil }
            state.ended = true
            return state
        }
        guard let snapshot else { return }
        // What arrived before the consumer stopped reading: time to first token, model, id, chunks, partial output.
        if case .events(_, let accumulator) = snapshot.body { recordStream(accumulator, snapshot, endNanos: nil) }
        span.setAttribute("llm.stream.abandoned", true)
        end(status: .cancelled, message: "response abandoned by its consumer")
    }

    /// Starts recording a request, or returns nil when `url` is not a model call of one of `capture`'s endpoints
    /// (then send the request untraced).
    ///
    /// The span is a child of the current span, and ends when the call ends.
    public static func start(
        method: String, url: URL, body: some Collection<UInt8>, capture: LLMHTTPCapture = .default
    ) -> LLMHTTPCall? {
        guard method.uppercased() == "POST", let endpoint = capture.endpoint(for: url) else { return nil }
        let components = URLComponents(url: url, resolvingAgainstBaseURL: false)
        let path = components?.path ?? url.path
        guard let request = LLMRequestInfo.parse(format: endpoint.format, path: path, body: Array(body)) else {
            return nil
        }
        let origin = SpanOrigin.current
        let client = capture.client ?? origin.client
        var template = LLMConventions.llmSpan(
            model: request.model ?? "", provider: endpoint.provider, operation: request.operation)
        if request.model == nil {
            template.name = request.operation
            for key in ["llm.model", "gen_ai.request.model", "llm.model_name"] { template.attributes[key] = nil }
        }
        var attributes = template.attributes
        attributes["server.address"] = .string(components?.host ?? url.host ?? "")
        if let port = components?.port ?? url.port { attributes["server.port"] = .int(Int64(port)) }
        attributes["http.request.method"] = "POST"
        attributes["url.path"] = .string(path)
        attributes["llm.capture"] = "http"
        template.kind = .client
        template.attributes = attributes
        let span = client.open(template, extra: [:], from: origin)
        span.setRequest(
            temperature: request.temperature, topP: request.topP, topK: request.topK, maxTokens: request.maxTokens,
            stopSequences: request.stopSequences, seed: request.seed, stream: request.stream,
            frequencyPenalty: request.frequencyPenalty, presencePenalty: request.presencePenalty,
            choiceCount: request.choiceCount, outputType: request.outputType)
        var more = AttributeList()
        if let toolCount = request.toolCount { more["llm.tools.count"] = .int(Int64(toolCount)) }
        if let formats = request.encodingFormats { more["gen_ai.request.encoding_formats"] = .stringArray(formats) }
        if let dimensions = request.dimensions { more["gen_ai.embeddings.dimension.count"] = .int(Int64(dimensions)) }
        // `openai.*` attributes belong on spans of OpenAI itself only (the conventions' provider discriminator).
        if endpoint.provider == "openai" {
            if let apiType = request.apiType { more["openai.api.type"] = .string(apiType) }
            if let tier = request.serviceTier { more["openai.request.service_tier"] = .string(tier) }
        }
        if !more.isEmpty { span.setAttributes(more) }
        let call = LLMHTTPCall(span: span, format: endpoint.format, endpoint: endpoint, capture: capture)
        if request.stream, request.includeUsage != true, request.usageNeedsAsking, capture.requestsStreamUsage,
            endpoint.requestsStreamUsage, StreamUsage.accepts(endpoint),
            let changed = StreamUsage.requestingUsage(Array(body), hasStreamOptions: request.hasStreamOptions)
        {
            call.state.withLock { $0.bodyToSend = changed }
            span.setAttribute("llm.stream.usage_requested", true)
        }
        if capture.captureContent, span.isRecording {
            var content = AttributeList()
            if let input = request.inputJSON {
                content["llm.input.messages"] = .string(input)
                content["input.value"] = .string(input)
                if request.operation != "embeddings" { content["gen_ai.input.messages"] = .string(input) }
            }
            if let system = request.systemJSON { content["gen_ai.system_instructions"] = .string(system) }
            span.setAttributes(content)
        }
        return call
    }

    /// The request body to send in place of the caller's, or nil to send the caller's own.
    ///
    /// Set when the capture asks an OpenAI-format stream for its token usage (``LLMHTTPCapture/requestsStreamUsage``):
    /// the caller's body with `"stream_options":{"include_usage":true}` added. Pass every response chunk through
    /// ``forward(_:)``, which takes out what the option added, so the caller reads the stream it asked for.
    public var bodyToSend: [UInt8]? {
        state.withLock { $0.bodyToSend }
    }

    /// Whether a response with `status` may ask for the request to be sent again: a 400 to a body the capture
    /// changed. Then read the (small) error body and ask ``shouldResend(status:errorBody:)``.
    public func mayResend(status: Int) -> Bool {
        status == 400 && state.withLock { $0.bodyToSend != nil }
    }

    /// Whether the server rejected the usage option the capture added (HTTP 400 naming `stream_options`): then
    /// send the caller's own body once more, as the caller wrote it (``bodyToSend`` is nil from now on), and report
    /// that response instead. The endpoint is remembered: later calls to it are sent unchanged.
    public func shouldResend(status: Int, errorBody: some Collection<UInt8>) -> Bool {
        guard mayResend(status: status), StreamUsage.isRejection(status: status, body: Array(errorBody)) else {
            return false
        }
        StreamUsage.rejects(endpoint)
        state.withLock { $0.bodyToSend = nil }
        span.setAttribute("llm.stream.usage_requested", false)
        return true
    }

    /// Records the response's status and content type; call it once, before the body.
    public func receivedResponse(status: Int, contentType: String?) {
        let streamed = contentType?.lowercased().hasPrefix("text/event-stream") ?? false
        state.withLock { state in
            state.status = status
            if streamed, status < 400, state.bodyToSend != nil { state.filter = StreamUsageFilter() }
            state.body =
                streamed && status < 400
                ? .events(ServerSentEventParser(), LLMStreamAccumulator(format: format)) : .buffered([], overflowed: false)
        }
        span.setAttribute("http.response.status_code", status)
    }

    /// Records a chunk of the response body and returns the bytes to hand to the caller in its place, or nil to
    /// hand on the chunk itself.
    ///
    /// Only a stream whose usage the capture asked for is rewritten (see ``bodyToSend``): its events are handed on
    /// whole, without the usage-only event and the `"usage":null` members the option added. At the end of the body,
    /// hand on ``endOfBody()`` before calling ``finish()``.
    public func forward(_ chunk: some Collection<UInt8>) -> [UInt8]? {
        received(chunk)
        return state.withLock { state in
            guard var filter = state.filter else { return nil }
            let output = filter.feed(chunk)
            state.filter = filter
            return output
        }
    }

    /// The bytes ``forward(_:)`` still holds at the end of the body (a last event without its closing blank line),
    /// or nil when it holds none.
    public func endOfBody() -> [UInt8]? {
        state.withLock { state in
            guard var filter = state.filter else { return nil }
            let rest = filter.finish()
            state.filter = filter
            return rest.isEmpty ? nil : rest
        }
    }

    /// Records a chunk of the response body, as it arrives. Use ``forward(_:)`` instead when the capture may have
    /// changed the request (``bodyToSend`` is not nil).
    public func received(_ chunk: some Collection<UInt8>) {
        let now = WallClock.nanosecondsSinceEpoch()
        let limit = maxBufferedBytes
        state.withLock { state in
            if let last = state.lastChunkNanos { state.longestGapNanos = max(state.longestGapNanos, now &- last) }
            state.lastChunkNanos = now
            switch state.body {
            case .none:
                break
            case .events(var parser, var accumulator):
                state.body = .none  // keeps the parser's buffers uniquely referenced while they change
                for event in parser.feed(chunk) where accumulator.consume(event) {
                    if state.firstOutputNanos == nil { state.firstOutputNanos = now }
                }
                state.body = .events(parser, accumulator)
            case .buffered(var bytes, let overflowed):
                state.body = .none
                if overflowed || bytes.count + chunk.count > limit {
                    state.body = .buffered([], overflowed: true)
                } else {
                    bytes.append(contentsOf: chunk)
                    state.body = .buffered(bytes, overflowed: false)
                }
            }
        }
    }

    /// The body ended: records what the response said and ends the span.
    public func finish() {
        let snapshot = state.withLock { state -> State? in
            guard !state.ended else { return nil }
            state.ended = true
            return state
        }
        guard let snapshot else { return }
        let status = snapshot.status ?? 0
        switch snapshot.body {
        case .events(_, let accumulator):
            recordStream(accumulator, snapshot, endNanos: WallClock.nanosecondsSinceEpoch())
            if let message = accumulator.errorMessage {
                span.recordModelFailure(type: accumulator.errorType ?? "stream_error", message: message)
                finishSpan(status: .error, message: message)
            } else {
                finishSpan(status: .ok, message: nil)
            }
        case .buffered(let bytes, let overflowed):
            if status >= 400 {
                recordError(status: status, body: bytes)
            } else {
                if overflowed {
                    span.setAttribute("llm.response.unparsed", "body larger than maxBufferedResponseBytes")
                } else {
                    recordBufferedResponse(bytes)
                }
                finishSpan(status: .ok, message: nil)
            }
        case .none:
            if status >= 400 {
                span.recordModelFailure(type: String(status), message: "HTTP \(status)")
                finishSpan(status: .error, message: "HTTP \(status)")
            } else {
                finishSpan(status: .ok, message: nil)
            }
        }
    }

    /// The request or the body failed: records the error and ends the span.
    public func fail(_ error: any Error) {
        guard state.withLock({ state -> Bool in
            defer { state.ended = true }
            return !state.ended
        }) else { return }
        if error is CancellationError {
            end(status: .cancelled, message: "cancelled")
        } else {
            span.recordException(error)
            end(status: .error, message: NoveumSpan.ExceptionInfo.message(of: error))
        }
    }

    /// Records how the stream went: chunks, time to first token, the longest wait between two chunks, output
    /// tokens per second after the first, and what the events said. `endNanos` is nil for an abandoned stream.
    private func recordStream(_ accumulator: LLMStreamAccumulator, _ state: State, endNanos: UInt64?) {
        var attributes = AttributeList()
        attributes["llm.stream.chunks"] = .int(Int64(accumulator.events))
        if state.lastChunkNanos != nil {
            attributes["llm.stream.max_gap_ms"] = .double(Double(state.longestGapNanos) / 1_000_000)
        }
        if let first = state.firstOutputNanos {
            let ttft = Double(first &- span.startTimeNanos) / 1_000_000
            attributes["llm.time_to_first_token_ms"] = .double(ttft)
            attributes["gen_ai.response.time_to_first_chunk"] = .double(ttft / 1000)
            if let end = endNanos, end > first, let output = accumulator.summary.usage.outputTokens, output > 0 {
                attributes["llm.stream.output_tokens_per_second"] = .double(Double(output) / (Double(end - first) / 1e9))
            }
        }
        span.setAttributes(attributes)
        span.setResponse(accumulator.summary, includeOutput: captureContent)
    }

    private func recordBufferedResponse(_ bytes: [UInt8]) {
        if let summary = LLMResponseSummary.parse(bytes) {
            span.setResponse(summary, includeOutput: captureContent)
        } else if let array = try? JSONSerialization.jsonObject(with: Data(bytes)) as? [[String: Any]] {
            // Gemini's streamGenerateContent without alt=sse: a JSON array of partial responses.
            var accumulator = LLMStreamAccumulator(format: format)
            for element in array {
                guard let data = try? JSONSerialization.data(withJSONObject: element) else { continue }
                _ = accumulator.consume(ServerSentEvent(data: String(decoding: data, as: UTF8.self)))
            }
            span.setResponse(accumulator.summary, includeOutput: captureContent)
        }
    }

    private func recordError(status: Int, body: [UInt8]) {
        let json = (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any]
        let error = json?["error"] as? [String: Any]
        let type = error?.string("type") ?? error?.string("status") ?? String(status)
        let message = error?.string("message") ?? "HTTP \(status)"
        span.recordModelFailure(type: type, message: message)
        finishSpan(status: .error, message: message)
    }

    private func finishSpan(status: NoveumSpan.Status, message: String?) {
        span.setStatus(status, message)
        span.end()
    }

    /// Ends the span from `deinit` or `fail`, after `ended` was set.
    private func end(status: NoveumSpan.Status, message: String?) {
        state.withLock { $0.ended = true }
        span.setStatus(status, message)
        span.end()
    }
}
