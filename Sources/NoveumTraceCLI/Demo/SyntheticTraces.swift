import NoveumTrace
import NoveumTraceStore

/// Fills a store with synthetic traces, for measuring queries at scale (`noveum-trace demo --synthetic 100000`).
///
/// Every trace has a root span, an LLM call (one of four models, with tokens and cost), and a retrieval or a tool
/// call; about 8% fail. Traces spread over the last week, five per session. The generator is seeded, so the same
/// count gives the same store.
public enum SyntheticTraces {
    static let models = ["gpt-4o", "gpt-4o-mini", "claude-3-5-sonnet", "llama-3.1-70b"]

    /// Inserts `count` traces into `store` in transactions of `batch` traces; returns the spans written.
    @discardableResult
    public static func fill(
        _ store: TraceStore, count: Int, batch: Int = 2_000, nowNanos: UInt64, progress: (Int) -> Void = { _ in }
    ) throws -> Int {
        var random = SplitMix(seed: 0x6E6F_7665_756D)
        let week: UInt64 = 7 * 86_400 * 1_000_000_000
        let resource = Resource(attributes: ["service.name": "synthetic-app", "telemetry.sdk.name": "noveum-trace-swift"])
        var records: [LocalSpanRecord] = []
        var spans = 0
        for index in 0..<count {
            let traceID = TraceID(high: random.next() | 1, low: random.next())
            let start = nowNanos - week + random.next() % week
            let rootID = SpanID(rawValue: random.next() | 1)
            let model = models[Int(random.next() % UInt64(models.count))]
            let llmDuration = 80_000_000 + random.next() % 2_400_000_000
            let failed = random.next() % 100 < 8
            let input = Int64(100 + random.next() % 3_000)
            let output = Int64(20 + random.next() % 800)
            let cost = Double(input) * 2.5e-6 + Double(output) * 1e-5
            let session = "session-\(index / 5)"
            let llm = SpanData(
                context: SpanContext(traceID: traceID, spanID: SpanID(rawValue: random.next() | 1), isSampled: true),
                parentSpanID: rootID, name: "chat \(model)", kind: .client, startTimeNanos: start + 5_000_000,
                endTimeNanos: start + 5_000_000 + llmDuration, status: failed ? .error : .ok,
                statusMessage: failed ? "rate limited" : nil,
                attributes: [
                    "llm.model": .string(model), "gen_ai.operation.name": "chat", "llm.input_tokens": .int(input),
                    "llm.output_tokens": .int(output), "llm.cost.total": .double(cost),
                ],
                exception: failed ? NoveumSpan.ExceptionInfo(type: "RateLimitError", message: "rate limited") : nil)
            let useTool = random.next() % 2 == 0
            let stepDuration = 2_000_000 + random.next() % 200_000_000
            let step = SpanData(
                context: SpanContext(traceID: traceID, spanID: SpanID(rawValue: random.next() | 1), isSampled: true),
                parentSpanID: rootID, name: useTool ? "execute_tool web_search" : "retrieval docs",
                startTimeNanos: start + 10_000_000 + llmDuration,
                endTimeNanos: start + 10_000_000 + llmDuration + stepDuration, status: .ok,
                attributes: useTool ? ["tool.name": "web_search"] : ["retrieval.top_k": 5])
            let root = SpanData(
                context: SpanContext(traceID: traceID, spanID: rootID, isSampled: true),
                name: ["answer_question", "summarize_document", "plan_trip"][index % 3], kind: .server,
                startTimeNanos: start, endTimeNanos: step.endTimeNanos + 1_000_000, status: failed ? .error : .ok,
                attributes: ["session.id": .string(session), "user.id": .string("user-\(index % 97)")])
            for span in [root, llm, step] {
                records.append(
                    LocalSpanRecord(span: span, project: "synthetic", environment: "development", resource: resource))
            }
            if records.count >= batch * 3 {
                try store.insert(records)
                spans += records.count
                records.removeAll(keepingCapacity: true)
                progress(index + 1)
            }
        }
        if !records.isEmpty {
            try store.insert(records)
            spans += records.count
            progress(count)
        }
        return spans
    }
}

/// A small seeded generator (SplitMix64): the same seed gives the same sequence on every platform.
struct SplitMix {
    var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
