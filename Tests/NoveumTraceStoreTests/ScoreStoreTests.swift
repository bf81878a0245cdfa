import Foundation
import NoveumTrace
import NoveumTraceStore
import Testing

/// The store's scores table: scores on spans and late scores, on the span they evaluate.
@Suite("Stored scores")
struct ScoreStoreTests {
    /// A span carrying `scores` as `gen_ai.evaluation.result` events.
    static func scored(
        trace: UInt64, id: UInt64, parent: UInt64? = nil, name: String, model: String?, late: Bool = false,
        _ scores: [Score]
    ) -> SpanData {
        var attributes: AttributeList = [:]
        if let model { attributes["gen_ai.request.model"] = .string(model) }
        if late { attributes["noveum.evaluation.late"] = .bool(true) }
        let base = span(trace: trace, id: id, parent: parent, name: name, start: 1_000 + id, duration: 10, attributes: attributes)
        return SpanData(
            context: base.context, parentSpanID: base.parentSpanID, parentIsRemote: late, name: name,
            startTimeNanos: base.startTimeNanos, endTimeNanos: base.endTimeNanos, attributes: attributes,
            events: scores.enumerated().map { NoveumSpan.Event(name: Score.eventName, timeNanos: 2_000 + UInt64($0.offset), attributes: $0.element.eventAttributes) })
    }

    @Test("a score on a span and a late one land on the evaluated span; summaries per model; storing twice keeps one copy")
    func scoresTable() throws {
        let store = try TraceStore(directory: try temporaryDirectory())
        let records = [
            Self.scored(trace: 1, id: 1, name: "chat gpt-4o", model: "gpt-4o", [.number("relevance", 0.5, source: .llmJudge)]),
            Self.scored(trace: 1, id: 2, parent: 1, name: "evaluation thumbs_up", model: nil, late: true,
                        [.boolean("thumbs_up", true, source: .human, explanation: "liked it")]),
            Self.scored(trace: 2, id: 3, name: "chat gpt-4o", model: "gpt-4o", [.number("relevance", 1.0), .boolean("thumbs_up", false)]),
            Self.scored(trace: 3, id: 4, name: "chat llama", model: "llama", [.category("sentiment", "positive")]),
            // A late score for a span the store never got (recorded by another process that sampled it out, say).
            Self.scored(trace: 3, id: 5, parent: 99, name: "evaluation relevance", model: nil, late: true,
                        [.number("relevance", 0.1)]),
        ].map(record)
        try store.insert(records)
        try store.insert(records)

        let first = try store.scores(trace: traceHex(1))
        #expect(first.map(\.name) == ["relevance", "thumbs_up"])
        #expect(first.allSatisfy { $0.spanID == SpanID(rawValue: 1).description })
        #expect(first[1].late && !first[0].late)
        #expect(first[1].value == 1 && first[1].label == "pass" && first[1].source == "human" && first[1].explanation == "liked it")
        #expect(first[0].type == "numeric" && first[0].source == "llm_judge")
        #expect(first.allSatisfy { $0.spanRecorded })
        let third = try store.scores(trace: traceHex(3))
        #expect(third.map(\.name) == ["sentiment", "relevance"])
        #expect(third.map(\.spanRecorded) == [true, false])
        #expect(third[1].spanID == SpanID(rawValue: 99).description && third[1].late)

        let byModel = try store.scoreSummaries(by: .model)
        let relevance = try #require(byModel.first { $0.name == "relevance" && $0.group == "gpt-4o" })
        #expect(relevance.count == 2 && relevance.average == 0.75)
        let thumbs = try #require(byModel.first { $0.name == "thumbs_up" && $0.group == "gpt-4o" })
        #expect(thumbs.count == 2 && thumbs.passed == 1 && thumbs.booleans == 2 && thumbs.average == 0.5)
        let sentiment = try #require(byModel.first { $0.name == "sentiment" })
        #expect(sentiment.group == "llama" && sentiment.count == 1 && sentiment.average == nil)
    }
}
