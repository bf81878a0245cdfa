import NoveumTrace

/// What the backend tests read back after ``recordScoredSpan(on:)``.
package struct ScoredSpan: Sendable {
    package var traceID: TraceID
    package var spanID: SpanID
    /// What each of the two flushes left undelivered.
    package var undelivered: [Int]
}

/// A span `chat gpt-4o-mini` scored while open (`relevance` 0.82, label `relevant`, by an LLM judge, explained
/// "Answers the question.") and again after it ended, by its ids (a user's `thumbs_up` fail): flushed after each,
/// then shut down.
package func recordScoredSpan(on client: NoveumClient) async -> ScoredSpan {
    let span = client.startSpan(name: "chat gpt-4o-mini", attributes: ["gen_ai.request.model": "gpt-4o-mini"])
    span.score(.number("relevance", 0.82, label: "relevant", source: .llmJudge, explanation: "Answers the question."))
    client.finishSpan(span)
    var undelivered = [await client.flush()]
    client.score(.boolean("thumbs_up", false, source: .human), traceID: span.traceID, spanID: span.spanID)
    undelivered.append(await client.flush())
    await client.shutdown()
    return ScoredSpan(traceID: span.traceID, spanID: span.spanID, undelivered: undelivered)
}
