import Foundation
import NoveumTraceOTLP
import NoveumTraceTestSupport
import Testing

@testable import NoveumTrace

/// How long the soak runs: `NOVEUM_SOAK_SECONDS` (not set in CI by default; 180 is a good local run).
enum Soak {
    static let seconds: Int? = ProcessInfo.processInfo.environment["NOVEUM_SOAK_SECONDS"].flatMap { Int($0) }

    /// Resident memory of this process in bytes, from `/proc/self/statm` (0 where it does not exist).
    static func residentBytes() -> Int {
        guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
        let fields = text.split(separator: " ")
        guard fields.count > 1, let pages = Int(fields[1]) else { return 0 }
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
    }
}

@Suite(
    "Soak: a flapping backend for minutes", .serialized,
    .enabled(if: Soak.seconds != nil, "set NOVEUM_SOAK_SECONDS (e.g. 180) to run the soak"))
struct SoakTests {
    @Test("spans flow while the backend flaps between 200, 503, 429 and hanging: memory stays flat, every span accounted for")
    func flappingBackend() async throws {
        let seconds = try #require(Soak.seconds)
        // Each block of 10 requests behaves one way, in turn (the server keeps no bodies: its memory is flat too).
        let server = try FaultServer(
            .cycle(
                [
                    .respond(status: 200), .respond(status: 503), .respond(status: 429, headers: ["Retry-After": "1"]),
                    .closeMidResponse, .answerAfter(seconds: 5), .respond(status: 200),
                ], every: 10))
        defer { server.stop() }
        do {
            let exporters: [any SpanExporter] = [
                NoveumExporter(retryPolicy: ExporterKind.retryPolicy, requestTimeout: .seconds(2)),
                try OTLPExporter(
                    .init(endpoint: "http://127.0.0.1:\(server.port)/v1/traces", timeout: .seconds(2)), environment: [:],
                    retryPolicy: ExporterKind.retryPolicy),
            ]
            var config = Configuration(
                batchSize: 100, asyncExport: true, maxQueueSize: 2_048, scheduleDelay: .milliseconds(200),
                exportTimeout: .seconds(2), exporters: exporters)
            config.logger.logLevel = .critical
            let client = try NoveumClient(
                apiKey: "soak-key", project: "soak", environment: "ci", endpoint: server.baseURL + "/api", serviceVersion: nil,
                config: config, processEnvironment: [:])

            let clock = ContinuousClock()
            let end = clock.now + .seconds(seconds)
            let warmUpEnd = clock.now + .seconds(max(10, seconds / 5))
            var baseline = 0
            var peakAfterWarmUp = 0
            while clock.now < end {
                for i in 0..<200 {
                    client.traceLLM(model: "gpt-4o-mini", provider: "openai") { span in
                        span.setUsage(input: 100 + i, output: 20)
                        span.setAttribute("llm.input.messages", String(repeating: "x", count: 512))
                    }
                }
                try await Task.sleep(for: .milliseconds(20))
                let resident = Soak.residentBytes()
                if clock.now < warmUpEnd {
                    baseline = resident
                } else {
                    peakAfterWarmUp = max(peakAfterWarmUp, resident)
                }
                let stats = client.stats
                for exporter in stats.exporters {
                    #expect(exporter.exported + exporter.dropped.values.reduce(0, +) + exporter.buffered == stats.spansEnded)
                }
            }
            let undelivered = await client.shutdown(timeout: .seconds(10))
            let stats = client.stats
            for exporter in stats.exporters {
                #expect(exporter.exported + exporter.dropped.values.reduce(0, +) + exporter.buffered == stats.spansEnded)
                #expect(exporter.buffered <= undelivered)
                #expect(exporter.exported > 0)
            }
            let growth = peakAfterWarmUp - baseline
            // Flat: after warm-up, resident memory grows by less than 32 MB however long the soak runs.
            #expect(growth < 32 << 20, "resident memory grew \(growth >> 20) MB after warm-up (baseline \(baseline >> 20) MB)")
            ReliabilitySummary.record(
                "soak", "flapping backend \(seconds) s", tried: stats.spansEnded,
                lost: stats.exporters.map { stats.spansEnded - ($0.exported + $0.dropped.values.reduce(0, +) + $0.buffered) }.reduce(0, +),
                note: "resident \(baseline >> 20) MB after warm-up, peak \(peakAfterWarmUp >> 20) MB, requests \(server.requests), stats \(stats.exporters.map { "\($0.name): exported \($0.exported) dropped \($0.dropped)" })")
        }
    }
}
