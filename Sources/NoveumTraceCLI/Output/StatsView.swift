import NoveumTraceStore

/// The tables `stats` prints.
enum StatsView {
    static func render(_ report: StatsReport, _ terminal: Terminal) -> String {
        var out = terminal.styled("\(report.traceCount) traces", .bold)
        if let since = report.sinceNanos { out += " since " + Format.time(nanos: since) }
        out += "\n"
        out += table("BY MODEL", report.byModel, terminal)
        out += table("BY OPERATION", report.byOperation, terminal)
        return out
    }

    private static func table(_ title: String, _ groups: [StatsReport.Group], _ terminal: Terminal) -> String {
        var out = "\n" + terminal.styled(title, .bold) + "\n"
        guard !groups.isEmpty else { return out + "  (none)\n" }
        out += terminal.styled(
            "  " + Format.cell("", 34) + Format.cell("CALLS", 8, right: true) + Format.cell("ERRORS", 9, right: true)
                + Format.cell("P50", 10, right: true) + Format.cell("P95", 10, right: true)
                + Format.cell("P99", 10, right: true) + Format.cell("TOKENS IN", 11, right: true)
                + Format.cell("OUT", 10, right: true) + Format.cell("COST", 11, right: true), .dim) + "\n"
        for group in groups {
            let errors = Format.percent(group.errorRate)
            out += "  " + Format.cell(group.key, 34) + Format.cell(String(group.calls), 8, right: true)
                + (group.errors > 0
                    ? terminal.styled(Format.cell(errors, 9, right: true), .red) : Format.cell(errors, 9, right: true))
                + Format.cell(Format.duration(nanos: group.p50Nanos), 10, right: true)
                + Format.cell(Format.duration(nanos: group.p95Nanos), 10, right: true)
                + Format.cell(Format.duration(nanos: group.p99Nanos), 10, right: true)
                + Format.cell(String(group.inputTokens), 11, right: true)
                + Format.cell(String(group.outputTokens), 10, right: true)
                + Format.cell(group.cost > 0 ? Format.cost(group.cost) : "-", 11, right: true) + "\n"
        }
        return out
    }
}
