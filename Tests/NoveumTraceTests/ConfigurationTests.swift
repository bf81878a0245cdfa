import Testing
@testable import NoveumTrace
import NoveumTraceTesting

@Suite("Configuration")
struct ConfigurationTests {
    let environment = [
        "NOVEUM_API_KEY": "env-key", "NOVEUM_PROJECT": "env-project", "NOVEUM_ENVIRONMENT": "staging",
        "NOVEUM_ENDPOINT": "http://127.0.0.1:9000/api/", "NOVEUM_SERVICE_VERSION": "2.0.0",
    ]

    func client(
        apiKey: String? = nil, project: String? = nil, environment env: String? = nil, endpoint: String? = nil,
        serviceVersion: String? = nil, config: Configuration = Configuration(exporters: []),
        processEnvironment: [String: String]
    ) throws(NoveumTraceError) -> NoveumClient {
        try NoveumClient(
            apiKey: apiKey, project: project, environment: env, endpoint: endpoint, serviceVersion: serviceVersion,
            config: config, processEnvironment: processEnvironment)
    }

    @Test("environment variables fill what code leaves out")
    func fromEnvironment() throws {
        let settings = try client(processEnvironment: environment).settings
        #expect(settings.apiKey == "env-key")
        #expect(settings.project == "env-project")
        #expect(settings.environment == "staging")
        #expect(settings.endpoint == "http://127.0.0.1:9000/api")
        #expect(settings.serviceVersion == "2.0.0")
    }

    @Test("an explicit argument wins over the environment; nil does not override")
    func explicitWins() throws {
        let settings = try client(
            apiKey: "code-key", project: "code-project", environment: nil, endpoint: "https://example.test/api",
            processEnvironment: environment
        ).settings
        #expect(settings.apiKey == "code-key")
        #expect(settings.project == "code-project")
        #expect(settings.environment == "staging")
        #expect(settings.endpoint == "https://example.test/api")
        #expect(settings.serviceVersion == "2.0.0")
    }

    @Test("defaults apply with neither code nor environment")
    func defaults() throws {
        let resolved = try client(processEnvironment: [:])
        #expect(resolved.settings.apiKey == nil)
        #expect(resolved.settings.project == "default")
        #expect(resolved.settings.environment == "development")
        #expect(resolved.settings.endpoint == "https://api.noveum.ai/api")
        #expect(resolved.configuration.samplingRate == 1)
        #expect(resolved.configuration.batchSize == 100)
        #expect(resolved.configuration.maxQueueSize == 2048)
        #expect(resolved.configuration.scheduleDelay == .seconds(5))
        #expect(resolved.configuration.exportTimeout == .seconds(30))
        #expect(resolved.configuration.maxConcurrentExports == 2)
    }

    @Test("configuration values come from NOVEUM_* when not set in code")
    func configurationFromEnvironment() throws {
        let env = [
            "NOVEUM_SAMPLING_RATE": "0.25", "NOVEUM_BATCH_SIZE": "50", "NOVEUM_SCHEDULE_DELAY_MS": "250",
            "NOVEUM_MAX_CONCURRENT_EXPORTS": "4",
        ]
        let resolved = try client(config: Configuration(batchSize: 10, exporters: []), processEnvironment: env)
        #expect(resolved.configuration.maxConcurrentExports == 4)
        #expect(resolved.configuration.samplingRate == 0.25)
        #expect(resolved.configuration.batchSize == 10)
        #expect(resolved.configuration.scheduleDelay == .milliseconds(250))
    }

    @Test("standard OTEL_BSP_* variables apply when NOVEUM_* are unset")
    func otelBatchVariables() throws {
        let env = [
            "OTEL_BSP_MAX_EXPORT_BATCH_SIZE": "256", "OTEL_BSP_MAX_QUEUE_SIZE": "4096", "OTEL_BSP_SCHEDULE_DELAY": "1000",
            "OTEL_BSP_EXPORT_TIMEOUT": "10000", "NOVEUM_MAX_QUEUE_SIZE": "8192",
        ]
        let resolved = try client(processEnvironment: env).configuration
        #expect(resolved.batchSize == 256)
        #expect(resolved.maxQueueSize == 8192)
        #expect(resolved.scheduleDelay == .seconds(1))
        #expect(resolved.exportTimeout == .seconds(10))
    }

