import NoveumTraceStore

/// The tree `show` prints: each span indented under its parent, with a bar placing it on the trace's timeline,
/// its duration, status, tokens and cost, its scores (`★ relevance 0.82 · llm_judge`), and errors highlighted with
/// their message.
///
/// A trace that crosses services (a Swift gateway calling a Python service, each exporting on its own) prints as
/// one tree: each span is labelled with its service, and an edge into another process (a remote parent) is drawn
/// dashed (`┄`).
enum TraceTreeView {
    static let barWidth = 24

    static func render(_ trace: StoredTrace, _ terminal: Terminal) -> String {
        let summary = trace.summary
        var out = ""
        let failed = summary.status == "error"
        out += terminal.styled("Trace ", .bold) + terminal.styled(summary.traceID, .cyan) + "  "
            + terminal.styled(summary.name, .bold) + "\n"
        var facts = [
            Format.time(nanos: summary.startNanos), Format.duration(nanos: summary.durationNanos),
            "\(summary.spanCount) spans",
            terminal.styled(failed ? "error (\(summary.errorCount) failed)" : "ok", failed ? .boldRed : .green),
        ]
        if summary.inputTokens > 0 || summary.outputTokens > 0 {
            facts.append("tokens \(summary.inputTokens) in / \(summary.outputTokens) out")
        }
        if summary.cost > 0 { facts.append("cost " + Format.cost(summary.cost)) }
        if let session = summary.sessionID { facts.append("session " + session) }
        if let user = summary.userID { facts.append("user " + user) }
        let services = summary.services.isEmpty ? [summary.service] : summary.services
        let multiService = services.count > 1
        if multiService {
            var languages: [String: String] = [:]
            for span in trace.spans {
                if let service = span.service, languages[service] == nil, let sdk = span.sdk {
                    languages[service] = String(sdk.split(separator: " ").first ?? "")
                }
            }
            facts.append(
                "services " + services.map { name in languages[name].map { "\(name) (\($0))" } ?? name }
                    .joined(separator: ", "))
        } else {
            facts.append("service " + summary.service)
        }
        out += "  " + facts.joined(separator: "  ·  ") + "\n"
        if trace.spans.contains(where: { $0.parentRemote && $0.parentSpanID != nil }) {
            out += "  " + terminal.styled("┄ marks a call into another process", .dim) + "\n"
        }
        out += "\n"

        let ids = Set(trace.spans.map(\.spanID))
        var children: [String: [StoredSpan]] = [:]
        var roots: [StoredSpan] = []
        for span in trace.spans {
            if let parent = span.parentSpanID, ids.contains(parent) {
                children[parent, default: []].append(span)
            } else {
                roots.append(span)
            }
        }
        var rows: [(prefix: String, span: StoredSpan)] = []
        func walk(_ span: StoredSpan, prefix: String, childPrefix: String) {
            rows.append((prefix, span))
            let kids = children[span.spanID] ?? []
            for (index, child) in kids.enumerated() {
                let last = index == kids.count - 1
                let edge = child.parentRemote ? (last ? "└┄ " : "├┄ ") : (last ? "└─ " : "├─ ")
                walk(child, prefix: childPrefix + edge, childPrefix: childPrefix + (last ? "   " : "│  "))
            }
        }
        for root in roots { walk(root, prefix: "", childPrefix: "") }

        func title(_ span: StoredSpan) -> String {
            guard multiService, let service = span.service else { return span.name }
            return span.name + " [" + service + "]"
        }
        // A score shows under the span it evaluates (a late score's own evaluation span shows none).
        var scores: [String: [StoredScore]] = [:]
        for score in summary.scores { if let spanID = score.spanID { scores[spanID, default: []].append(score) } }
        func scoreLine(_ score: StoredScore) -> String {
            var text = "★ " + Format.score(score)
            if let source = score.source { text += " · " + source }
            if score.late { text += " · late" }
            if let explanation = score.explanation { text += " · " + explanation }
            return terminal.styled(text, .magenta)
        }
        let nameWidth = min(64, max(20, rows.map { $0.prefix.count + title($0.span).count }.max() ?? 20))
        let start = summary.startNanos
        let total = max(1, summary.durationNanos)
        for (prefix, span) in rows {
            let label = Format.cell(prefix + title(span), nameWidth)
            // Positions on the bar, cut to the bar before converting: a span that starts long after the trace's
            // end (possible in a hand-edited or damaged spool) would give a number no `Int` holds.
            let offset = span.startNanos.subtractingReportingOverflow(start)
            let offsetNanos = offset.overflow ? Double(span.startNanos) - Double(start) : Double(offset.partialValue)
            let from = Int(Self.onBar(offsetNanos, of: total))
            let length = max(1, Int(Self.onBar(Double(span.durationNanos), of: total).rounded()))
            let lead = min(max(0, from), barWidth - 1)
            let fill = min(length, barWidth - lead)
            let bar =
                String(repeating: " ", count: lead) + String(repeating: "█", count: fill)
                + String(repeating: " ", count: barWidth - lead - fill)
            let status = span.isFailure ? terminal.styled(Format.cell(span.status.uppercased(), 6), .boldRed)
                : terminal.styled(Format.cell(span.status, 6), span.status == "ok" ? .green : .dim)
            var line = (span.isFailure ? terminal.styled(label, .red) : label) + " "
                + terminal.styled("▏" + bar + "▕", span.isFailure ? .red : .blue) + " "
                + Format.cell(Format.duration(nanos: span.durationNanos), 8, right: true) + "  " + status
            if span.inputTokens != nil || span.outputTokens != nil {
                line += "  " + terminal.styled(
                    "\(span.inputTokens ?? 0)→\(span.outputTokens ?? 0) tok", .magenta)
            }
            if let cost = span.cost, cost > 0 { line += "  " + terminal.styled(Format.cost(cost), .yellow) }
            out += line + "\n"
            let indent = String(repeating: " ", count: min(prefix.count, nameWidth)) + "   "
            for score in scores[span.spanID] ?? [] { out += indent + scoreLine(score) + "\n" }
            if span.isFailure {
                let message = [span.exceptionType, span.exceptionMessage ?? span.statusMessage]
                    .compactMap { $0 }.joined(separator: ": ")
                if !message.isEmpty { out += indent + terminal.styled("✗ " + message, .boldRed) + "\n" }
            }
        }
        // Scores on spans this store does not hold (the span was recorded elsewhere), or on the whole trace.
        let elsewhere = summary.scores.filter { !$0.spanRecorded }
        if !elsewhere.isEmpty {
            out += "\n" + terminal.styled("Scores on the whole trace, or on spans not recorded here:", .dim) + "\n"
            for score in elsewhere {
                let target = score.spanID.map { "(span \($0))" } ?? "(the trace)"
                out += "  " + scoreLine(score) + " " + terminal.styled(target, .dim) + "\n"
            }
        }
        return out
    }

    /// `nanos` as a position on a bar that `total` nanoseconds fill, within `-1...barWidth + 1` (0 when not a
    /// number).
    static func onBar(_ nanos: Double, of total: Int64) -> Double {
        let position = nanos / Double(total) * Double(barWidth)
        guard !position.isNaN else { return 0 }
        return min(max(position, -1), Double(barWidth + 1))
    }
}
