extension NoveumTrace {
    /// Records `score` on the span active in the current task (see ``Score``); false when no span is active or it
    /// does not record.
    @discardableResult
    public static func scoreCurrentSpan(_ score: Score) -> Bool {
        guard let span = currentSpan, span.isRecording, !span.isEnded else { return false }
        span.score(score)
        return true
    }

    /// Scores a span by its ids with the global client: see ``NoveumClient/score(_:traceID:spanID:)``.
    @discardableResult
    public static func score(_ score: Score, traceID: TraceID, spanID: SpanID?) -> Bool {
        client.score(score, traceID: traceID, spanID: spanID)
    }

    /// Scores the span a W3C `traceparent` names with the global client: see
    /// ``NoveumClient/score(_:traceparent:)``.
    @discardableResult
    public static func score(_ score: Score, traceparent: String) -> Bool {
        client.score(score, traceparent: traceparent)
    }
}
