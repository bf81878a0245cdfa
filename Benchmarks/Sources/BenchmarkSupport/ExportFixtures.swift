import NoveumTrace

/// Finished spans for the export benchmarks, built once.
public enum ExportFixtures {
    /// The resource every export benchmark sends.
    public static let resource = Resource(attributes: [
        "service.name": .string("bench"), "deployment.environment": .string("bench"),
        "telemetry.sdk.name": .string("noveum-trace-swift"),
    ])

    /// The attributes of a typical LLM span: model, provider, tokens, cost, finish reason.
    public static let llmAttributes: AttributeList = [
        "llm.model": .string("gpt-4o"), "llm.provider": .string("openai"), "gen_ai.operation.name": .string("chat"),
        "llm.input_tokens": .int(1200), "llm.output_tokens": .int(300), "llm.total_tokens": .int(1500),
        "llm.cost.total": .double(0.0105), "llm.finish_reason": .string("stop"),
    ]

    /// `count` finished LLM spans of one trace (a root and its children), each 150 µs long.
    public static func llmBatch(count: Int) -> [SpanData] {
        let traceID = TraceID(high: 0x0123_4567_89ab_cdef, low: 0xfedc_ba98_7654_3210)
        let root = SpanID(rawValue: 1)
        let start: UInt64 = 1_764_000_000_000_000_000
        return (0..<count).map { index in
            SpanData(
                context: SpanContext(traceID: traceID, spanID: SpanID(rawValue: UInt64(index) + 1), isSampled: true),
                parentSpanID: index == 0 ? nil : root, name: "chat gpt-4o", kind: .client,
                startTimeNanos: start + UInt64(index) * 1_000, endTimeNanos: start + UInt64(index) * 1_000 + 150_000,
                status: .ok, attributes: llmAttributes)
        }
    }
}
