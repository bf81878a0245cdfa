import ArgumentParser
import Foundation
import NoveumTrace
import NoveumTraceStore

struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Run a traced example AI workflow, record it locally, and show it.",
        discussion: """
            The workflow enhances a query with an LLM, runs a vector search, generates an answer with the retrieved \
            context, and makes a tool call that fails; a rule scores the answer (context_overlap) and a simulated \
            user gives feedback (user_feedback: pass, pass, fail). It uses a built-in deterministic model, or a real \
            OpenAI-compatible endpoint when OPENAI_BASE_URL or OPENAI_API_KEY is set.
            """)

    @OptionGroup var store: StoreOptions
    @Option(help: "How many times to run the workflow.") var runs: Int = 1
    @Option(help: "Instead of the workflow, fill the store with this many synthetic traces (for benchmarks).")
    var synthetic: Int?
    @Flag(help: "Use the built-in model even when OPENAI_BASE_URL or OPENAI_API_KEY is set.") var offline = false
    @Flag(name: .customLong("no-latency"), help: .hidden) var noLatency = false
    @Flag(name: .customLong("via-spool"), help: "Record through the spool, as an app with no API key does, then ingest.")
    var viaSpool = false
    @Flag(help: "Do not print the trace.") var quiet = false
    @Flag(help: "Print JSON for scripts.") var json = false

    func run() async throws {
        let terminal = Terminal.current
        let traceStore = try store.openStore(create: true)
        if let synthetic {
            guard synthetic > 0 else { throw CLIError("--synthetic must be positive") }
            let clock = ContinuousClock()
            let started = clock.now
            let spans = try SyntheticTraces.fill(
                traceStore, count: synthetic, nowNanos: UInt64(Date().timeIntervalSince1970 * 1e9)
            ) { done in
                if !json && !quiet && done % 20_000 == 0 { terminal.line("  \(done) traces…") }
            }
            let elapsed = clock.now - started
            if json {
                terminal.line(try Format.json(["traces": synthetic, "spans": spans]))
            } else {
                terminal.line("Wrote \(synthetic) synthetic traces (\(spans) spans) to \(traceStore.path) in \(elapsed).")
            }
            return
        }
        guard runs > 0 else { throw CLIError("--runs must be positive") }
        let environment = ProcessInfo.processInfo.environment
        let model: any ChatModel =
            (offline ? nil : OpenAICompatibleChatModel.fromEnvironment(environment))
            ?? DeterministicChatModel(simulateLatency: !noLatency)
        let exporter: any SpanExporter =
            viaSpool ? LocalSpoolExporter(directory: store.directory) : LocalStoreExporter(store: traceStore)
        let client = try NoveumClient(
            apiKey: nil, project: "demo", environment: "development",
            config: Configuration(scheduleDelay: .seconds(600), exporters: [exporter]))
        let workflow = DemoWorkflow(model: model)
        let queries = [
            "How does distributed tracing work?", "What should an LLM span record?", "Why sample traces?",
        ]
        var traceIDs: [String] = []
        for run in 0..<runs {
            let query = queries[run % queries.count]
            let result = try await workflow.run(
                query: query, session: "demo-session-\(run / 3 + 1)", user: "demo-user",
                feedback: run % queries.count != 2, client: client)
            traceIDs.append(result.traceID.description)
        }
        let undelivered = await client.shutdown(timeout: .seconds(30))
        guard undelivered == 0 else { throw CLIError("\(undelivered) spans could not be written to \(traceStore.path)") }
        if viaSpool { try traceStore.ingestSpool() }
        if json {
            terminal.line(try Format.json(["trace_ids": traceIDs]))
            return
        }
        if !quiet, let last = traceIDs.last {
            terminal.write(TraceTreeView.render(try traceStore.trace(last), terminal))
            terminal.line()
        }
        terminal.line(
            "Recorded \(runs) trace\(runs == 1 ? "" : "s") in \(store.directory.path). Next: "
                + terminal.styled("noveum-trace list", .bold) + ", " + terminal.styled("noveum-trace stats", .bold)
                + ", " + terminal.styled("noveum-trace serve", .bold) + ".")
    }
}
