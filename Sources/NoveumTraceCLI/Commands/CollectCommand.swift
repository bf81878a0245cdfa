import ArgumentParser
import Foundation
import Hummingbird
import NoveumTraceStore

struct CollectCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "collect",
        abstract: "Receive OTLP/HTTP traces from any OpenTelemetry SDK into the local store (127.0.0.1:4318).",
        discussion: """
            Point any OpenTelemetry SDK at it with OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:4318 (Python, \
            TypeScript, Go, Java, Swift): spans arrive in the same store that list, show, stats and serve read, \
            each with its service. Protobuf and JSON, gzip or not. Requests beyond the limits are answered 429 or \
            503 with Retry-After, bodies past --max-body 413, malformed bodies 400, and nothing of them is stored.

            It binds to 127.0.0.1 unless --host names another address; bound elsewhere, every request needs the \
            access token printed at start (exporters: OTEL_EXPORTER_OTLP_HEADERS=Authorization=Bearer%20TOKEN).
            """)

    @OptionGroup var store: StoreOptions
    @OptionGroup var server: ServerOptions
    @Option(help: "The port (0: any free port).") var port: Int = 4318
    @Option(help: "The largest request body accepted, in bytes (after gzip decoding: four times this).")
    var maxBody: Int = 8 << 20
    @Option(help: "Decoded spans allowed to wait for the store before senders are asked to retry.")
    var maxQueuedSpans: Int = 50_000

    func run() async throws {
        let terminal = Terminal.current
        try server.validate(port: port)
        guard maxBody > 0, maxQueuedSpans > 0 else { throw CLIError("--max-body and --max-queued-spans must be positive") }
        let traceStore = try store.openStore(create: true)
        let token = server.accessToken(environment: ProcessInfo.processInfo.environment)
        let receiver = OTLPReceiver(
            store: traceStore,
            limits: .init(maxBodyBytes: maxBody, maxDecodedBytes: maxBody.multipliedReportingOverflow(by: 4).overflow
                ? Int.max : maxBody * 4, maxQueuedSpans: maxQueuedSpans))
        let router = Router()
        ServerOptions.protect(router, allowedHosts: server.allowHosts, token: token)
        OTLPRoute.add(to: router, receiver: receiver)
        try await server.run(router, port: port, label: "noveum-trace.collect") { base in
            terminal.line(
                "Receiving OTLP traces into \(traceStore.path) at " + terminal.styled("\(base)/v1/traces", .bold)
                    + " (Ctrl-C to stop)")
            if let token {
                terminal.line("Access token: \(token)  (OTEL_EXPORTER_OTLP_HEADERS=Authorization=Bearer%20\(token))")
            }
        }
        let counts = receiver.counts
        terminal.line(
            "Received \(counts.acceptedSpans) spans in \(counts.acceptedRequests) requests"
                + (counts.rejectedSpans > 0 ? ", \(counts.rejectedSpans) spans rejected" : "")
                + (counts.malformedRequests + counts.oversizedRequests + counts.unsupportedRequests > 0
                    ? ", \(counts.malformedRequests + counts.oversizedRequests + counts.unsupportedRequests) requests refused as invalid" : "")
                + (counts.refusedRequests > 0 ? ", \(counts.refusedRequests) asked to retry" : "") + ".")
    }
}
