import ArgumentParser
import Hummingbird
import Logging
import NoveumTraceStore

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Browse the local traces in a web viewer (127.0.0.1 only unless --host is given).",
        discussion: """
            The viewer is one self-contained page (no CDN, works offline) and a JSON API under /api/. It binds to \
            127.0.0.1 unless --host names another address, and answers only requests whose Host header is a \
            loopback name (DNS-rebinding protection); --allow-host adds names.
            """)

    @OptionGroup var store: StoreOptions
    @Option(help: "The address to bind (default 127.0.0.1; anything else must be asked for here).")
    var host: String?
    @Option(help: "The port (0: any free port).") var port: Int = 7007
    @Option(name: .customLong("allow-host"), help: "Also answer requests with this Host name (repeatable; * for any).")
    var allowHosts: [String] = []

    func run() async throws {
        let terminal = Terminal.current
        let bindHost = host ?? "127.0.0.1"
        guard (0...65_535).contains(port) else { throw CLIError("--port must be within 0...65535") }
        let traceStore = try store.openStore(create: true)
        if !LoopbackHost.isLoopback(bindHost.lowercased().trimmingCharacters(in: ["[", "]"])) {
            terminal.line(
                terminal.styled("warning: ", .yellow) + "binding \(bindHost): anyone who can reach this address can "
                    + "read your traces. Requests must still name an allowed host (--allow-host).")
        }
        var logger = Logger(label: "noveum-trace.serve")
        logger.logLevel = .warning
        let app = Application(
            router: ViewerAPI.router(store: traceStore, allowedHosts: allowHosts),
            configuration: .init(address: .hostname(bindHost, port: port), serverName: "noveum-trace"),
            onServerRunning: { channel in
                let bound = channel.localAddress?.port ?? port
                let shown = bindHost.contains(":") ? "[\(bindHost)]" : bindHost
                terminal.line("Viewing \(traceStore.path) at " + terminal.styled("http://\(shown):\(bound)/", .bold)
                    + " (Ctrl-C to stop)")
            }, logger: logger)
        try await app.runService()
    }
}