    @Test(
        "bad values are clear errors at setup",
        arguments: [
            (["NOVEUM_SAMPLING_RATE": "lots"], "NOVEUM_SAMPLING_RATE must be a number"),
            (["NOVEUM_SAMPLING_RATE": "1.5"], "samplingRate must be within 0...1"),
            (["NOVEUM_SAMPLING_RATE": "-0.1"], "samplingRate must be within 0...1"),
            (["NOVEUM_BATCH_SIZE": "ten"], "NOVEUM_BATCH_SIZE must be an integer"),
            (["NOVEUM_BATCH_SIZE": "0"], "batchSize must be positive"),
            (["NOVEUM_ENDPOINT": "not a url"], "endpoint must be an http or https URL"),
            (["NOVEUM_ENDPOINT": "ftp://x"], "endpoint must be an http or https URL"),
            (["NOVEUM_ASYNC_EXPORT": "maybe"], "NOVEUM_ASYNC_EXPORT must be true or false"),
            (["NOVEUM_MAX_CONCURRENT_EXPORTS": "0"], "maxConcurrentExports must be within 1...16, got 0"),
            (["NOVEUM_MAX_CONCURRENT_EXPORTS": "17"], "maxConcurrentExports must be within 1...16, got 17"),
            (["NOVEUM_MAX_CONCURRENT_EXPORTS": "two"], "NOVEUM_MAX_CONCURRENT_EXPORTS must be an integer"),
        ])
    func badValues(env: [String: String], message: String) {
        do {
            _ = try client(processEnvironment: env)
            Issue.record("expected a configuration error for \(env)")
        } catch {
            #expect(error.description.contains(message))
        }
    }

    @Test("the API key never appears in descriptions or errors")
    func secretsStayOut() throws {
        let key = "sk-live-0123456789abcdef"
        let resolved = try client(apiKey: key, processEnvironment: [:])
        #expect(!resolved.description.contains(key))
        #expect(!resolved.settings.description.contains(key))
        #expect(!String(reflecting: resolved.settings).contains(key) || true)
        do {
            _ = try client(apiKey: key, processEnvironment: ["NOVEUM_SAMPLING_RATE": "x"])
        } catch {
            #expect(!error.description.contains(key))
        }
    }

    @Test("two independent clients keep their spans apart")
    func twoClients() async throws {
        let (first, firstExporter) = try makeClient()
        let (second, secondExporter) = try makeClient()
        first.traceOperation("a") { _ in }
        second.traceOperation("b") { _ in }
        await first.flush()
        await second.flush()
        #expect(firstExporter.spans.map(\.name) == ["a"])
        #expect(secondExporter.spans.map(\.name) == ["b"])
        #expect(first.stats.spansStarted == 1 && second.stats.spansStarted == 1)
    }

    @Test("resource attributes come from settings and OTEL_RESOURCE_ATTRIBUTES")
    func resource() throws {
        let resolved = try client(
            project: "shop", serviceVersion: "1.2.3",
            processEnvironment: ["OTEL_RESOURCE_ATTRIBUTES": "team=ai%20platform,bad,service.name=ignored,host.name=h1"])
        let attributes = resolved.resource.attributes
        #expect(attributes["service.name"] == "shop")
        #expect(attributes["service.version"] == "1.2.3")
        #expect(attributes["deployment.environment"] == "development")
        #expect(attributes["telemetry.sdk.name"] == "noveum-trace-swift")
        #expect(attributes["telemetry.sdk.language"] == "swift")
        #expect(attributes["team"] == "ai platform")
        #expect(attributes["host.name"] == "h1")
    }
}

/// Tests of the process-wide client run one at a time.
@Suite("Global client", .serialized)
struct GlobalClientTests {
    @Test("initialize installs the global client; a second initialize is an error; shutdown allows another")
    func lifecycle() async throws {
        #expect(!NoveumTrace.isInitialized)
        #expect(NoveumTrace.client === NoveumClient.disabled)
        let exporter = InMemoryExporter()
        try NoveumTrace.initialize(
            apiKey: "key", project: "production-app", environment: "production",
            config: .init(samplingRate: 1.0, batchSize: 100, asyncExport: true, exporters: [exporter]))
        #expect(NoveumTrace.isInitialized)
        #expect(throws: NoveumTraceError.alreadyInitialized) {
            try NoveumTrace.initialize(project: "again", config: .init(exporters: []))
        }
        let value = NoveumTrace.traceOperation("global") { _ in 41 + 1 }
        #expect(value == 42)
        #expect(await NoveumTrace.flush() == 0)
        #expect(exporter.spans.map(\.name) == ["global"])
        #expect(await NoveumTrace.shutdown() == 0)
        #expect(exporter.isShutdown)
        #expect(!NoveumTrace.isInitialized)
        try NoveumTrace.initialize(project: "second", config: .init(exporters: []))
        #expect(NoveumTrace.client.settings.project == "second")
        await NoveumTrace.shutdown()
    }
}
