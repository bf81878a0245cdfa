import Foundation
import NoveumTrace
import NoveumTraceTestSupport
import Testing

/// The Noveum exporter over HTTP: retries and Retry-After (what is retried, how often and how long it waits, and
/// what is never retried).
extension NoveumExporterHTTPTests {
    // MARK: Retries

    @Test("503 with Retry-After, then success: delivered once, one retry counted, Retry-After honoured")
    func serviceUnavailableThenSuccess() async throws {
        let script: CaptureServer.Script = { index, _ in
            index == 0 ? .status(503, headers: ["Retry-After": "1"]) : .status(200)
        }
        try await withCaptureServer(script: script) { server in
            // Backoff alone would retry at once; Retry-After (1 s, capped at 300 ms) makes it wait.
            let policy = HTTPRetryPolicy(
                maxAttempts: 3, initialBackoff: .zero, maxBackoff: .zero, maxRetryAfter: .milliseconds(300))
            let client = try makeClient(endpoint: server.endpoint, exporters: [NoveumExporter(retryPolicy: policy)])
            for i in 0..<5 { client.traceOperation("op\(i)") { _ in } }
            #expect(await client.flush() == 0)

            let requests = server.requests
            #expect(requests.count == 2)
            #expect(requests.count == 2 && requests[0].body == requests[1].body)
            if requests.count == 2 {
                #expect(requests[1].receivedAt - requests[0].receivedAt >= .milliseconds(290))
            }
            let stats = client.stats
            #expect(stats.spansEnded == 5)
            #expect(stats.exporters[0].exported == 5)
            #expect(stats.exporters[0].dropped.isEmpty)
            #expect(stats.exporters[0].retries == 1)
            #expect(stats.countsAddUp())
            await client.shutdown()
        }
    }

    @Test("429 without Retry-After: backoff, then delivered")
    func tooManyRequests() async throws {
        let script: CaptureServer.Script = { index, _ in index < 2 ? .status(429) : .status(200) }
        try await withCaptureServer(script: script) { server in
            let client = try makeClient(endpoint: server.endpoint, exporters: [NoveumExporter(retryPolicy: fastRetries)])
            for i in 0..<3 { client.traceOperation("op\(i)") { _ in } }
            #expect(await client.flush() == 0)
            #expect(server.requests.count == 3)
            let stats = client.stats
            #expect(stats.exporters[0].exported == 3)
            #expect(stats.exporters[0].retries == 2)
            #expect(stats.countsAddUp())
            await client.shutdown()
        }
    }

    @Test("5xx until the attempts run out: dropped as export_failed", arguments: [500, 502, 503, 504])
    func retriesExhausted(status: Int) async throws {
        try await withCaptureServer(script: { _, _ in .status(status) }) { server in
            let client = try makeClient(endpoint: server.endpoint, exporters: [NoveumExporter(retryPolicy: fastRetries)])
            for i in 0..<4 { client.traceOperation("op\(i)") { _ in } }
            #expect(await client.flush() == 4)
            #expect(server.requests.count == fastRetries.maxAttempts)
            let stats = client.stats
            #expect(stats.exporters[0].exported == 0)
            #expect(stats.exporters[0].dropped == [.exportFailed: 4])
            #expect(stats.exporters[0].retries == fastRetries.maxAttempts - 1)
            #expect(stats.countsAddUp())
            await client.shutdown()
        }
    }

    @Test("400, 401, 403 and 404 are not retried; the key never reaches the logs", arguments: [400, 401, 403, 404])
    func refusedIsNotRetried(status: Int) async throws {
        try await withCaptureServer(script: { _, _ in .status(status) }) { server in
            let logs = LogCapture()
            let client = try makeClient(
                endpoint: server.endpoint, exporters: [NoveumExporter(retryPolicy: fastRetries)],
                apiKey: "sk-secret-key-123", logger: logs.logger)
            for i in 0..<3 { client.traceOperation("op\(i)") { _ in } }
            #expect(await client.flush() == 3)
            #expect(server.requests.count == 1)
            #expect(server.requests.first?.headers["authorization"] == "Bearer sk-secret-key-123")
            let stats = client.stats
            #expect(stats.exporters[0].dropped == [.exportFailed: 3])
            #expect(stats.exporters[0].retries == 0)
            #expect(stats.exporters[0].failedBatches == 1)
            #expect(stats.countsAddUp())
            await client.shutdown()
            #expect(logs.at(.warning).contains { $0.text.contains("HTTP \(status)") })
            #expect(!logs.all.contains { $0.text.contains("sk-secret") })
        }
    }
}
