/// Renders the spans of one trace as an indented tree with durations, status and the key LLM attributes.
///
/// ```
/// trace 4bf92f3577b34da6a3ce929d0e0e4736  4 spans, 1 failed  12.41 ms
/// └─ complex_ai_workflow  12.41 ms  ok
///    ├─ query_enhancement gpt-3.5-turbo  1.20 ms  ok  [openai · 12→34 tokens]
///    ├─ vector_search  300.0 µs  ok
///    └─ response_generation gpt-4  8.02 ms  error: rate limited
/// ```
public struct TraceTreeRenderer: Sendable {
    /// Whether to colour status words with ANSI escapes.
    public var useColor: Bool

    public init(useColor: Bool = false) {
        self.useColor = useColor
    }

    /// Renders `spans` (all of one trace) as lines of text. Spans whose parent is missing are shown as roots.
    public func render(_ spans: [SpanData]) -> String {
        guard let first = spans.first else { return "" }
        let ids = Set(spans.map(\.spanID))
        var children: [SpanID: [SpanData]] = [:]
        var roots: [SpanData] = []
        for span in spans {
            // A remote parent (another process's span, carried by traceparent) nests too when it is in the list:
            // spans from both sides of a call render as one tree.
            if let parent = span.parentSpanID, ids.contains(parent) {
                children[parent, default: []].append(span)
            } else {
                roots.append(span)
            }
        }
        roots.sort { $0.startTimeNanos < $1.startTimeNanos }
        let errors = spans.filter { $0.status.isFailure }.count
        let start = spans.map(\.startTimeNanos).min() ?? first.startTimeNanos
        let end = spans.map(\.endTimeNanos).max() ?? first.endTimeNanos
        var header = "trace \(first.traceID)  \(spans.count) span\(spans.count == 1 ? "" : "s")"
        header += "\(errors > 0 ? ", \(errors) failed" : "")  \(Self.duration(end &- start))"
        var lines = [header]
        func walk(_ span: SpanData, prefix: String, isLast: Bool) {
            lines.append(prefix + (isLast ? "└─ " : "├─ ") + line(for: span))
            let kids = (children[span.spanID] ?? []).sorted { $0.startTimeNanos < $1.startTimeNanos }
            for (index, child) in kids.enumerated() {
                walk(child, prefix: prefix + (isLast ? "   " : "│  "), isLast: index == kids.count - 1)
            }
        }
        for (index, root) in roots.enumerated() { walk(root, prefix: "", isLast: index == roots.count - 1) }
        return lines.joined(separator: "\n")
    }

    /// One span's line: name, duration, status, and LLM details when present.
    public func line(for span: SpanData) -> String {
        var text = "\(span.name)  \(Self.duration(span.durationNanos))  \(status(span))"
        var details: [String] = []
        let attributes = span.attributes
        if let provider = attributes["llm.provider"]?.stringValue { details.append(provider) }
        let input = attributes["llm.input_tokens"]?.intValue ?? attributes["gen_ai.usage.input_tokens"]?.intValue
        let output = attributes["llm.output_tokens"]?.intValue ?? attributes["gen_ai.usage.output_tokens"]?.intValue
        if input != nil || output != nil {
            details.append("\(input.map(String.init) ?? "?")→\(output.map(String.init) ?? "?") tokens")
        }
        if let cost = attributes["llm.cost.total"]?.doubleValue { details.append(Self.cost(cost)) }
        if let ttft = attributes["llm.time_to_first_token_ms"]?.doubleValue {
            details.append("ttft \(Self.milliseconds(ttft))")
        }
        if !details.isEmpty { text += "  [" + details.joined(separator: " · ") + "]" }
        return text
    }

    private func status(_ span: SpanData) -> String {
        var word = span.status.rawValue
        if let message = span.statusMessage, !message.isEmpty, span.status != .ok { word += ": \(message)" }
        guard useColor else { return word }
        switch span.status {
        case .ok: return "\u{1B}[32m\(word)\u{1B}[0m"
        case .error, .timeout: return "\u{1B}[31m\(word)\u{1B}[0m"
        case .cancelled: return "\u{1B}[33m\(word)\u{1B}[0m"
        case .unset: return word
        }
    }

    /// Formats nanoseconds as µs, ms or s with three significant decimals.
    public static func duration(_ nanos: UInt64) -> String {
        let ms = Double(nanos) / 1_000_000
        return milliseconds(ms)
    }

    static func milliseconds(_ ms: Double) -> String {
        if ms >= 1000 { return fixed(ms / 1000, 3) + " s" }
        if ms >= 1 { return fixed(ms, 2) + " ms" }
        return fixed(ms * 1000, 1) + " µs"
    }

    static func cost(_ dollars: Double) -> String {
        "$" + fixed(dollars, dollars >= 0.01 ? 4 : 6)
    }

    /// Formats with a fixed number of decimals, without Foundation.
    static func fixed(_ value: Double, _ decimals: Int) -> String {
        guard value.isFinite else { return String(value) }
        var scale = 1.0
        for _ in 0..<decimals { scale *= 10 }
        let scaled = (abs(value) * scale).rounded()
        // Beyond Int64 (a cost or a time of 1e15 and more, from an attribute anyone can set) the digits below
        // cannot be computed exactly, and `Int64(scaled)` would trap: Swift's own text is right for such values.
        guard scaled < 9.2e18 else { return String(value) }
        let whole = Int64(scaled / scale)
        var fraction = String(Int64(scaled) - whole * Int64(scale))
        while fraction.count < decimals { fraction = "0" + fraction }
        return (value < 0 ? "-" : "") + String(whole) + (decimals > 0 ? "." + fraction : "")
    }
}
