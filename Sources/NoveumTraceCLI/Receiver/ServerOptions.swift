import ArgumentParser
import Hummingbird
import Logging
import NoveumTraceStore

/// The address options `serve` and `collect` share, and how both start their server.
///
/// Both bind 127.0.0.1 unless `--host` names another address. On loopback no token is needed and only loopback
/// `Host` names are answered (DNS-rebinding protection; `--allow-host` adds names). Bound anywhere else, every
/// request must carry an access token (``AccessTokenMiddleware``): `--token`, else a random one printed at start.
struct ServerOptions: ParsableArguments {
    @Option(help: "The address to bind (default 127.0.0.1). Any other address requires the access token.")
    var host: String?
    @Option(name: .customLong("allow-host"), help: "Also answer requests with this Host name (repeatable; * for any).")
    var allowHosts: [String] = []
    @Option(
        help: ArgumentHelp(
            "The access token required off loopback (default: a random one, printed at start).",
            discussion: "Also read from NOVEUM_TRACE_TOKEN. On a loopback address, a token given here is required too."))
    var token: String?

    var bindHost: String { host ?? "127.0.0.1" }

    var isLoopback: Bool { LoopbackHost.isLoopback(bindHost.lowercased().trimmingCharacters(in: ["[", "]"])) }

    /// The token in force: the one given, else a random one when not on loopback, else none.
    func accessToken(environment: [String: String]) -> String? {
        if let token, !token.isEmpty { return token }
        if let token = environment["NOVEUM_TRACE_TOKEN"], !token.isEmpty { return token }
        return isLoopback ? nil : AccessTokenMiddleware<BasicRequestContext>.generate()
    }

    /// Adds the Host check and, when a token is in force, the token check, in front of every route.
    static func protect(_ router: Router<BasicRequestContext>, allowedHosts: [String], token: String?) {
        // A request that carries the token is not a rebinding attack (the attacker's page cannot know it), so with
        // a token any Host is answered: the machine's own address or name works without --allow-host.
        router.add(middleware: LoopbackHostMiddleware(allowedHosts: token == nil ? allowedHosts : ["*"]))
        if let token { router.add(middleware: AccessTokenMiddleware(token: token)) }
    }

    func validate(port: Int) throws {
        guard (0...65_535).contains(port) else { throw CLIError("--port must be within 0...65535") }
    }

    /// Runs `router` on the chosen address until Ctrl-C, calling `started` with the bound URL's base.
    func run(
        _ router: Router<BasicRequestContext>, port: Int, label: String,
        started: @escaping @Sendable (_ base: String) -> Void
    ) async throws {
        var logger = Logger(label: label)
        logger.logLevel = .warning
        let host = bindHost
        let app = Application(
            router: router, configuration: .init(address: .hostname(host, port: port), serverName: "noveum-trace"),
            onServerRunning: { channel in
                let bound = channel.localAddress?.port ?? port
                let shown = host.contains(":") ? "[\(host)]" : host
                started("http://\(shown):\(bound)")
            }, logger: logger)
        try await app.runService()
    }
}
