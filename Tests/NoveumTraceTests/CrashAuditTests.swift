import NoveumTraceTesting
import Synchronization
import Testing

@testable import NoveumTrace

/// The sites of the crash audit (RELIABILITY.md, "Crash audit") that configuration, an exporter or an attribute can
/// reach in the core: each is fed the exact value that used to trap and must degrade instead.
@Suite("Crash audit: the core never traps on configuration, exporter results or attribute values")
struct CrashAuditTests {
    /// A client exporting to memory with the given schedule delay and export timeout.
    func client(
        scheduleDelay: Duration = .seconds(600), exportTimeout: Duration = .seconds(30),
        maxQueueSize: Int = 4096, exporter: any SpanExporter
    ) throws -> NoveumClient {
        try NoveumClient(
            apiKey: nil, project: "test-project", environment: "test", endpoint: nil, serviceVersion: nil,
            config: Configuration(
                maxQueueSize: maxQueueSize, scheduleDelay: scheduleDelay, exportTimeout: exportTimeout,
                exporters: [exporter]),
            processEnvironment: [:])
    }

    // MARK: Durations that Task.sleep cannot take

    @Test("sleep durations are clamped to 0...UInt32.max seconds")
    func sleepClamp() {
        #expect(Duration.seconds(Int64.max).clampedForSleep == .seconds(Int64(UInt32.max)))
        #expect(Duration.seconds(-5).clampedForSleep == .zero)
        #expect(Duration.milliseconds(1_500).clampedForSleep == .milliseconds(1_500))
        #expect(Duration.longestSleep == .seconds(4_294_967_295))
    }

    /// `.seconds(Int64.max)` as schedule delay, export timeout, flush and shutdown timeout: each used to reach
    /// `Task.sleep`, which traps when the deadline's seconds overflow `Int64`.
    @Test("schedule delay, export timeout, flush and shutdown timeouts of .seconds(Int64.max) export normally")
    func foreverDurations() async throws {
        let exporter = InMemoryExporter()
        let client = try client(
            scheduleDelay: .seconds(Int64.max), exportTimeout: .seconds(Int64.max), exporter: exporter)
        client.startSpan(name: "forever").end()
        #expect(await client.flush(timeout: .seconds(Int64.max)) == 0)
        #expect(exporter.spans.map(\.name) == ["forever"])
        client.startSpan(name: "at-shutdown").end()
        #expect(await client.shutdown(timeout: .seconds(Int64.max)) == 0)
        #expect(exporter.spans.map(\.name) == ["forever", "at-shutdown"])
    }

    // MARK: Batch sizes

    /// `NOVEUM_BATCH_SIZE=9223372036854775807` with an equal queue size passed validation, then overflowed
    /// `2 * batchSize` (the record pool's capacity) and asked for a chunk of `Int.max` spans.
    @Test("a batch size beyond 1,000,000 is a configuration error, from the environment and from code")
    func hugeBatchSize() {
        let huge = String(Int.max)
        let fromEnvironment = Result { () throws(NoveumTraceError) -> Configuration in
            try Configuration().resolved(environment: ["NOVEUM_BATCH_SIZE": huge, "NOVEUM_MAX_QUEUE_SIZE": huge])
        }
        let fromCode = Result { () throws(NoveumTraceError) -> Configuration in
            try Configuration(batchSize: .max, maxQueueSize: .max).resolved(environment: [:])
        }
        for result in [fromEnvironment, fromCode] {
            guard case .failure(.invalidConfiguration(let message)) = result else {
                Issue.record("accepted batchSize \(huge)")
                continue
            }
            #expect(message.contains("batchSize must be at most 1000000"), "\(message)")
        }
        #expect((try? Configuration(batchSize: 1_000_000, maxQueueSize: 1_000_000).resolved(environment: [:])) != nil)
        #expect(SpanRecordPool.capacity(for: Configuration(batchSize: .max, maxQueueSize: .max)) == 4096)
        #expect(SpanRecordPool.capacity(for: Configuration(batchSize: 100, maxQueueSize: 2048)) == 1024)
    }

    /// An exporter's `preferredBatchSize` is not part of the configuration's validation.
    @Test("an exporter preferring Int.max spans per batch gets a bounded batch")
    func hugePreferredBatchSize() async throws {
        let exporter = PreferringExporter()
        let client = try client(maxQueueSize: .max, exporter: exporter)
        client.startSpan(name: "one").end()
        #expect(await client.flush() == 0)
        #expect(exporter.inner.spans.count == 1)
        await client.shutdown()
    }

