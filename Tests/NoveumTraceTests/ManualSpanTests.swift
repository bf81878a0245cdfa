import Foundation
import Testing
@testable import NoveumTrace
import NoveumTraceTesting

@Suite("Manual spans")
struct ManualSpanTests {
    @Test("the product document's batch example: explicit parents, one failing child")
    func batchFanOut() async throws {
        let (client, exporter) = try makeClient()
        let queries = ["what is tracing", "fail me"]
        let batch = client.startSpan(
            name: "batch_query_processing", attributes: ["batch.size": queries.count, "batch.operation": "llm_processing"])
        var results: [String?] = []
        for (i, query) in queries.enumerated() {
            let span = client.startSpan(
                name: "query_processing_\(i)", parentSpanID: batch.spanID,
                attributes: ["query.index": i, "query.text": String(query.prefix(100))])
            do {
                if query.hasPrefix("fail") { throw TestError(message: "boom") }
                results.append(query.uppercased())
                span.setAttributes(["query.success": true, "query.result_length": query.count])
                span.setStatus(.ok)
            } catch {
                span.recordException(error)
                span.setStatus(.error, "\(error)")
                results.append(nil)
            }
            client.finishSpan(span)
        }
        batch.setAttributes([
            "batch.successful": results.compactMap { $0 }.count, "batch.failed": results.filter { $0 == nil }.count,
        ])
        batch.setStatus(.ok)
        client.finishSpan(batch)
        await client.flush()

        let spans = exporter.spans
        #expect(spans.map(\.name) == ["query_processing_0", "query_processing_1", "batch_query_processing"])
        let root = spans[2]
        #expect(root.parentSpanID == nil)
        #expect(root.attributes == [
            "batch.operation": "llm_processing", "batch.size": 2, "batch.failed": 1, "batch.successful": 1,
        ])
        #expect(spans[0].parentSpanID == root.spanID && spans[1].parentSpanID == root.spanID)
        #expect(spans.allSatisfy { $0.traceID == root.traceID })
        #expect(spans[0].status == .ok && spans[0].attributes["query.success"] == .bool(true))
        #expect(spans[1].status == .error && spans[1].statusMessage == "boom")
        #expect(spans[1].exception?.message == "boom")
        #expect(spans[1].events.map(\.name) == ["exception"])
    }

    @Test("span and trace ids are W3C hex")
    func idsAreHex() throws {
        let (client, _) = try makeClient()
        let span = client.startSpan(name: "ids")
        #expect(span.spanID.description.count == 16)
        #expect(span.traceID.description.count == 32)
        #expect(span.traceparent == "00-\(span.traceID)-\(span.spanID)-01")
        span.end()
    }

    @Test("explicit parents work across tasks and threads while the parent is open")
    func crossTaskParent() async throws {
        let (client, exporter) = try makeClient()
        let parent = client.startSpan(name: "parent")
        let parentID = parent.spanID
        await withTaskGroup(of: Void.self) { group in
            for i in 0..<50 {
                group.addTask {
                    let child = client.startSpan(name: "child", parentSpanID: parentID, attributes: ["i": i])
                    child.end()
                }
            }
        }
        let thread = Thread {
            client.startSpan(name: "thread-child", parentSpanID: parentID).end()
        }
        thread.start()
        while !thread.isFinished { await Task.yield() }
        parent.end()
        await client.flush()
        let spans = exporter.spans
        #expect(spans.count == 52)
        #expect(spans.filter { $0.name != "parent" }.allSatisfy { $0.parentSpanID == parentID && $0.traceID == parent.traceID })
    }

    @Test("a parent id that names no open span starts a new trace, marked and counted")
    func unresolvedParent() async throws {
        let (client, exporter) = try makeClient()
        let finished = client.startSpan(name: "finished")
        let id = finished.spanID
        finished.end()
        let orphan = client.startSpan(name: "orphan", parentSpanID: id)
        orphan.end()
        await client.flush()
        let exported = try #require(exporter.spans.named("orphan"))
        #expect(exported.parentSpanID == nil)
        #expect(exported.traceID != finished.traceID)
        #expect(exported.attributes["noveum.parent.unresolved"] == .string(id.description))
        #expect(client.stats.unresolvedParents == 1)
    }

    @Test("manual spans started inside a closure nest under the active span")
    func manualInsideClosure() async throws {
        let (client, exporter) = try makeClient()
        client.traceOperation("outer") { outer in
            let manual = client.startSpan(name: "manual")
            client.finishSpan(manual)
            #expect(manual.parentSpanID == outer.spanContext.spanID)
        }
        await client.flush()
        #expect(exporter.spans.count == 2)
    }

    @Test("calls on an ended span are ignored and counted, never a crash")
    func endedSpanIsImmutable() async throws {
        let (client, exporter) = try makeClient()
        let span = client.startSpan(name: "once", attributes: ["a": 1])
        span.setStatus(.ok)
        client.finishSpan(span)
        span.setAttribute("a", 2)
        span.setAttributes(["b": true])
        span.setStatus(.error, "late")
        span.addEvent("late")
        span.recordException(TestError(message: "late"))
        span.updateName("renamed")
        client.finishSpan(span)
        await client.flush()
        #expect(exporter.spans.count == 1)
        let exported = try #require(exporter.spans.first)
        #expect(exported.name == "once")
        #expect(exported.attributes == ["a": 1])
        #expect(exported.status == .ok)
        #expect(exported.events.isEmpty)
        #expect(client.stats.ignoredCallsOnEndedSpans == 7)
    }

    @Test("a span released without being ended is exported as abandoned")
    func abandoned() async throws {
        let (client, exporter) = try makeClient()
        do {
            let span = client.startSpan(name: "forgotten")
            span.setAttribute("work", "started")
        }
        await client.flush()
        let exported = try #require(exporter.spans.first)
        #expect(exported.name == "forgotten")
        #expect(exported.attributes["noveum.span.abandoned"] == .bool(true))
        #expect(client.stats.spansAbandoned == 1)
    }

    @Test("events, links and kinds are recorded")
    func eventsLinksKinds() async throws {
        let (client, exporter) = try makeClient()
        let upstream = client.startSpan(name: "upstream")
        upstream.end()
        let span = client.startSpan(name: "consumer", kind: .consumer)
        span.addEvent("message.received", attributes: ["bytes": 120])
        span.addLink(upstream.spanContext, attributes: ["link.reason": "caused-by"])
        span.end()
        await client.flush()
        let exported = try #require(exporter.spans.named("consumer"))
        #expect(exported.kind == .consumer)
        #expect(exported.events.first?.name == "message.received")
        #expect(exported.events.first?.attributes == ["bytes": 120])
        #expect(exported.links == [NoveumSpan.Link(context: upstream.spanContext, attributes: ["link.reason": "caused-by"])])
    }
}
