import ArgumentParser
import NoveumTraceStore

struct ListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "List recorded traces, newest first.")

    @OptionGroup var store: StoreOptions
    @Option(help: "Only traces started since: an age (30m, 2h, 7d) or a time (2026-11-27T08:00:00Z).")
    var since: String?
    @Option(help: "ok or error.") var status: String?
    @Option(help: "Only traces whose name contains this text.") var name: String?
    @Option(help: "Only traces that called this model.") var model: String?
    @Option(help: "Only traces of this session id.") var session: String?
    @Option(help: "Only traces with a matching score: relevance<0.5, relevance>=0.8, thumbs_up=fail.")
    var score: String?
    @Option(help: "Order: newest, oldest, slowest, cost, tokens.") var sort: String = "newest"
    @Option(help: "Traces per page.") var limit: Int = 20
    @Option(help: "Page number, from 1.") var page: Int = 1
    @Flag(help: "Print JSON for scripts.") var json = false

    func run() async throws {
        let terminal = Terminal.current
        guard let order = TraceSort(rawValue: sort) else {
            throw CLIError("--sort must be one of \(TraceSort.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        guard limit > 0, page > 0 else { throw CLIError("--limit and --page must be positive") }
        let (offset, overflow) = (page - 1).multipliedReportingOverflow(by: limit)
        guard !overflow else { throw CLIError("--page \(page) with --limit \(limit) is beyond any store") }
        let scoreFilter = try score.map { try Self.scoreFilter($0, option: "--score") }
        let query = TraceQuery(
            sinceNanos: try since.map { try TimeSpec.nanos($0) }, status: status, name: name, model: model,
            session: session, score: scoreFilter, sort: order, limit: limit, offset: offset)
        let result = try store.openStore().traces(query)
        if json {
            terminal.line(try Format.json(result))
            return
        }
        if result.traces.isEmpty {
            terminal.line(result.total == 0 ? "No traces match." : "No traces on page \(page) (\(result.total) match).")
            return
        }
        terminal.line(TraceListView.header(terminal))
        for trace in result.traces { terminal.line(TraceListView.row(trace, terminal)) }
        let last = result.offset + result.traces.count
        var footer = "\(result.offset + 1)–\(last) of \(result.total)"
        if last < result.total { footer += " · next: --page \(page + 1)" }
        terminal.line(terminal.styled(footer, .dim))
    }

    /// `text` as a score filter, or an error naming `option` (`--score`, or the viewer's `score` parameter).
    static func scoreFilter(_ text: String, option: String) throws -> ScoreFilter {
        guard let filter = ScoreFilter(parsing: text) else {
            throw CLIError("\(option) must be NAME<N, NAME<=N, NAME>N, NAME>=N, NAME=N or NAME=LABEL, got \"\(text)\"")
        }
        return filter
    }
}
