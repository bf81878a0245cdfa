import ArgumentParser
import NoveumTrace
import NoveumTraceStore

/// `noveum-trace score`: records a late score (feedback) on a span of the local store, from a shell or another
/// process that has only the ids (a `traceparent`, or a trace id and a span id).
struct ScoreCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "score",
        abstract: "Score a recorded span later: a user's feedback, a reviewer's verdict.",
        discussion: """
            noveum-trace score 00-<trace id>-<span id>-01 --name thumbs_up --pass --source human
            noveum-trace score <trace id> --span <span id> --name relevance --value 0.4 --explanation "stale"
            """)

    @OptionGroup var store: StoreOptions
    @Argument(help: "A traceparent, or a 32-hex trace id (with --span).") var target: String
    @Option(help: "The evaluated span's 16-hex id, with a trace id.") var span: String?
    @Option(help: "The score's name.") var name: String
    @Option(help: "A numeric score.") var value: Double?
    @Flag(help: "A passing boolean score.") var pass = false
    @Flag(help: "A failing boolean score.") var fail = false
    @Option(help: "A categorical score (or, with --value, the number's label).") var label: String?
    @Option(help: "Who scored: human, llm_judge, rule, or your own.") var source: String = "human"
    @Option(help: "Why.") var explanation: String?

    func run() async throws {
        let score: Score
        switch (value, pass, fail, label) {
        case (let number?, false, false, _):
            score = .number(name, number, label: label, source: ScoreSource(rawValue: source), explanation: explanation)
        case (nil, true, false, nil), (nil, false, true, nil):
            score = .boolean(name, pass, source: ScoreSource(rawValue: source), explanation: explanation)
        case (nil, false, false, let category?):
            score = .category(name, category, source: ScoreSource(rawValue: source), explanation: explanation)
        default:
            throw CLIError("give exactly one of --value, --pass, --fail or --label")
        }
        let traceID: TraceID
        let spanID: SpanID?
        if let context = TraceParent.parse(target) {
            (traceID, spanID) = (context.traceID, context.spanID)
        } else if let id = TraceID(hex: target) {
            traceID = id
            spanID = try span.map { text in
                guard let id = SpanID(hex: text) else { throw CLIError("--span must be 16 hex digits, got \"\(text)\"") }
                return id
            }
        } else {
            throw CLIError("the target must be a traceparent or a 32-hex trace id, got \"\(target)\"")
        }
        let directory = store.directory
        let client = try NoveumClient(
            project: "noveum-trace", config: Configuration(exporters: [LocalSpoolExporter(directory: directory)]))
        client.score(score, traceID: traceID, spanID: spanID)
        await client.shutdown()
        let stored = try store.openStore(create: true).scores(trace: traceID.description)
        Terminal.current.line("scored \(traceID)\(spanID.map { " span \($0)" } ?? ""): \(name) (\(stored.count) scores on the trace)")
    }
}
