import Synchronization
import Testing
@testable import NoveumTrace
import NoveumTraceTesting

/// An exporter that blocks until released, to hold spans in the queue.
final class GatedExporter: SpanExporter, Sendable {
    private let gate = LockedValue<(open: Bool, waiters: [CheckedContinuation<Void, Never>], exported: Int)>((false, [], 0))
    var name: String { "gated" }
    var exported: Int { gate.withLock { $0.exported } }

    func open() {
        let waiters = gate.withLock { state in
            state.open = true
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.resume() }
    }

    func export(_ batch: [SpanData]) async -> ExportResult {
        await withCheckedContinuation { continuation in
            let ready = gate.withLock { state -> Bool in
                if state.open { return true }
                state.waiters.append(continuation)
                return false
            }
            if ready { continuation.resume() }
        }
        gate.withLock { $0.exported += batch.count }
        return .success
    }
}

/// An exporter that never returns and ignores cancellation: a hung backend. Its suspended calls are kept (never
/// resumed) for the life of the test process.
final class HungExporter: SpanExporter, Sendable {
    private let parked = LockedValue<[UnsafeContinuation<Void, Never>]>([])
    var name: String { "hung" }
    func export(_ batch: [SpanData]) async -> ExportResult {
        await withUnsafeContinuation { continuation in parked.withLock { $0.append(continuation) } }
        return .success
    }
}

@Suite("Export pipeline")
struct PipelineTests {
    @Test("spans go out in batches of batchSize")
    func batching() async throws {
        let (client, exporter) = try makeClient(batchSize: 10)
        for i in 0..<35 { client.startSpan(name: "s\(i)").end() }
        await client.flush()
        #expect(exporter.spans.count == 35)
        #expect(exporter.batchSizes.allSatisfy { $0 <= 10 })
        #expect(exporter.batchSizes.reduce(0, +) == 35)
        #expect(exporter.flushCount == 1)
    }

    @Test("a full queue drops and counts; the counts add up exactly")
    func queueFull() async throws {
        let gated = GatedExporter()
        let client = try NoveumClient(
            apiKey: nil, project: "p", environment: nil, endpoint: nil, serviceVersion: nil,
            config: Configuration(batchSize: 10, maxQueueSize: 50, scheduleDelay: .seconds(600), exporters: [gated]), processEnvironment: [:])
        for _ in 0..<200 { client.startSpan(name: "burst").end() }
        let during = client.stats
        #expect(during.spansEnded == 200)
        let dropped = during.spansDropped[.queueFull] ?? 0
        // The loop may have taken one batch into export before the gate; everything else waits or was dropped.
        #expect(dropped >= 140 && dropped <= 150)
        #expect(during.spansEnded == during.spansExported + dropped + during.spansBuffered)
        gated.open()
        #expect(await client.flush() == 0)
        let after = client.stats
        #expect(after.spansExported == gated.exported)
        #expect(after.spansBuffered == 0)
        #expect(after.spansEnded == after.spansExported + (after.spansDropped[.queueFull] ?? 0))
    }

    @Test("failed exports are counted by reason and reported by flush")
    func failures() async throws {
        let (client, exporter) = try makeClient()
        exporter.failExports(with: .exportFailed)
        for _ in 0..<5 { client.startSpan(name: "lost").end() }
        #expect(await client.flush() == 5)
        let stats = client.stats
        #expect(stats.spansDropped[.exportFailed] == 5)
        #expect(stats.exporters.first?.failedBatches == 1)
        exporter.failExports(with: nil)
        client.startSpan(name: "kept").end()
        #expect(await client.flush() == 0)
        #expect(exporter.spans.map(\.name) == ["kept"])
    }

    @Test("flush leaves open spans open and exports only finished ones")
    func flushLeavesOpenSpans() async throws {
        let (client, exporter) = try makeClient()
        let open = client.startSpan(name: "open")
        client.startSpan(name: "done").end()
        await client.flush()
        #expect(exporter.spans.map(\.name) == ["done"])
        #expect(!open.isEnded)
        open.end()
        await client.flush()
        #expect(exporter.spans.map(\.name) == ["done", "open"])
    }