    // MARK: Exporter results

    /// An exporter reporting more drops than its batch held used to overflow the sum of its counts.
    @Test("an exporter reporting Int.max or negative drops is counted within its batch")
    func absurdExportResults() async throws {
        let exporter = MisreportingExporter()
        let client = try client(exporter: exporter)
        for index in 0..<3 {
            client.startSpan(name: "span-\(index)").end()
            _ = await client.flush()
        }
        let stats = client.stats.exporters[0]
        #expect(stats.dropped[.exportFailed] == 3)
        #expect(stats.dropped[.payloadTooLarge] == 3)
        #expect(stats.dropped[.queueFull] == nil)
        #expect(stats.exported == 0)
        await client.shutdown()
    }

    @Test("ExportResult sums saturate and clamp to the batch")
    func exportResultArithmetic() {
        var result = ExportResult.dropped(.max, reason: .exportFailed)
        result.merge(.dropped(1, reason: .exportFailed))
        result.merge(.dropped(.max, reason: .payloadTooLarge))
        #expect(result.dropped[.exportFailed] == .max)
        #expect(result.droppedCount == .max)
        let clamped = ExportResult(dropped: [.exportFailed: .max, .exportTimeout: -4, .payloadTooLarge: 2])
            .clamped(to: 5)
        #expect(clamped.dropped == [.exportFailed: 5, .payloadTooLarge: 2])
        let valid = ExportResult(dropped: [.exportFailed: 2, .payloadTooLarge: 3])
        #expect(valid.clamped(to: 5) == valid)
    }

    // MARK: Public API arguments

    /// `ExporterContext.standalone` used `try!` on its arguments.
    @Test("ExporterContext.standalone with an empty project or a malformed endpoint falls back to the defaults")
    func standaloneContext() {
        let context = ExporterContext.standalone(project: "", endpoint: "not a url", apiKey: "key")
        #expect(context.settings.project == "default")
        #expect(context.settings.endpoint == ClientSettings.defaultEndpoint)
        #expect(context.apiKey == "key")
        let valid = ExporterContext.standalone(project: "p", endpoint: "http://127.0.0.1:4318/api/")
        #expect(valid.settings.project == "p" && valid.settings.endpoint == "http://127.0.0.1:4318/api")
    }

    // MARK: Rendering attribute values

    /// The console exporter (the default without an API key) formats costs and times with `Int64` arithmetic,
    /// which trapped on a value of 1e15 dollars or more.
    @Test("the console renders huge costs and times as Swift prints them", arguments: [
        (1e16, "$1e+16", "ttft 10000000000000.000 s"),
        (1e300, "$1e+300", "ttft 1e+297 s"),
        (-1e20, "$-1e+20", "ttft -1e+23 µs"),
    ])
    func hugeValuesOnConsole(value: Double, cost: String, ttft: String) async throws {
        let lines = LockedValue<[String]>([])
        let client = try client(exporter: ConsoleExporter(write: { text in lines.withLock { $0.append(text) } }))
        let span = client.startSpan(name: "chat")
        span.setAttribute("llm.cost.total", value)
        span.setAttribute("llm.time_to_first_token_ms", value)
        span.end()
        _ = await client.flush()
        let output = lines.withLock { $0.joined(separator: "\n") }
        #expect(output.contains(cost), "\(output)")
        #expect(output.contains(ttft), "\(output)")
        #expect(TraceTreeRenderer.cost(0.012345) == "$0.0123" && TraceTreeRenderer.milliseconds(1_234) == "1.234 s")
        await client.shutdown()
    }
}

/// Exports to memory and asks for batches of `Int.max` spans.
private final class PreferringExporter: SpanExporter {
    let inner = InMemoryExporter()
    var preferredBatchSize: Int? { .max }
    func export(_ batch: [SpanData]) async -> ExportResult { await inner.export(batch) }
}

/// Reports impossible drop counts for every batch.
private final class MisreportingExporter: SpanExporter {
    func export(_ batch: [SpanData]) async -> ExportResult {
        ExportResult(dropped: [.exportFailed: .max, .payloadTooLarge: .max, .queueFull: -7])
    }
}
