@testable import NoveumTrace
import NoveumTraceTesting

/// A client that exports to memory only on flush and reads no process environment.
func makeClient(redaction: RedactionPolicy = .standard, samplingRate: Double = 1) throws -> (
    NoveumClient, InMemoryExporter
) {
    let exporter = InMemoryExporter()
    var configuration = Configuration(
        samplingRate: samplingRate, asyncExport: true, scheduleDelay: .seconds(600), exporters: [exporter])
    configuration.redaction = redaction
    let client = try NoveumClient(
        apiKey: nil, project: "test-project", environment: "test", endpoint: nil, serviceVersion: nil,
        config: configuration, processEnvironment: [:])
    return (client, exporter)
}

/// Runs `body` with a fresh in-memory client as the static API's client, flushes, and returns the exported spans.
func exportedSpans(
    redaction: RedactionPolicy = .standard, _ body: () async throws -> Void
) async throws -> [SpanData] {
    let (client, exporter) = try makeClient(redaction: redaction)
    try await NoveumTrace.withClient(client) { try await body() }
    await client.flush()
    return exporter.spans
}

extension Array where Element == SpanData {
    /// The only span named `name`.
    func one(_ name: String) -> SpanData? {
        let matches = filter { $0.name == name }
        return matches.count == 1 ? matches[0] : nil
    }
}
