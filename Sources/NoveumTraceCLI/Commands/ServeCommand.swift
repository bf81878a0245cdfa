import ArgumentParser
import Foundation
import Hummingbird
import NoveumTraceStore

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Browse the local traces in a web viewer that also receives OTLP traces (127.0.0.1 only by default).",
        discussion: """
            The viewer is one self-contained page (no CDN, works offline) and a JSON API under /api/. The same port \
            receives OTLP/HTTP traces at /v1/traces (protobuf or JSON, gzip or not), so any OpenTelemetry SDK can \
            export into the store: OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:7007. Use `collect` to run the \
            receiver alone on the standard port 4318.

            It binds to 127.0.0.1 unless --host names another address, and then answers only requests whose Host \
            header is a loopback name (DNS-rebinding protection; --allow-host adds names). Bound to any other \
            address, it requires an access token: a random one is printed at start (open the printed URL once; \
            exporters send Authorization: Bearer TOKEN).
            """)

    @OptionGroup var store: StoreOptions
    @OptionGroup var server: ServerOptions
    @Option(help: "The port (0: any free port).") var port: Int = 7007
    @Flag(inversion: .prefixedNo, help: "Receive OTLP/HTTP traces at /v1/traces.") var otlp = true

    func run() async throws {
        let terminal = Terminal.current
        try server.validate(port: port)
        let traceStore = try store.openStore(create: true)
        let token = server.accessToken(environment: ProcessInfo.processInfo.environment)
        let router = ViewerAPI.router(
            store: traceStore, allowedHosts: server.allowHosts, token: token,
            receiver: otlp ? OTLPReceiver(store: traceStore) : nil)
        if token != nil && server.isLoopback == false {
            terminal.line(
                terminal.styled("note: ", .yellow) + "bound to \(server.bindHost): every request needs the access "
                    + "token below (traces hold prompts and outputs).")
        }
        let receives = otlp
        try await server.run(router, port: port, label: "noveum-trace.serve") { base in
            let open = token.map { "\(base)/?token=\($0)" } ?? "\(base)/"
            terminal.line("Viewing \(traceStore.path) at " + terminal.styled(open, .bold) + " (Ctrl-C to stop)")
            if receives {
                terminal.line("Receiving OTLP traces at \(base)/v1/traces"
                    + (token.map { " (send Authorization: Bearer \($0))" } ?? ""))
            }
        }
    }
}
