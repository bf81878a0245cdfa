import Synchronization
import Testing
@testable import NoveumTrace

/// What an exporter saw of one span, copied out at export time (the exporter keeps no `SpanData`).
struct SeenSpan: Equatable {
    let name: String
    let spanID: SpanID
    let parentSpanID: SpanID?
    let attributes: AttributeList
    let status: NoveumSpan.Status
    let statusMessage: String?
    let events: Int
    let hasException: Bool
}

/// An exporter that copies out what it needs and keeps no reference to the spans, as a network exporter does.
final class CopyingExporter: SpanExporter, Sendable {
    private let seen = Mutex<[SeenSpan]>([])
    var name: String { "copying" }
    var spans: [SeenSpan] { seen.withLock { $0 } }

    func export(_ batch: [SpanData]) async -> ExportResult {
        let copies = batch.map {
            SeenSpan(
                name: $0.name, spanID: $0.spanID, parentSpanID: $0.parentSpanID, attributes: $0.attributes,
                status: $0.status, statusMessage: $0.statusMessage, events: $0.events.count,
                hasException: $0.exception != nil)
        }
        seen.withLock { $0.append(contentsOf: copies) }
        return .success
    }
}

@Suite("Record reuse")
struct RecordReuseTests {
    private func makeCopyingClient(batchSize: Int = 10, maxQueueSize: Int = 2048) throws -> (NoveumClient, CopyingExporter) {
        let exporter = CopyingExporter()
        let client = try NoveumClient(
            apiKey: nil, project: "p", environment: nil, endpoint: nil, serviceVersion: nil,
            config: Configuration(
                batchSize: batchSize, maxQueueSize: maxQueueSize, scheduleDelay: .seconds(600), exporters: [exporter]),
            processEnvironment: [:])
        return (client, exporter)
    }

    @Test("records of exported spans that nothing holds go back to the pool, and reused records carry nothing over")
    func reuse() async throws {
        // Batches larger than the test, so export runs only at flush: otherwise spans started later could take
        // records back from the pool between two counts.
        let (client, exporter) = try makeCopyingClient(batchSize: 100)
        for index in 0..<30 {
            let span = client.startSpan(name: "first-\(index)", attributes: ["old.attribute": index])
            span.addEvent("old event")
            span.recordException(TestError(message: "old failure"))
            span.setStatus(.error, "old status")
            span.end()
        }
        #expect(await client.flush() == 0)
        #expect(client.recordPool.count == 30)

        let parent = client.startSpan(name: "second-parent")
        let children = (0..<4).map { client.startSpan(name: "second-\($0)", parentSpanID: parent.spanID) }
        #expect(client.recordPool.count == 25)
        for child in children { child.end() }
        parent.end()
        #expect(await client.flush() == 0)

        let second = exporter.spans.dropFirst(30)
        #expect(second.map(\.name) == ["second-0", "second-1", "second-2", "second-3", "second-parent"])
        for span in second {
            #expect(span.attributes.isEmpty)
            #expect(span.status == .unset)
            #expect(span.statusMessage == nil)
            #expect(span.events == 0)
            #expect(!span.hasException)
        }
        #expect(second.prefix(4).allSatisfy { $0.parentSpanID == parent.spanContext.spanID })
        #expect(second.last?.parentSpanID == nil)
        #expect(Set(exporter.spans.map(\.spanID)).count == 35)
        let first = exporter.spans.prefix(30)
        #expect(first.map(\.name) == (0..<30).map { "first-\($0)" })
        #expect(first.allSatisfy { $0.status == .error && $0.events == 2 && $0.hasException })
    }

    @Test("a record that an exporter keeps is never reused or changed")
    func keptByExporter() async throws {
        let (client, exporter) = try makeClient(batchSize: 10)
        for index in 0..<20 { client.startSpan(name: "kept-\(index)", attributes: ["index": index]).end() }
        #expect(await client.flush() == 0)
        #expect(client.recordPool.count == 0)
        for index in 0..<20 { client.startSpan(name: "later-\(index)").end() }
        #expect(await client.flush() == 0)
        let kept = exporter.spans.prefix(20)
        #expect(kept.map(\.name) == (0..<20).map { "kept-\($0)" })
        #expect(kept.map { $0.attributes["index"] } == (0..<20).map { .int(Int64($0)) })
    }

