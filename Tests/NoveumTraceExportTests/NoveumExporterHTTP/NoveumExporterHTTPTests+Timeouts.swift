import Foundation
import NoveumTrace
import NoveumTraceTestSupport
import Testing

/// The Noveum exporter over HTTP: timeouts, hung backends and cancellation (nothing waits past its deadline).
extension NoveumExporterHTTPTests {
    // MARK: Outages

    @Test("a backend that never answers delays neither the caller nor shutdown past its deadline")
    func hungBackend() async throws {
        try await withCaptureServer(script: { _, _ in .hang }) { server in
            let client = try makeClient(
                endpoint: server.endpoint,
                exporters: [NoveumExporter(retryPolicy: .none, requestTimeout: .seconds(60))], asyncExport: false,
                exportTimeout: .seconds(60))
            client.traceOperation("first") { _ in }
            await server.waitForRequests(1)  // the export is now stuck in a request with no answer

            let clock = ContinuousClock()
            let callerTime = clock.measure {
                for i in 0..<500 { client.traceOperation("op\(i)") { $0.setAttribute("i", i) } }
            }
            #expect(callerTime < .seconds(1))
            // The exporter sends two batches at once (maxConcurrentExports 2): the first full batch of 100 goes
            // out beside the stuck one, and gets stuck too.
            await server.waitForRequests(2)

            let deadline = Duration.milliseconds(500)
            let started = clock.now
            let undelivered = await client.shutdown(timeout: deadline)
            let shutdownTime = clock.now - started
            #expect(shutdownTime < deadline + .milliseconds(500))
            #expect(undelivered == 501)
            let stats = client.stats
            #expect(stats.spansEnded == 501)
            #expect(stats.exporters[0].exported == 0)
            #expect(stats.exporters[0].dropped == [.shutdown: 400])
            #expect(stats.exporters[0].buffered == 101)  // the ones stuck in the two requests
            #expect(stats.countsAddUp())
        }
    }

    @Test("an export that outlives the export timeout is cancelled and counted as export_timeout")
    func exportTimeout() async throws {
        try await withCaptureServer(script: { _, _ in .hang }) { server in
            let client = try makeClient(
                endpoint: server.endpoint,
                exporters: [NoveumExporter(retryPolicy: fastRetries, requestTimeout: .seconds(60))],
                exportTimeout: .milliseconds(300))
            for i in 0..<3 { client.traceOperation("op\(i)") { _ in } }
            let clock = ContinuousClock()
            let started = clock.now
            #expect(await client.flush(timeout: .seconds(20)) == 3)
            #expect(clock.now - started < .seconds(5))
            let stats = client.stats
            #expect(stats.exporters[0].dropped == [.exportTimeout: 3])
            #expect(stats.countsAddUp())
            await client.shutdown(timeout: .seconds(1))
        }
    }

    // MARK: Transport

    @Test("URLSessionTransport: a request that gets no answer fails at its timeout")
    func transportTimeout() async throws {
        try await withCaptureServer(script: { _, _ in .hang }) { server in
            let transport = URLSessionTransport()
            let clock = ContinuousClock()
            let started = clock.now
            await #expect(throws: URLError.self) {
                _ = try await transport.send(
                    HTTPTransport.Request(url: server.endpoint + "/v1/traces", body: Array("{}".utf8)),
                    timeout: .milliseconds(200))
            }
            let elapsed = clock.now - started
            #expect(elapsed >= .milliseconds(190))
            #expect(elapsed < .seconds(3))
        }
    }

    @Test("URLSessionTransport: cancelling the calling task cancels the request at once")
    func transportCancellation() async throws {
        try await withCaptureServer(script: { _, _ in .hang }) { server in
            let transport = URLSessionTransport()
            let request = HTTPTransport.Request(url: server.endpoint + "/v1/traces", body: Array("{}".utf8))
            let task = Task { try await transport.send(request, timeout: .seconds(60)) }
            await server.waitForRequests(1)
            let clock = ContinuousClock()
            let started = clock.now
            task.cancel()
            let result = await task.result
            #expect(clock.now - started < .seconds(5))
            #expect(throws: CancellationError.self) { try result.get() }
        }
    }
}
