import Logging
import NoveumTraceTestSupport
import NoveumTraceTesting
import Testing

@testable import NoveumTrace

/// Which exporters a client with none in code gets, and which settings it warns are unread.
@Suite("Default exporters")
struct DefaultExportersTests {
    func settings(apiKey: String? = nil, environment: [String: String] = [:]) throws -> ClientSettings {
        try ClientSettings(
            apiKey: apiKey, project: "p", environment: nil, endpoint: nil, serviceVersion: nil,
            processEnvironment: environment)
    }

    func names(apiKey: String? = nil, _ environment: [String: String], localFirst: Bool = true) throws -> [String] {
        try DefaultExporters.exporters(
            settings: settings(apiKey: apiKey, environment: environment), environment: environment,
            localFirst: localFirst
        ).map(\.name)
    }

    func unused(
        apiKey: String? = nil, _ environment: [String: String], exportersInCode: Bool = false, localFirst: Bool = true
    ) throws -> [String] {
        DefaultExporters.unusedSettings(
            settings: try settings(apiKey: apiKey, environment: environment), environment: environment,
            exportersInCode: exportersInCode, localFirst: localFirst)
    }

    @Test("local first: nothing configured gives the console and the local spool; a plain client the console")
    func localFirst() throws {
        #expect(try names([:]) == ["console", "local"])
        #expect(try names([:], localFirst: false) == ["console"])
        #expect(try names(["NOVEUM_LOCAL": "0"]) == ["console"])
        #expect(try names(["NOVEUM_LOCAL": "off"]) == ["console"])
        let spool = try DefaultExporters.exporters(
            settings: settings(), environment: ["NOVEUM_LOCAL_DIR": "/tmp/x"], localFirst: true
        ).last
        #expect((spool as? LocalSpoolExporter)?.directory.path == "/tmp/x")
    }

    @Test("an API key sends to Noveum; an OTLP endpoint alone sends OTLP; both send to both")
    func backends() throws {
        #expect(try names(apiKey: "k", [:]) == ["noveum"])
        #expect(try names(["NOVEUM_API_KEY": "k"]) == ["noveum"])
        #expect(try names(["OTEL_EXPORTER_OTLP_ENDPOINT": "http://127.0.0.1:4318"]) == ["otlp"])
        #expect(try names(["OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "http://127.0.0.1:4318/v1/traces"]) == ["otlp"])
        #expect(try names(["NOVEUM_API_KEY": "k", "OTEL_EXPORTER_OTLP_ENDPOINT": "http://c:4318"]) == ["noveum", "otlp"])
        let otlp = try #require(
            try DefaultExporters.exporters(
                settings: settings(), environment: ["OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector:4318"],
                localFirst: true
            ).first as? OTLPExporter)
        #expect(otlp.settings.endpoint == "http://collector:4318/v1/traces")
    }

    @Test("OTEL_TRACES_EXPORTER: otlp, console and none as OpenTelemetry SDKs read them")
    func otelTracesExporter() throws {
        #expect(try names(["OTEL_TRACES_EXPORTER": "otlp"]) == ["otlp"])
        #expect(try names(["OTEL_TRACES_EXPORTER": "otlp,console"]) == ["otlp", "console"])
        #expect(try names(["OTEL_TRACES_EXPORTER": "none", "OTEL_EXPORTER_OTLP_ENDPOINT": "http://c:4318"]) == [])
        #expect(try names(["OTEL_TRACES_EXPORTER": "none", "NOVEUM_API_KEY": "k"]) == ["noveum"])
        #expect(try names(["OTEL_TRACES_EXPORTER": "zipkin"]) == [])
    }

    @Test("an OTLP variable that is not valid is a configuration error naming it")
    func invalidOTLPVariable() throws {
        #expect(throws: NoveumTraceError.invalidConfiguration(
            "OTEL_EXPORTER_OTLP_ENDPOINT must be an http or https URL, got \"collector:4318\"")) {
            try names(["OTEL_EXPORTER_OTLP_ENDPOINT": "collector:4318"])
        }
    }

    @Test("settings nothing reads are named, and nothing is named when every setting is used")
    func unusedSettings() throws {
        #expect(try unused([:]).isEmpty)
        #expect(try unused(["OTEL_EXPORTER_OTLP_ENDPOINT": "http://c:4318", "OTEL_EXPORTER_OTLP_HEADERS": "a=b"]).isEmpty)
        #expect(try unused(apiKey: "k", ["NOVEUM_ENDPOINT": "http://127.0.0.1:1/api"]).isEmpty)
        #expect(try unused(["NOVEUM_LOCAL_DIR": "/tmp/x"]).isEmpty)

        #expect(
            try unused(["OTEL_EXPORTER_OTLP_ENDPOINT": "http://c:4318"], exportersInCode: true) == [
                "OTEL_EXPORTER_OTLP_ENDPOINT is set, but the configuration names its exporters, so it is not used (add an OTLPExporter to `exporters` to send OTLP)"
            ])
        #expect(
            try unused(["NOVEUM_LOCAL_DIR": "/tmp/x"], exportersInCode: true) == [
                "NOVEUM_LOCAL_DIR is set, but the configuration names its exporters, so no local spool is written (add a LocalSpoolExporter to `exporters`)"
            ])
        #expect(
            try unused(["OTEL_EXPORTER_OTLP_HEADERS": "a=b"]) == [
                "OTEL_EXPORTER_OTLP_HEADERS is set, but no OTLP exporter is configured (set OTEL_EXPORTER_OTLP_ENDPOINT to send OTLP)"
            ])
        #expect(
            try unused(["NOVEUM_ENDPOINT": "http://127.0.0.1:1/api"]) == [
                "NOVEUM_ENDPOINT is set, but there is no API key (NOVEUM_API_KEY), so nothing is sent to Noveum"
            ])
        #expect(
            try unused(apiKey: "k", ["NOVEUM_LOCAL_DIR": "/tmp/x"]) == [
                "NOVEUM_LOCAL_DIR is set, but traces go to a backend, so no local spool is written"
            ])
        #expect(
            try unused(["OTEL_TRACES_EXPORTER": "zipkin,otlp"]) == [
                "OTEL_TRACES_EXPORTER names zipkin, which this SDK does not provide (it knows otlp, console, none)"
            ])
    }

    @Test("a client logs the unread settings once, as one warning")
    func oneWarning() async throws {
        let logs = LogCapture()
        let client = try NoveumClient(
            apiKey: nil, project: "p", environment: nil, endpoint: nil, serviceVersion: nil,
            config: Configuration(exporters: [InMemoryExporter()], logger: logs.logger),
            processEnvironment: ["OTEL_EXPORTER_OTLP_ENDPOINT": "http://c:4318", "NOVEUM_LOCAL": "1"])
        let warnings = logs.at(.warning)
        #expect(warnings.count == 1)
        #expect(warnings.first?.message.hasPrefix("NoveumTrace: configuration that has no effect: OTEL_EXPORTER_OTLP_ENDPOINT is set") == true)
        #expect(warnings.first?.message.contains("NOVEUM_LOCAL is set") == true)
        await client.shutdown()
    }
}
