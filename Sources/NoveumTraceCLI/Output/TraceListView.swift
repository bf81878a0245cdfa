import NoveumTraceStore

/// The table `list` and `tail` print: one line per trace.
enum TraceListView {
    static func header(_ terminal: Terminal) -> String {
        terminal.styled(
            Format.cell("TRACE", 12) + "  " + Format.cell("STARTED", 19) + "  " + Format.cell("NAME", 34) + "  "
                + Format.cell("STATUS", 6) + "  " + Format.cell("DURATION", 9, right: true) + "  "
                + Format.cell("SPANS", 5, right: true) + "  " + Format.cell("MODEL", 16) + "  "
                + Format.cell("TOKENS", 11, right: true) + "  " + Format.cell("COST", 9, right: true) + "  SESSION",
            .bold)
    }

    static func row(_ trace: TraceSummary, _ terminal: Terminal) -> String {
        let failed = trace.status == "error"
        let status = terminal.styled(Format.cell(failed ? "error" : "ok", 6), failed ? .boldRed : .green)
        return terminal.styled(Format.cell(String(trace.traceID.prefix(12)), 12), .cyan) + "  "
            + Format.cell(Format.time(nanos: trace.startNanos), 19) + "  " + Format.cell(trace.name, 34) + "  "
            + status + "  " + Format.cell(Format.duration(nanos: trace.durationNanos), 9, right: true) + "  "
            + Format.cell(String(trace.spanCount), 5, right: true) + "  " + Format.cell(trace.model ?? "-", 16) + "  "
            + Format.cell(Format.tokens(trace.inputTokens, trace.outputTokens), 11, right: true) + "  "
            + Format.cell(trace.cost > 0 ? Format.cost(trace.cost) : "-", 9, right: true) + "  "
            + (trace.sessionID ?? "-")
            + (trace.scores.isEmpty ? "" : "  " + terminal.styled(scores(trace.scores), .magenta))
    }

    /// The trace's scores, one per name (the latest), as `relevance 0.82, thumbs_up pass`.
    static func scores(_ scores: [StoredScore]) -> String {
        var latest: [String: StoredScore] = [:]
        var names: [String] = []
        for score in scores {
            if latest[score.name] == nil { names.append(score.name) }
            latest[score.name] = score
        }
        return names.compactMap { latest[$0].map(Format.score) }.joined(separator: ", ")
    }
}