    @Test("a span the app still holds keeps its record to itself")
    func heldByApp() async throws {
        let (client, exporter) = try makeCopyingClient()
        let held = (0..<10).map { index in
            let span = client.startSpan(name: "held-\(index)", attributes: ["index": index])
            span.end()
            return span
        }
        #expect(await client.flush() == 0)
        #expect(client.recordPool.count == 0)
        for _ in 0..<10 { client.startSpan(name: "other").end() }
        #expect(await client.flush() == 0)
        #expect(held.map(\.name) == (0..<10).map { "held-\($0)" })
        #expect(held.map { $0.attributeList["index"] } == (0..<10).map { .int(Int64($0)) })
        #expect(exporter.spans.count == 20)
    }

    @Test("spans from many tasks on reused records each export exactly what they recorded")
    func concurrentReuse() async throws {
        // A queue that holds every span, so none is dropped for a full queue while the tasks outrun the export.
        let (client, exporter) = try makeCopyingClient(batchSize: 50, maxQueueSize: 8192)
        let tasks = 8
        let perTask = 500
        await withTaskGroup(of: Void.self) { group in
            for task in 0..<tasks {
                group.addTask {
                    for index in 0..<perTask {
                        let span = client.startSpan(name: "t\(task)-\(index)", attributes: ["task": task])
                        span.setAttribute("index", index)
                        if index % 3 == 0 { span.setStatus(.error, "failed \(index)") }
                        span.end()
                    }
                }
            }
        }
        #expect(await client.flush() == 0)
        let spans = exporter.spans
        #expect(spans.count == tasks * perTask)
        #expect(Set(spans.map(\.name)).count == tasks * perTask)
        for span in spans {
            let parts = span.name.dropFirst().split(separator: "-").compactMap { Int($0) }
            #expect(span.attributes.count == 2)
            #expect(span.attributes["task"] == .int(Int64(parts[0])))
            #expect(span.attributes["index"] == .int(Int64(parts[1])))
            #expect(span.statusMessage == (parts[1] % 3 == 0 ? "failed \(parts[1])" : nil))
        }
        #expect(client.stats.spansExported == tasks * perTask)
    }

    @Test("the pool keeps at most its capacity")
    func capacity() {
        let pool = SpanRecordPool(capacity: 3)
        let context = SpanContext(traceID: TraceID(high: 1, low: 2), spanID: SpanID(rawValue: 3), isSampled: true)
        let batch = (0..<5).map { _ in SpanData(context: context, name: "s", startTimeNanos: 1, endTimeNanos: 2) }
        pool.recycle(consume batch)
        #expect(pool.count == 3)
        #expect(SpanRecordPool(capacity: 0).count == 0)
    }

    @Test("a shared batch gives nothing back")
    func sharedBatch() {
        let pool = SpanRecordPool(capacity: 10)
        let context = SpanContext(traceID: TraceID(high: 1, low: 2), spanID: SpanID(rawValue: 3), isSampled: true)
        let batch = (0..<5).map { _ in SpanData(context: context, name: "s", startTimeNanos: 1, endTimeNanos: 2) }
        let kept = batch
        pool.recycle(batch)
        #expect(pool.count == 0)
        #expect(kept.count == 5)
    }

    @Test("large contents are dropped before a record is pooled; usual ones are left for the next span to overwrite")
    func shedding() throws {
        let context = SpanContext(traceID: TraceID(high: 1, low: 2), spanID: SpanID(rawValue: 3), isSampled: true)
        let long = String(repeating: "x", count: SpanRecord.reusedValueBytes + 1)
        let large = SpanData(
            context: context, name: "s", startTimeNanos: 1, endTimeNanos: 2, statusMessage: long,
            attributes: ["short": "ok", "long": .string(long)], events: [NoveumSpan.Event(name: "e", timeNanos: 1)],
            exception: NoveumSpan.ExceptionInfo(type: "T", message: "m")
        ).record
        large.shedForReuse()
        #expect(large.attributes.isEmpty)
        #expect(large.events.isEmpty)
        #expect(large.exception == nil)
        #expect(large.statusMessage == nil)

        let usual = SpanData(
            context: context, name: "s", startTimeNanos: 1, endTimeNanos: 2, statusMessage: "short",
            attributes: ["a": 1, "b": "text"]
        ).record
        usual.shedForReuse()
        #expect(usual.attributes.count == 2)
        #expect(usual.statusMessage == "short")
        #expect(usual.name == "s")

        let longKeyAndName = SpanData(
            context: context, name: long, startTimeNanos: 1, endTimeNanos: 2, attributes: [long: 1, "short": 2]
        ).record
        longKeyAndName.shedForReuse()
        #expect(longKeyAndName.attributes.isEmpty)
        #expect(longKeyAndName.name.isEmpty)

        let (client, _) = try makeCopyingClient()
        usual.reinitialize(
            context: context, parentSpanID: nil, parentIsRemote: false, name: "next", kind: .client,
            startTimeNanos: 5, attributes: AttributeList(), client: client, baseContext: nil, contextSpanAtStart: nil)
        #expect(!usual.ended)
        #expect(usual.client === client)
        #expect(usual.attributes.isEmpty)
        #expect(usual.statusMessage == nil)
        #expect(usual.name == "next")
        #expect(usual.endTimeNanos == 0)
        #expect(usual.status == .unset)
    }

