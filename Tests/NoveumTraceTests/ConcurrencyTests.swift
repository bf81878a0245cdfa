import Foundation
import Testing
@testable import NoveumTrace
import NoveumTraceTesting

/// Run these under `swift test --sanitize=thread --filter Concurrency` too (CI does).
@Suite("Concurrency and context propagation")
struct ConcurrencyTests {
    @Test("hundreds of concurrent sibling tasks each get the right parent, never a sibling")
    func siblingsNeverSeeEachOther() async throws {
        let (client, exporter) = try makeClient(maxQueueSize: 8192)
        let rootID = await client.traceOperation("root") { root in
            await withTaskGroup(of: Void.self) { group in
                for i in 0..<500 {
                    group.addTask {
                        await client.traceOperation("sibling-\(i)") { sibling in
                            await Task.yield()
                            await client.traceOperation("leaf-\(i)") { leaf in
                                await Task.yield()
                                leaf.setAttribute("i", i)
                            }
                            sibling.setAttribute("i", i)
                        }
                    }
                }
            }
            return root.spanContext.spanID
        }
        await client.flush()
        let spans = exporter.spans
        #expect(spans.count == 1001)
        let byName = Dictionary(uniqueKeysWithValues: spans.map { ($0.name, $0) })
        let root = try #require(byName["root"])
        #expect(root.spanID == rootID)
        for i in 0..<500 {
            let sibling = try #require(byName["sibling-\(i)"])
            let leaf = try #require(byName["leaf-\(i)"])
            #expect(sibling.parentSpanID == rootID)
            #expect(leaf.parentSpanID == sibling.spanID)
            #expect(leaf.traceID == root.traceID && sibling.traceID == root.traceID)
        }
    }

    @Test("async let, unstructured Task and detached tasks: children inherit, detached does not")
    func inheritance() async throws {
        let (client, exporter) = try makeClient()
        await client.traceOperation("parent") { _ in
            async let a: Void = client.traceOperation("async-let") { _ in await Task.yield() }
            await Task { await client.traceOperation("task") { _ in await Task.yield() } }.value
            await Task.detached { await client.traceOperation("detached") { _ in await Task.yield() } }.value
            await a
        }
        await client.flush()
        let spans = exporter.spans
        let parent = try #require(spans.named("parent"))
        #expect(spans.named("async-let")?.parentSpanID == parent.spanID)
        #expect(spans.named("task")?.parentSpanID == parent.spanID)
        let detached = try #require(spans.named("detached"))
        #expect(detached.parentSpanID == nil)
        #expect(detached.traceID != parent.traceID)
    }

    @Test("several threads create, annotate and finish spans at once; counts add up")
    func threads() async throws {
        let (client, exporter) = try makeClient(maxQueueSize: 100_000)
        let threadCount = 4
        let perThread = 2000
        let done = DispatchGroup()
        for t in 0..<threadCount {
            done.enter()
            Thread {
                for i in 0..<perThread {
                    client.traceOperation("t\(t)") { span in
                        span.setAttributes(["i": i, "thread": t])
                        let child = client.startSpan(name: "child")
                        child.setAttribute("i", i)
                        client.finishSpan(child)
                    }
                }
                done.leave()
            }.start()
        }
        await withCheckedContinuation { continuation in
            done.notify(queue: .global()) { continuation.resume() }
        }
        let undelivered = await client.flush()
        #expect(undelivered == 0)
        let spans = exporter.spans
        #expect(spans.count == threadCount * perThread * 2)
        let parents = Dictionary(uniqueKeysWithValues: spans.filter { $0.name != "child" }.map { ($0.spanID, $0) })
        for child in spans where child.name == "child" {
            let parent = try #require(child.parentSpanID.flatMap { parents[$0] })
            #expect(parent.traceID == child.traceID)
            #expect(parent.attributes["i"] == child.attributes["i"])
        }
        let stats = client.stats
        #expect(stats.spansStarted == threadCount * perThread * 2)
        #expect(stats.spansEnded == stats.spansExported)
    }

    @Test("spans finished from other tasks while flushes run concurrently are all delivered")
    func finishElsewhereWhileFlushing() async throws {
        let (client, exporter) = try makeClient(batchSize: 64, maxQueueSize: 50_000)
        let spans = (0..<2000).map { client.startSpan(name: "work", attributes: ["i": $0]) }
        await withTaskGroup(of: Void.self) { group in
            for chunk in stride(from: 0, to: spans.count, by: 100) {
                group.addTask {
                    for span in spans[chunk..<(chunk + 100)] { client.finishSpan(span) }
                }
                group.addTask { await client.flush() }
            }
        }
        await client.flush()
        #expect(exporter.spans.count == 2000)
        #expect(Set(exporter.spans.map(\.spanID)).count == 2000)
        #expect(client.stats.spansBuffered == 0)
    }
}
