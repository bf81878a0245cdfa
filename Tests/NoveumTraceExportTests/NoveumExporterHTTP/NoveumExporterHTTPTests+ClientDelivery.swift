import Foundation
import NoveumTrace
import NoveumTraceTestSupport
import Testing

/// The Noveum exporter over HTTP, at the client's level: an outage buffered up to the queue bound and delivered in
/// order once the backend is up, and a client without an API key.
extension NoveumExporterHTTPTests {
    // MARK: Outages

    @Test("backend down, then up: spans buffer up to the queue bound, then are delivered; counts add up")
    func backendDownThenUp() async throws {
        let refused = try RefusedPort()
        let transport = RecordingTransport()
        let policy = HTTPRetryPolicy(
            maxAttempts: 100_000, initialBackoff: .milliseconds(1), maxBackoff: .milliseconds(5))
        let client = try makeClient(
            endpoint: "http://127.0.0.1:\(refused.port)/api",
            exporters: [NoveumExporter(transport: transport, retryPolicy: policy)], batchSize: 2, maxQueueSize: 4,
            // One export at a time, so that the queue bound alone decides what is buffered and what is dropped,
            // and batches arrive in order.
            maxConcurrentExports: 1)

        // A full batch wakes the exporter, which finds the backend down and keeps retrying.
        for i in 0..<2 { client.traceOperation("early\(i)") { _ in } }
        await transport.waitForFailures(1)
        // Meanwhile the queue fills to its bound (4); the rest are dropped and counted.
        for i in 0..<7 { client.traceOperation("late\(i)") { _ in } }
        var stats = client.stats
        #expect(stats.spansEnded == 9)
        #expect(stats.exporters[0].exported == 0)
        #expect(stats.exporters[0].dropped == [.queueFull: 3])
        #expect(stats.exporters[0].buffered == 6)
        #expect(stats.countsAddUp())

        // The backend comes up at the same address.
        refused.release()
        try await withCaptureServer(port: refused.port) { server in
            #expect(await client.flush() == 0)
            stats = client.stats
            #expect(stats.exporters[0].exported == 6)
            #expect(stats.exporters[0].dropped == [.queueFull: 3])
            #expect(stats.exporters[0].buffered == 0)
            #expect(stats.exporters[0].retries >= 1)
            #expect(stats.exporters[0].retries == transport.failureCount)
            #expect(stats.countsAddUp())
            let names = try spanNames(server.requests)
            #expect(names == ["early0", "early1", "late0", "late1", "late2", "late3"])
            await client.shutdown()
        }
    }

    // MARK: Configuration

    @Test("without an API key nothing is sent: dropped as export_failed, one warning")
    func missingAPIKey() async throws {
        try await withCaptureServer { server in
            let logs = LogCapture()
            let client = try makeClient(
                endpoint: server.endpoint, exporters: [NoveumExporter(retryPolicy: fastRetries)], apiKey: nil,
                logger: logs.logger)
            client.traceOperation("a") { _ in }
            #expect(await client.flush() == 1)
            client.traceOperation("b") { _ in }
            #expect(await client.flush() == 1)
            #expect(server.requests.isEmpty)
            #expect(client.stats.exporters[0].dropped == [.exportFailed: 2])
            #expect(logs.at(.warning).filter { $0.message.contains("no API key") }.count == 1)
            await client.shutdown()
        }
    }
}