    @Test("a span's record is the next span's record once exported, and a pooled record lets go of its client")
    func oneObjectPerSpan() async throws {
        weak var weakClient: NoveumClient?
        do {
            let (client, exporter) = try makeCopyingClient(batchSize: 100)
            weakClient = client
            let first = client.startSpan(name: "first", attributes: ["a": 1])
            // Weak, so that the test's own reference does not keep the record from being reused.
            weak let record = first.recording
            let firstID = first.spanContext.spanID
            #expect(record != nil)
            first.end()
            _ = consume first
            #expect(await client.flush() == 0)
            #expect(client.recordPool.count == 1)
            #expect(record?.client == nil)
            #expect(record?.ended == true)

            let parent = client.startSpan(name: "parent")
            let second = client.startSpan(name: "second", parentSpanID: parent.spanID)  // registers the parent
            #expect(client.registry.lookup(parent.spanID) === record)
            #expect(parent.recording === record)
            #expect(second.recording !== record)
            #expect(record?.client === client)
            #expect(!parent.isEnded)
            #expect(parent.name == "parent")
            #expect(parent.attributeList.isEmpty)
            #expect(second.parentSpanID == parent.spanID)
            #expect(parent.spanID != firstID)
            #expect(parent.recording?.recordingClient === client)
            second.end()
            parent.end()
            #expect(client.registry.lookup(parent.spanID) == nil)
            // An ended span lets go of its client; a call on it is still counted.
            #expect(parent.recording?.recordingClient == nil)
            parent.setAttribute("late", 1)
            #expect(client.stats.ignoredCallsOnEndedSpans == 1)
            #expect(await client.flush() == 0)
            #expect(exporter.spans.map(\.name) == ["first", "second", "parent"])
            #expect(exporter.spans[0].attributes == ["a": 1])
            #expect(exporter.spans[2].attributes.isEmpty)
            #expect(exporter.spans[1].parentSpanID == exporter.spans[2].spanID)
            // The handles still hold their records, so only the first export's record went back.
            #expect(client.recordPool.count == 0)
            _ = await client.shutdown()
        }
        // Nothing pooled holds the client: it goes away with its last reference.
        #expect(weakClient == nil)

        // Nor does a queued span: a client dropped with ended spans still waiting for export goes away too.
        weak var weakQueued: NoveumClient?
        do {
            let (client, _) = try makeCopyingClient(batchSize: 100)
            weakQueued = client
            for index in 0..<3 { client.startSpan(name: "queued-\(index)").end() }
            #expect(client.stats.spansEnded == 3)
        }
        #expect(weakQueued == nil)
    }

    @Test("a span whose id was handed out is not pooled: its registry entry gave it a side table")
    func registeredNotPooled() async throws {
        let (client, exporter) = try makeCopyingClient(batchSize: 100)
        do {
            let span = client.startSpan(name: "registered")
            #expect(client.registry.lookup(span.spanID) != nil)
            span.end()
        }
        client.startSpan(name: "plain").end()
        #expect(await client.flush() == 0)
        #expect(exporter.spans.map(\.name) == ["registered", "plain"])
        #expect(client.recordPool.count == 1)
    }

    @Test("a sampled-out span reads no clock and keeps no state, and the counters still add up")
    func sampledOut() async throws {
        let (client, exporter) = try makeClient(samplingRate: 0)
        let span = client.startSpan(name: "dropped")
        #expect(!span.isRecording)
        #expect(span.startTimeNanos == 0)
        span.end()
        span.end()
        // A sampled-out span is a value with no state: no end state, and nothing to count as ignored.
        #expect(!span.isEnded)
        #expect(client.stats.ignoredCallsOnEndedSpans == 0)
        #expect(await client.flush() == 0)
        #expect(exporter.spans.isEmpty)
        let stats = client.stats
        #expect(stats.spansStarted == 1)
        #expect(stats.spansSampledOut == 1)
        #expect(stats.spansEnded == 0)
    }
}