    @Test("a hung exporter does not delay the caller, and shutdown returns within its deadline")
    func hungExporter() async throws {
        let client = try NoveumClient(
            apiKey: nil, project: "p", environment: nil, endpoint: nil, serviceVersion: nil,
            config: Configuration(batchSize: 1, exportTimeout: .milliseconds(200), exporters: [HungExporter()]),
            processEnvironment: [:])
        let clock = ContinuousClock()
        let start = clock.now
        for _ in 0..<100 { client.startSpan(name: "x").end() }
        // Each span is its own batch and the export never returns: a caller that waited on an export would wait at
        // least its 200 ms timeout per span, 20 s in all. The bound is a tenth of that, so a sanitized build on a
        // busy 2-core machine (100 spans took 161 ms under ThreadSanitizer) cannot fail it and a waiting caller can.
        #expect(clock.now - start < .seconds(2))
        let shutdownStart = clock.now
        let undelivered = await client.shutdown(timeout: .milliseconds(300))
        // The deadline is 300 ms; the margin covers a loaded 2-core machine whose concurrency pool is busy with
        // other tests. A hung export without the deadline would never return.
        #expect(clock.now - shutdownStart < .seconds(15))
        #expect(undelivered > 0)
        let stats = client.stats
        #expect(stats.spansEnded == 100)
        #expect(stats.spansEnded == stats.spansExported + stats.spansDropped.values.reduce(0, +) + stats.spansBuffered)
    }

    @Test("after shutdown new spans are dropped with reason shutdown")
    func afterShutdown() async throws {
        let (client, exporter) = try makeClient()
        client.startSpan(name: "before").end()
        #expect(await client.shutdown() == 0)
        #expect(exporter.isShutdown)
        client.startSpan(name: "after").end()
        #expect(exporter.spans.map(\.name) == ["before"])
        #expect(client.stats.spansDropped[.shutdown] == 1)
    }

    @Test("asyncExport false delivers without waiting for a full batch")
    func immediate() async throws {
        let (client, exporter) = try makeClient(batchSize: 100, asyncExport: false)
        client.startSpan(name: "now").end()
        await client.flush()
        #expect(exporter.spans.count == 1)
    }
}

@Suite("Console exporter")
struct ConsoleExporterTests {
    @Test("prints a finished trace as an indented tree with durations, status and LLM details")
    func tree() async throws {
        let output = LockedValue<[String]>([])
        let console = ConsoleExporter { line in output.withLock { $0.append(line) } }
        let trace = TraceID(high: 1, low: 2)
        func span(_ id: UInt64, _ parent: UInt64?, _ name: String, start: UInt64, end: UInt64,
                  status: NoveumSpan.Status = .ok, message: String? = nil, attributes: AttributeList = [:]) -> SpanData {
            SpanData(
                context: SpanContext(traceID: trace, spanID: SpanID(rawValue: id), isSampled: true),
                parentSpanID: parent.map { SpanID(rawValue: $0) }, name: name, startTimeNanos: start, endTimeNanos: end,
                status: status, statusMessage: message, attributes: attributes)
        }
        let base: UInt64 = 1_700_000_000_000_000_000
        let spans = [
            span(2, 1, "query_enhancement gpt-3.5-turbo", start: base + 100_000, end: base + 1_300_000,
                 attributes: ["llm.provider": "openai", "llm.input_tokens": 12, "llm.output_tokens": 34]),
            span(3, 1, "vector_search", start: base + 1_400_000, end: base + 1_700_000),
            span(4, 1, "response_generation gpt-4", start: base + 1_800_000, end: base + 9_820_000, status: .error,
                 message: "rate limited"),
            span(1, nil, "complex_ai_workflow", start: base, end: base + 12_410_000),
        ]
        _ = await console.export(Array(spans.prefix(2)))
        #expect(output.withLock { $0.isEmpty })
        _ = await console.export(Array(spans.suffix(2)))
        let printed = output.withLock { $0 }
        #expect(printed == [
            """
            trace 00000000000000010000000000000002  4 spans, 1 failed  12.41 ms
            └─ complex_ai_workflow  12.41 ms  ok
               ├─ query_enhancement gpt-3.5-turbo  1.20 ms  ok  [openai · 12→34 tokens]
               ├─ vector_search  300.0 µs  ok
               └─ response_generation gpt-4  8.02 ms  error: rate limited
            """
        ])
    }

    @Test("traces whose root never arrives are printed at flush")
    func partial() async {
        let output = LockedValue<[String]>([])
        let console = ConsoleExporter { line in output.withLock { $0.append(line) } }
        let orphan = SpanData(
            context: SpanContext(traceID: TraceID(high: 9, low: 9), spanID: SpanID(rawValue: 5), isSampled: true),
            parentSpanID: SpanID(rawValue: 4), name: "orphan", startTimeNanos: 0, endTimeNanos: 1_000)
        _ = await console.export([orphan])
        #expect(output.withLock { $0.isEmpty })
        await console.forceFlush()
        #expect(output.withLock { $0.count } == 1)
        #expect(output.withLock { $0.first?.contains("└─ orphan  1.0 µs  unset") } == true)
    }
}
