import Foundation
import NoveumTraceStore

/// The tables `stats` prints.
enum StatsView {
    static func render(_ report: StatsReport, _ terminal: Terminal) -> String {
        var out = terminal.styled("\(report.traceCount) traces", .bold)
        if let since = report.sinceNanos { out += " since " + Format.time(nanos: since) }
        out += "\n"
        out += table("BY MODEL", report.byModel, terminal)
        out += table("BY OPERATION", report.byOperation, terminal)
        if !report.scoresByModel.isEmpty {
            out += scores("SCORES BY MODEL", report.scoresByModel, terminal)
            out += scores("SCORES BY OPERATION", report.scoresByOperation, terminal)
        }
        return out
    }

    /// Each score's count, average and pass rate per group.
    private static func scores(_ title: String, _ summaries: [ScoreSummary], _ terminal: Terminal) -> String {
        var out = "\n" + terminal.styled(title, .bold) + "\n"
        out += terminal.styled(
            "  " + Format.cell("SCORE", 22) + Format.cell("", 30) + Format.cell("COUNT", 8, right: true)
                + Format.cell("AVERAGE", 10, right: true) + Format.cell("PASS RATE", 11, right: true), .dim) + "\n"
        for summary in summaries {
            let average = summary.average.map { String(format: "%.3f", $0) } ?? "-"
            let passRate = summary.booleans > 0 ? Format.percent(Double(summary.passed) / Double(summary.booleans)) : "-"
            out += "  " + Format.cell(summary.name, 22) + Format.cell(summary.group ?? "(none)", 30)
                + Format.cell(String(summary.count), 8, right: true) + Format.cell(average, 10, right: true)
                + Format.cell(passRate, 11, right: true) + "\n"
        }
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
