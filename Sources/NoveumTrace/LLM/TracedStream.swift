import Tracing

/// A streamed model response that records itself on a span: time to first chunk, chunk count and rate, the
/// aggregated output and the final usage. The span ends when the stream finishes, throws, is cancelled, or is
/// abandoned by its consumer (the iterator is released before the end), so it never stays open.
///
/// ```swift
/// let stream = try await NoveumTrace.traceLLMStream(model: "gpt-4o", provider: "openai",
///                                                   text: { $0.delta }, usage: { $0.usage }) { span in
///     try await openAI.streamChat(messages)
/// }
/// for try await chunk in stream { print(chunk.delta ?? "", terminator: "") }
/// ```
public struct TracedStream<Base: AsyncSequence>: AsyncSequence {
    public typealias Element = Base.Element

    let base: Base
    let span: NoveumSpan
    let text: @Sendable (Base.Element) -> String?
    let usage: @Sendable (Base.Element) -> LLMUsage?
    let captureOutput: Bool

    public func makeAsyncIterator() -> Iterator {
        Iterator(
            base: base.makeAsyncIterator(),
            recorder: StreamRecorder(span: span, captureOutput: captureOutput), text: text, usage: usage)
    }

    public struct Iterator: AsyncIteratorProtocol {
        var base: Base.AsyncIterator
        let recorder: StreamRecorder
        let text: @Sendable (Base.Element) -> String?
        let usage: @Sendable (Base.Element) -> LLMUsage?

        public mutating func next() async throws -> Base.Element? {
            do {
                guard let element = try await base.next() else {
                    recorder.finish(.ok)
                    return nil
                }
                recorder.record(text: text(element), usage: usage(element))
                return element
            } catch {
                recorder.fail(error)
                throw error
            }
        }
    }
}

extension TracedStream: Sendable where Base: Sendable {}

/// Accumulates what a stream shows and ends its span once.
final class StreamRecorder: Sendable {
    private struct State {
        var chunks = 0
        var firstChunkNanos: UInt64?
        var output = ""
        var usage: LLMUsage?
        var ended = false
    }

    let span: NoveumSpan
    let captureOutput: Bool
    private let state = LockedValue(State())

    init(span: NoveumSpan, captureOutput: Bool) {
        self.span = span
        self.captureOutput = captureOutput
    }

    deinit {
        // Released before the stream ended: the consumer stopped iterating.
        if !state.withLock({ $0.ended }) {
            span.setAttribute("llm.stream.abandoned", true)
            finish(.cancelled, message: "stream abandoned by its consumer")
        }
    }

    func record(text: String?, usage: LLMUsage?) {
        let now = WallClock.nanosecondsSinceEpoch()
        state.withLock { state in
            state.chunks += 1
            if state.firstChunkNanos == nil { state.firstChunkNanos = now }
            if let text, captureOutput { state.output += text }
            if let usage, !usage.isEmpty { state.usage = usage }
        }
    }

    func fail(_ error: any Error) {
        guard !state.withLock({ $0.ended }) else { return }
        if error is CancellationError {
            finish(.cancelled, message: "cancelled")
        } else {
            span.recordException(error)
            finish(.error, message: NoveumSpan.ExceptionInfo.message(of: error))
        }
    }

    func finish(_ status: NoveumSpan.Status, message: String? = nil) {
        let snapshot = state.withLock { state -> State? in
            guard !state.ended else { return nil }
            state.ended = true
            return state
        }
        guard let snapshot else { return }
        let end = WallClock.nanosecondsSinceEpoch()
        var attributes = AttributeList()
        attributes["llm.stream"] = true
        attributes["gen_ai.request.stream"] = true
        attributes["llm.stream.chunks"] = .int(Int64(snapshot.chunks))
        if let first = snapshot.firstChunkNanos {
            let ttft = Double(first &- span.startTimeNanos) / 1_000_000
            attributes["llm.time_to_first_token_ms"] = .double(ttft)
            attributes["gen_ai.response.time_to_first_chunk"] = .double(ttft / 1000)
            let streaming = Double(end &- first) / 1_000_000_000
            if snapshot.chunks > 1, streaming > 0 {
                attributes["llm.stream.chunks_per_second"] = .double(Double(snapshot.chunks - 1) / streaming)
            }
        }
        if captureOutput, !snapshot.output.isEmpty {
            attributes["llm.output.response"] = .string(snapshot.output)
            attributes["output.value"] = .string(snapshot.output)
            if let messages = LLMConventions.outputMessages(text: snapshot.output, finishReason: nil) {
                attributes["gen_ai.output.messages"] = .string(messages)
            }
        }
        span.setAttributes(attributes)
        if let usage = snapshot.usage { span.setUsage(usage) }
        if span.status == .unset || status != .ok { span.setStatus(status, message) }
        span.end(atNanos: end)
    }
}

extension NoveumSpan {
    /// Records `stream` on this span and ends the span when the stream ends, throws, is cancelled or is abandoned.
    ///
    /// - Parameters:
    ///   - stream: the model's stream of chunks.
    ///   - text: the text a chunk adds to the output, aggregated into `llm.output.response`.
    ///   - usage: the usage a chunk reports (usually only the last one does).
    ///   - captureOutput: whether to aggregate the text at all.
    public func trace<S: AsyncSequence>(
        _ stream: S, text: @escaping @Sendable (S.Element) -> String? = { _ in nil },
        usage: @escaping @Sendable (S.Element) -> LLMUsage? = { _ in nil }, captureOutput: Bool = true
    ) -> TracedStream<S> {
        TracedStream(base: stream, span: self, text: text, usage: usage, captureOutput: captureOutput)
    }
}

extension NoveumTrace {
    /// Traces a streamed model call: starts an LLM span, runs `makeStream` with the span active, and returns the
    /// stream wrapped so the span records time to first chunk, output and usage and ends with the stream.
    ///
    /// If `makeStream` throws, the span records the error and ends at once.
    public static func traceLLMStream<S: AsyncSequence>(
        model: String, provider: String? = nil, operation: String = "chat",
        attributes: [String: any AttributeValueConvertible] = [:],
        text: @escaping @Sendable (S.Element) -> String? = { _ in nil },
        usage: @escaping @Sendable (S.Element) -> LLMUsage? = { _ in nil },
        isolation: isolated (any Actor)? = #isolation,
        _ makeStream: (NoveumSpan) async throws -> S
    ) async throws -> TracedStream<S> {
        let origin = SpanOrigin.current
        let client = origin.client
        var template = LLMConventions.llmSpan(model: model, provider: provider, operation: operation)
        LLMConventions.markStreamed(&template)
        template.attributes.merge(attributes)
        let span = client.open(template, extra: [:], from: origin)
        do {
            let stream = try await ActiveSpan.binding.withValue(span.binding) { try await makeStream(span) }
            return span.trace(stream, text: text, usage: usage)
        } catch {
            span.recordFailure(error)
            span.end()
            throw error
        }
    }
}
