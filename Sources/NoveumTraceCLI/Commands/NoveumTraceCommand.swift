import ArgumentParser

/// `noveum-trace`: local traces without an account. Record an example with `demo`, then `list`, `show`, `tail`,
/// `stats`, `export`, `prune`, or browse them with `serve`;
/// `collect` receives OTLP traces from any OpenTelemetry SDK into the same store.
public struct NoveumTraceCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "noveum-trace",
        abstract: "Local traces: record, list, show, follow, summarise, export and browse them.",
        discussion: """
            Traces recorded with no API key and no OTLP endpoint go to the local folder (NOVEUM_LOCAL_DIR, default \
            .noveum): every command first ingests what the SDK appended there. Start with `noveum-trace demo`.
            """,
        subcommands: [
            DemoCommand.self, ListCommand.self, ShowCommand.self, TailCommand.self, StatsCommand.self,
            ExportCommand.self, PruneCommand.self, ServeCommand.self, CollectCommand.self, ScoreCommand.self,
        ])

    /// Creates the command (ArgumentParser fills it from the command line).
    public init() {}
}

extension NoveumTraceCommand {
    /// Parses `arguments` and runs the chosen subcommand, throwing its error: how tests run the command in-process.
    public static func run(arguments: [String]) async throws {
        var command = try parseAsRoot(arguments)
        if var asyncCommand = command as? any AsyncParsableCommand {
            try await asyncCommand.run()
        } else {
            try command.run()
        }
    }

    /// Runs the command line of this process; on error prints it (with help for usage errors) and exits non-zero.
    public static func runFromCommandLine() async {
        do {
            try await run(arguments: Array(CommandLine.arguments.dropFirst()))
        } catch {
            exit(withError: error)
        }
    }
}
