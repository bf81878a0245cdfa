import ArgumentParser
import NoveumTraceStore

struct StatsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stats",
        abstract: "Calls, error rate, p50/p95/p99 latency, tokens and cost by model and by operation.")

    @OptionGroup var store: StoreOptions
    @Option(help: "Only spans started since: an age (30m, 2h, 7d) or a time.") var since: String?
    @Option(help: "Rows per table.") var limit: Int = 20
    @Flag(help: "Print JSON for scripts.") var json = false

    func run() async throws {
        let terminal = Terminal.current
        let report = try store.openStore().stats(sinceNanos: try since.map { try TimeSpec.nanos($0) }, limit: limit)
        if json {
            terminal.line(try Format.json(report))
        } else {
            terminal.write(StatsView.render(report, terminal))
        }
    }
}
