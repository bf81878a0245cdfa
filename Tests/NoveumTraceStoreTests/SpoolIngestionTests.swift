import Foundation
import NoveumTrace
import NoveumTraceStore
import Testing

@Suite("Spool ingestion")
struct SpoolIngestionTests {
    @Test("what the LocalSpoolExporter writes is ingested exactly: counts, ids, parents")
    func exactIngestion() async throws {
        let directory = try temporaryDirectory()
        let client = try makeClient(LocalSpoolExporter(directory: directory))
        var expected: [String: (parent: String?, name: String)] = [:]
        for index in 0..<20 {
            client.traceOperation("root-\(index)", attributes: ["session.id": "s-\(index % 3)"]) { root in
                expected[root.spanID.description] = (nil, "root-\(index)")
                for child in 0..<3 {
                    client.traceOperation("child-\(child)") { span in
                        expected[span.spanID.description] = (root.spanID.description, "child-\(child)")
                    }
                }
            }
        }
        #expect(await client.shutdown() == 0)
        let store = try TraceStore(directory: directory)
        let result = try store.ingestSpool()
        #expect(result.spans == 80)
        #expect(result.malformedLines == 0)
        #expect(result.truncated)
        let counts = try store.counts()
        #expect(counts.traces == 20 && counts.spans == 80)
        let page = try store.traces(TraceQuery(limit: 100))
        #expect(page.total == 20)
        var seen = 0
        for summary in page.traces {
            #expect(summary.spanCount == 4)
            #expect(summary.name.hasPrefix("root-"))
            let trace = try store.trace(summary.traceID)
            for span in trace.spans {
                let want = try #require(expected[span.spanID])
                #expect(span.parentSpanID == want.parent)
                #expect(span.name == want.name)
                seen += 1
            }
        }
        #expect(seen == 80)
        // Nothing new: a second ingest adds nothing.
        #expect(try store.ingestSpool().spans == 0)
        #expect(try store.counts().spans == 80)
    }

    @Test("a line without its newline yet waits; malformed lines are skipped and counted")
    func partialLines() throws {
        let directory = try temporaryDirectory()
        try directory.create()
        let encoder = LocalSpanLineEncoder(project: "p", environment: "e", resource: Resource(attributes: [:]))
        let first = encoder.encodeLine(span(trace: 1, id: 1, name: "a", start: 1_000, duration: 10))
        let second = encoder.encodeLine(span(trace: 1, id: 2, parent: 1, name: "b", start: 1_001, duration: 5))
        try LocalSpoolFile.append(first + Array("not json\n".utf8) + Array(second.dropLast()), to: directory.spoolPath)
        let store = try TraceStore(directory: directory)
        let partial = try store.ingestSpool()
        #expect(partial.spans == 1)
        #expect(partial.malformedLines == 1)
        #expect(!partial.truncated)
        try LocalSpoolFile.append([UInt8(ascii: "\n")], to: directory.spoolPath)
        let rest = try store.ingestSpool()
        #expect(rest.spans == 1)
        #expect(rest.truncated)
        let trace = try store.trace(TraceID(high: 0xABCD, low: 1).description)
        #expect(trace.spans.map(\.name) == ["a", "b"])
        #expect(trace.summary.name == "a")
    }

    @Test("concurrent writers and ingesters: every line stored exactly once")
    func concurrentWritersAndIngesters() async throws {
        let directory = try temporaryDirectory()
        try directory.create()
        let writers = 6
        let perWriter = 300
        // Separate store instances have separate connections, as separate processes do.
        let stores = try (0..<3).map { _ in try TraceStore(directory: directory) }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for writer in 0..<writers {
                group.addTask {
                    let encoder = LocalSpanLineEncoder(project: "p", environment: "e", resource: Resource(attributes: [:]))
                    for index in 0..<perWriter {
                        let trace = UInt64(writer * 10_000 + index)
                        let line = encoder.encode([
                            span(trace: trace, id: 1, name: "root", start: 1_000 + trace, duration: 100),
                            span(trace: trace, id: 2, parent: 1, name: "child", start: 1_010 + trace, duration: 50),
                        ])
                        try LocalSpoolFile.append(line, to: directory.spoolPath)
                    }
                }
            }
            for store in stores {
                group.addTask {
                    for _ in 0..<15 {
                        try store.ingestSpool()
                        await Task.yield()
                    }
                }
            }
            try await group.waitForAll()
        }
        try stores[0].ingestSpool()
        let counts = try stores[1].counts()
        #expect(counts.traces == writers * perWriter)
        #expect(counts.spans == writers * perWriter * 2)
        let page = try stores[2].traces(TraceQuery(limit: 10_000))
        #expect(page.traces.allSatisfy { $0.spanCount == 2 && $0.name == "root" })
    }

    @Test("concurrent direct inserts from several tasks through several connections")
    func concurrentInserts() async throws {
        let directory = try temporaryDirectory()
        let stores = try (0..<4).map { _ in try TraceStore(directory: directory) }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (index, store) in stores.enumerated() {
                group.addTask {
                    for batch in 0..<10 {
                        let records = (0..<20).map { n in
                            record(
                                span(
                                    trace: UInt64(index * 1_000 + batch * 20 + n), id: 1, name: "t", start: 5,
                                    duration: 1))
                        }
                        try store.insert(records)
                    }
                }
            }
            try await group.waitForAll()
        }
        let counts = try stores[0].counts()
        #expect(counts.traces == 800 && counts.spans == 800)
    }
}
