/// The local-first rule of ``NoveumTrace/initialize(apiKey:project:environment:endpoint:serviceVersion:config:)``:
/// with no API key and no OTLP endpoint configured, and no exporters named in code, traces are printed to the
/// console and appended to the local spool (``LocalSpoolExporter``), where `noveum-trace` finds them.
///
/// Set `NOVEUM_LOCAL=0` (or `false`) to keep only the console.
enum LocalFirstDefault {
    /// The variables that configure an OTLP endpoint.
    static let otlpEndpointVariables = ["OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "OTEL_EXPORTER_OTLP_ENDPOINT"]

    /// The exporters `initialize` uses when the configuration names none, or nil to keep the client's default.
    static func exporters(apiKey: String?, environment: [String: String]) -> [any SpanExporter]? {
        let env = EnvironmentReader(environment)
        if let apiKey, !apiKey.isEmpty { return nil }
        if env.string("NOVEUM_API_KEY") != nil { return nil }
        if otlpEndpointVariables.contains(where: { env.string($0) != nil }) { return nil }
        if let flag = env.string("NOVEUM_LOCAL")?.lowercased(), ["0", "false", "no", "off"].contains(flag) {
            return nil
        }
        return [ConsoleExporter(), LocalSpoolExporter(directory: .resolve(environment: environment))]
    }
}
