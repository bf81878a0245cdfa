/// Which exporters a client uses when its configuration names none, and which settings that choice leaves unread.
///
/// | Configured | Exporters |
/// |---|---|
/// | An API key (argument or `NOVEUM_API_KEY`) | ``NoveumExporter`` |
/// | `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` or `OTEL_EXPORTER_OTLP_ENDPOINT` | ``OTLPExporter``, next to Noveum when a key is set too |
/// | `OTEL_TRACES_EXPORTER` | `otlp` adds ``OTLPExporter`` (to `http://localhost:4318` unless an endpoint is set), `console` adds ``ConsoleExporter``, `none` adds nothing |
/// | none of these | ``ConsoleExporter``; through ``NoveumTrace/initialize(apiKey:project:environment:endpoint:serviceVersion:config:)`` also ``LocalSpoolExporter`` (under `NOVEUM_LOCAL_DIR`, default `.noveum`) unless `NOVEUM_LOCAL=0` |
///
/// A configuration that names its exporters in code uses exactly those.
enum DefaultExporters {
    /// The variables that name an OTLP endpoint.
    static let otlpEndpointVariables = ["OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "OTEL_EXPORTER_OTLP_ENDPOINT"]

    /// The OTLP exporter's other variables: read only when an OTLP exporter exists.
    static let otlpSettingVariables = [
        "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", "OTEL_EXPORTER_OTLP_PROTOCOL", "OTEL_EXPORTER_OTLP_TRACES_HEADERS",
        "OTEL_EXPORTER_OTLP_HEADERS", "OTEL_EXPORTER_OTLP_TRACES_COMPRESSION", "OTEL_EXPORTER_OTLP_COMPRESSION",
        "OTEL_EXPORTER_OTLP_TRACES_TIMEOUT", "OTEL_EXPORTER_OTLP_TIMEOUT",
    ]

    /// The local spool's variables.
    static let localVariables = ["NOVEUM_LOCAL", "NOVEUM_LOCAL_DIR"]

    /// What `OTEL_TRACES_EXPORTER` asks for.
    struct OTelRequest: Equatable {
        var otlp = false
        var console = false
        /// Values this SDK has no exporter for (`zipkin`, `jaeger`, ...).
        var unknown: [String] = []
    }

    /// The exporters for `settings` and `environment`.
    ///
    /// - Parameter localFirst: whether a client with nothing configured also writes the local spool (true for the
    ///   global client of `initialize`).
    /// - Throws: ``NoveumTraceError/invalidConfiguration(_:)`` for an OTLP variable that is not valid.
    static func exporters(
        settings: ClientSettings, environment: [String: String], localFirst: Bool
    ) throws(NoveumTraceError) -> [any SpanExporter] {
        let env = EnvironmentReader(environment)
        var exporters: [any SpanExporter] = []
        if settings.hasAPIKey { exporters.append(NoveumExporter()) }
        if let request = otelRequest(env) {
            // OTEL_TRACES_EXPORTER decides the OpenTelemetry side; `none` with no API key exports nothing.
            if request.otlp { exporters.append(try OTLPExporter(OTLPExporter.Configuration(), environment: environment)) }
            if request.console { exporters.append(ConsoleExporter()) }
            return exporters
        }
        if hasOTLPEndpoint(env) {
            exporters.append(try OTLPExporter(OTLPExporter.Configuration(), environment: environment))
        }
        guard exporters.isEmpty else { return exporters }
        return localFirst && localSpoolEnabled(env)
            ? [ConsoleExporter(), LocalSpoolExporter(directory: .resolve(environment: environment))]
            : [ConsoleExporter()]
    }

    /// The settings in `environment` that nothing will read, as one sentence each; `initialize` logs them as one
    /// warning.
    static func unusedSettings(
        settings: ClientSettings, environment: [String: String], exportersInCode: Bool, localFirst: Bool
    ) -> [String] {
        let env = EnvironmentReader(environment)
        let set = { (names: [String]) in names.filter { env.string($0) != nil } }
        var unused: [String] = []
        if exportersInCode {
            let otel = set(otlpEndpointVariables + ["OTEL_TRACES_EXPORTER"])
            if !otel.isEmpty {
                unused.append(
                    "\(otel.joined(separator: ", ")) is set, but the configuration names its exporters, so it is not used (add an OTLPExporter to `exporters` to send OTLP)")
            }
            let local = set(localVariables)
            if !local.isEmpty {
                unused.append(
                    "\(local.joined(separator: ", ")) is set, but the configuration names its exporters, so no local spool is written (add a LocalSpoolExporter to `exporters`)")
            }
            return unused
        }
        let request = otelRequest(env)
        if let unknown = request?.unknown, !unknown.isEmpty {
            unused.append(
                "OTEL_TRACES_EXPORTER names \(unknown.joined(separator: ", ")), which this SDK does not provide (it knows otlp, console, none)")
        }
        let sendsOTLP = request?.otlp ?? hasOTLPEndpoint(env)
        if !sendsOTLP {
            let otlp = set(otlpSettingVariables + (request == nil ? [] : otlpEndpointVariables))
            if !otlp.isEmpty {
                unused.append(
                    "\(otlp.joined(separator: ", ")) is set, but no OTLP exporter is configured (set OTEL_EXPORTER_OTLP_ENDPOINT to send OTLP)")
            }
        }
        if !settings.hasAPIKey, env.string("NOVEUM_ENDPOINT") != nil {
            unused.append("NOVEUM_ENDPOINT is set, but there is no API key (NOVEUM_API_KEY), so nothing is sent to Noveum")
        }
        let writesSpool = localFirst && !settings.hasAPIKey && !sendsOTLP && request == nil && localSpoolEnabled(env)
        if !writesSpool, env.string("NOVEUM_LOCAL_DIR") != nil {
            unused.append(
                "NOVEUM_LOCAL_DIR is set, but traces go \(settings.hasAPIKey || sendsOTLP ? "to a backend" : "elsewhere"), so no local spool is written")
        }
        return unused
    }

    static func hasOTLPEndpoint(_ env: EnvironmentReader) -> Bool {
        otlpEndpointVariables.contains { env.string($0) != nil }
    }

    static func localSpoolEnabled(_ env: EnvironmentReader) -> Bool {
        guard let flag = env.string("NOVEUM_LOCAL")?.lowercased() else { return true }
        return !["0", "false", "no", "off"].contains(flag)
    }

    /// `OTEL_TRACES_EXPORTER` as a comma-separated list, or nil when it is unset.
    static func otelRequest(_ env: EnvironmentReader) -> OTelRequest? {
        guard let raw = env.string("OTEL_TRACES_EXPORTER") else { return nil }
        var request = OTelRequest()
        for item in raw.split(separator: ",") {
            switch String(item).trimmingWhitespace().lowercased() {
            case "otlp": request.otlp = true
            case "console", "logging": request.console = true
            case "none", "": break
            case let other: request.unknown.append(other)
            }
        }
        return request
    }
}
