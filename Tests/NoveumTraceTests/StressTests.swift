import Foundation
import Testing
@testable import NoveumTrace
import NoveumTraceTesting

/// Heavier mixes than ``ConcurrencyTests``: thousands of tasks and several threads racing on the same spans and
/// pipelines. CI runs this suite again under ThreadSanitizer and AddressSanitizer (Tests/SanitizerSuite).
@Suite("Concurrency stress")
struct StressTests {
    /// A client exporting to two in-memory exporters, so two pipelines drain and flush at once.
    private func twoExporterClient(batchSize: Int = 64, maxQueueSize: Int = 200_000) throws
        -> (NoveumClient, InMemoryExporter, InMemoryExporter)
    {
        let first = InMemoryExporter(name: "first")
        let second = InMemoryExporter(name: "second")
        let client = try NoveumClient(
            apiKey: nil, project: "stress", environment: "test", endpoint: nil, serviceVersion: nil,
            config: Configuration(
                batchSize: batchSize, maxQueueSize: maxQueueSize, scheduleDelay: .seconds(600),
                exporters: [first, second]),
            processEnvironment: [:])
        return (client, first, second)
    }

    @Test("4,000 tasks nest, annotate and finish spans while two exporters flush concurrently")
    func tasksNestAnnotateAndFlush() async throws {
        let (client, first, second) = try twoExporterClient()
        let taskCount = 4_000
        await client.traceOperation("root") { root in
            await withTaskGroup(of: Void.self) { group in
                for i in 0..<taskCount {
                    group.addTask {
                        client.traceOperation("outer") { outer in
                            outer.setAttribute("i", i)
                            outer.addEvent("started", attributes: ["i": i])
                            client.traceTool("inner") { inner in
                                inner.setAttributes(["i": i, "tags": ["a", "b"], "ratio": Double(i) / 7])
                                if i % 10 == 0 { inner.recordException(TestError(message: "e\(i)")) }
                                inner.updateName("inner-\(i % 3)")
                            }
                            root.addEvent("child-done")  // many tasks annotate one shared span
                        }
                    }
                    if i % 500 == 0 { group.addTask { await client.flush() } }
                }
            }
        }
        #expect(await client.flush() == 0)
        let expected = 1 + taskCount * 2
        for exporter in [first, second] {
            let spans = exporter.spans
            #expect(spans.count == expected)
            #expect(Set(spans.map(\.spanID)).count == expected)
        }
        let spans = first.spans
        let root = try #require(spans.named("root"))
        #expect(root.events.count == min(taskCount, client.limits.maxEvents))
        let outers = Dictionary(uniqueKeysWithValues: spans.filter { $0.name == "outer" }.map { ($0.spanID, $0) })
        for inner in spans where inner.name.hasPrefix("inner-") {
            let outer = try #require(inner.parentSpanID.flatMap { outers[$0] })
            #expect(outer.attributes["i"] == inner.attributes["i"])
            #expect(outer.parentSpanID == root.spanID)
        }
        let stats = client.stats
        #expect(stats.spansStarted == expected)
        #expect(stats.spansEnded == expected)
        for exporter in stats.exporters {
            #expect(exporter.exported == expected)
            #expect(exporter.dropped.isEmpty)
            #expect(exporter.buffered == 0)
        }
        await client.shutdown()
    }

    @Test("manual spans started on threads are annotated and finished from other tasks, some twice")
    func manualSpansFinishedElsewhere() async throws {
        let (client, first, second) = try twoExporterClient(batchSize: 32)
        let threadCount = 4
        let perThread = 500
        let started = SpanCollector()
        let done = DispatchGroup()
        for t in 0..<threadCount {
            done.enter()
            Thread {
                let parent = client.startSpan(name: "thread-\(t)")
                var mine: [NoveumSpan] = [parent]
                for i in 0..<perThread {
                    mine.append(client.startSpan(name: "job", parentSpanID: parent.spanID, attributes: ["i": i]))
                }
                started.append(mine)
                done.leave()
            }.start()
        }
        await withCheckedContinuation { continuation in done.notify(queue: .global()) { continuation.resume() } }
        let spans = started.all
        #expect(spans.count == threadCount * (perThread + 1))
        await withTaskGroup(of: Void.self) { group in
            for (index, span) in spans.enumerated() {
                group.addTask {
                    span.setAttribute("finisher", index)
                    span.setStatus(index % 7 == 0 ? .error : .ok)
                    client.finishSpan(span)
                    span.setAttribute("late", true)  // ignored and counted
                }
                if index % 3 == 0 { group.addTask { span.end() } }  // a racing second end: exactly one wins
                if index % 400 == 0 { group.addTask { await client.flush() } }
            }
        }
        #expect(await client.flush() == 0)
        #expect(first.spans.count == spans.count)
        #expect(second.spans.count == spans.count)
        #expect(Set(first.spans.map(\.spanID)).count == spans.count)
        let stats = client.stats
        #expect(stats.spansEnded == spans.count)
        #expect(stats.ignoredCallsOnEndedSpans >= spans.count)
        for exporter in stats.exporters { #expect(exporter.exported == spans.count && exporter.buffered == 0) }
        await client.shutdown()
    }

    @Test("spans finishing while the client shuts down are each exported or dropped as shutdown, never lost")
    func finishDuringShutdown() async throws {
        let (client, first, _) = try twoExporterClient(batchSize: 16, maxQueueSize: 100_000)
        let total = 3_000
        let spans = (0..<total).map { client.startSpan(name: "s", attributes: ["i": $0]) }
        async let finishing: Void = withTaskGroup(of: Void.self) { group in
            for chunk in stride(from: 0, to: total, by: 100) {
                group.addTask { for span in spans[chunk..<(chunk + 100)] { span.end() } }
            }
        }
        async let undelivered = client.shutdown(timeout: .seconds(60))
        _ = await (finishing, undelivered)
        let stats = client.stats
        #expect(stats.spansEnded == total)
        for exporter in stats.exporters {
            let dropped = exporter.dropped.filter { $0.key != .shutdown }
            #expect(dropped.isEmpty)
            #expect(exporter.exported + exporter.dropped[.shutdown, default: 0] == total)
            #expect(exporter.buffered == 0)
        }
        #expect(first.spans.count == stats.exporters[0].exported)
    }

    @Test("a full queue under concurrent load drops and counts, and the counts still add up")
    func queueFullUnderLoad() async throws {
        let (client, _, _) = try twoExporterClient(batchSize: 8, maxQueueSize: 64)
        await withTaskGroup(of: Void.self) { group in
            for i in 0..<2_000 {
                group.addTask { client.traceOperation("burst") { $0.setAttribute("i", i) } }
            }
        }
        await client.flush()
        let stats = client.stats
        #expect(stats.spansEnded == 2_000)
        for exporter in stats.exporters {
            #expect(exporter.exported + exporter.dropped.values.reduce(0, +) + exporter.buffered == 2_000)
            #expect(Set(exporter.dropped.keys).isSubset(of: [.queueFull]))
        }
        await client.shutdown()
    }
}

/// Spans collected from several threads (an `NSLock`, which ThreadSanitizer understands on every platform).
private final class SpanCollector: @unchecked Sendable {
    private let lock = NSLock()
    private var spans: [NoveumSpan] = []

    func append(_ more: [NoveumSpan]) {
        lock.lock()
        defer { lock.unlock() }
        spans.append(contentsOf: more)
    }

    var all: [NoveumSpan] {
        lock.lock()
        defer { lock.unlock() }
        return spans
    }
}
