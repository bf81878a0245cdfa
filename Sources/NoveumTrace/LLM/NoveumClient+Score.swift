import Synchronization
import Tracing

extension NoveumSpan {
    /// Records `score` on this span as a `gen_ai.evaluation.result` event (see ``Score``). Ignored once the span
    /// has ended (score it late with ``NoveumClient/score(_:traceID:spanID:)``) or when it is not recording.
    public func score(_ score: Score) {
        guard isRecording else { return }
        addEvent(Event(name: Score.eventName, timeNanos: WallClock.nanosecondsSinceEpoch(), attributes: score.eventAttributes))
    }
}

/// What an evaluator reads of the span it evaluates.
public struct EvaluationInput: Sendable {
    /// The evaluated span's trace and span ids.
    public var traceID: TraceID
    public var spanID: SpanID
    /// The evaluated span's attributes when it is open in this process; empty for a span evaluated by its ids.
    public var attributes: AttributeList
    /// The input the span recorded (`input.value`, else `llm.prompt`), or the one passed in.
    public var input: String?
    /// The output the span recorded (`output.value`, else `llm.output.response`), or the one passed in.
    public var output: String?
}

extension NoveumClient {
    /// Scores a span that has ended, or that another process traced, by its ids: the feedback that arrives minutes
    /// later in another request, with the ids from a response header.
    ///
    /// If the span is open in this process, the score goes on it as an event, as ``NoveumSpan/score(_:)`` does.
    /// Otherwise it is exported as a short evaluation span (`evaluation {name}`) in the evaluated trace, under the
    /// evaluated span (or as a root when `spanID` is nil), carrying the event and `noveum.evaluation.late = true`:
    /// the OTLP exporter sends it as a `gen_ai.evaluation.result` log record with the evaluated span's ids, the
    /// Noveum exporter as the span, and the local store into its scores table (see <doc:ScoresAndFeedback>).
    ///
    /// A trace that the sampling rate would have dropped gets no score: it is counted in
    /// ``NoveumStats/scoresSampledOut`` and dropped, never an error. Ids this process has not seen are exported all
    /// the same: the backend may have the span.
    ///
    /// - Returns: whether the score was recorded (false when sampled out or when the client has no exporter).
    @discardableResult
    public func score(_ score: Score, traceID: TraceID, spanID: SpanID?) -> Bool {
        if let spanID, let open = registry.lookup(spanID), open.context.traceID == traceID {
            NoveumSpan(open).score(score)
            return true
        }
        guard !pipelines.isEmpty else { return false }
        guard sampler.shouldSample(traceID) else {
            counters.scoresSampledOut.add(1, ordering: .relaxed)
            return false
        }
        let now = WallClock.nanosecondsSinceEpoch()
        var attributes = AttributeList()
        attributes["noveum.evaluation.late"] = .bool(true)
        attributes["noveum.evaluation.target.trace_id"] = .string(traceID.description)
        if let spanID { attributes["noveum.evaluation.target.span_id"] = .string(spanID.description) }
        attributes["gen_ai.evaluation.name"] = .string(score.name)
        let context = SpanContext(traceID: traceID, spanID: IDGenerator.spanID(), isSampled: true)
        let span = NoveumSpan(
            recordPool.record(
                context: context, parentSpanID: spanID, parentIsRemote: spanID != nil, name: "evaluation \(score.name)",
                kind: .internal, startTimeNanos: now, attributes: attributes, client: self, baseContext: nil,
                contextSpanAtStart: nil))
        counters.recordingStarted.wrappingAdd(1, ordering: .relaxed)
        span.addEvent(NoveumSpan.Event(name: Score.eventName, timeNanos: now, attributes: score.eventAttributes))
        span.end(atNanos: now)
        return true
    }

    /// Scores the span a W3C `traceparent` names (as a response header carries it); false when it does not parse.
    @discardableResult
    public func score(_ score: Score, traceparent: String) -> Bool {
        guard let context = TraceParent.parse(traceparent) else { return false }
        return self.score(score, traceID: context.traceID, spanID: context.spanID)
    }

    /// Runs `evaluator` over what `span` recorded and records the score it returns on `span`. The evaluator's own
    /// work (a judge model's call, say) is traced inside a child span `evaluate {name}`, so it shows under the
    /// span it judged.
    ///
    /// ```swift
    /// let score = try await client.evaluate(answerSpan, name: "relevance") { input in
    ///     let verdict = try await judge.rate(question: input.input ?? "", answer: input.output ?? "")
    ///     return .number("relevance", verdict, source: .llmJudge)
    /// }
    /// ```
    ///
    /// When `span` has already ended, the score is recorded late (``score(_:traceID:spanID:)``).
    @discardableResult
    public func evaluate<E: Error>(
        _ span: NoveumSpan, name: String, input: String? = nil, output: String? = nil,
        isolation: isolated (any Actor)? = #isolation,
        _ evaluator: (EvaluationInput) async throws(E) -> Score
    ) async throws(E) -> Score {
        let attributes = span.attributeList
        let evaluation = EvaluationInput(
            traceID: span.traceID, spanID: span.spanID, attributes: attributes,
            input: input ?? attributes["input.value"]?.stringValue ?? attributes["llm.prompt"]?.stringValue,
            output: output ?? attributes["output.value"]?.stringValue ?? attributes["llm.output.response"]?.stringValue)
        // Under the evaluated span, by its ids: it may have ended (and left this process's registry) already.
        let parent = SpanContext(traceID: span.traceID, spanID: span.spanID, isSampled: true, isRemote: span.isEnded)
        let child = makeSpan(
            name: "evaluate \(name)", kind: .internal, parent: ParentInfo(context: parent, isRecording: span.isRecording),
            attributes: {
                var list = AttributeList()
                list["gen_ai.evaluation.name"] = .string(name)
                return list
            },
            baseContext: InstrumentationContext.current, contextSpanID: nil)
        let result: Result<Score, E> = await ActiveSpan.binding.withValue(child.binding) {
            do throws(E) {
                return .success(try await evaluator(evaluation))
            } catch {
                return .failure(error)
            }
        }
        switch result {
        case .success(let score):
            child.setAttributes(score.eventAttributes)
            child.setStatus(.ok)
            child.end()
            if span.isEnded {
                self.score(score, traceID: span.traceID, spanID: span.spanID)
            } else {
                span.score(score)
            }
            return score
        case .failure(let error):
            child.recordException(error)
            child.end()
            throw error
        }
    }
}
