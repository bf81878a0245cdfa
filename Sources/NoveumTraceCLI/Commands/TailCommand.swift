import ArgumentParser
import NoveumTraceStore

struct TailCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tail", abstract: "Follow new traces live, as the SDK records them.")

    @OptionGroup var store: StoreOptions
    @Option(help: "Print the last N traces first.") var last: Int = 5
    @Option(help: "How often to look for new traces, in milliseconds.") var interval: Int = 500
    @Option(help: .hidden) var stopAfter: Int?
    @Flag(help: "Print one JSON object per line.") var json = false

    func run() async throws {
        let terminal = Terminal.current
        guard interval > 0 else { throw CLIError("--interval must be positive") }
        let traceStore = try store.openStore(create: true)
        var sequence = max(0, try traceStore.latestSequence() - Int64(max(0, last)))
        var printed = 0
        if !json { terminal.line(TraceListView.header(terminal)) }
        while !Task.isCancelled {
            try traceStore.ingestSpool()
            for trace in try traceStore.traces(updatedAfter: sequence) {
                sequence = max(sequence, trace.sequence)
                if json {
                    terminal.line(try Format.json(trace, pretty: false))
                } else {
                    terminal.line(TraceListView.row(trace, terminal))
                }
                printed += 1
            }
            if let stopAfter, printed >= stopAfter { return }
            try await Task.sleep(for: .milliseconds(interval))
        }
    }
}
