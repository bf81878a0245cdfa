import Logging

// `@testable` for the client initialiser that reads no environment variables. Only this file imports NoveumTrace
// so: its internal `[String: Any]` helpers would clash with the JSON helpers of NoveumTraceTestSupport.
@testable import NoveumTrace

/// A client that sends to `endpoint` through `exporters`, reading no environment variables, with a schedule delay
/// long enough that only full batches, `flush` and `shutdown` trigger exports.
func makeClient(
    endpoint: String, exporters: [any SpanExporter], apiKey: String? = "test-key", batchSize: Int = 100,
    maxQueueSize: Int = 2_048, asyncExport: Bool = true, exportTimeout: Duration = .seconds(30), logger: Logger? = nil,
    redaction: RedactionPolicy = .standard, maxConcurrentExports: Int = 2
) throws -> NoveumClient {
    var config = Configuration(
        batchSize: batchSize, asyncExport: asyncExport, maxQueueSize: maxQueueSize, scheduleDelay: .seconds(600),
        exportTimeout: exportTimeout, maxConcurrentExports: maxConcurrentExports, exporters: exporters)
    config.redaction = redaction
    if let logger {
        config.logger = logger
    } else {
        // Expected failures would log warnings; keep the test output for real problems.
        config.logger.logLevel = .error
    }
    return try NoveumClient(
        apiKey: apiKey, project: "production-app", environment: "development", endpoint: endpoint,
        serviceVersion: nil, config: config, processEnvironment: [:])
}
