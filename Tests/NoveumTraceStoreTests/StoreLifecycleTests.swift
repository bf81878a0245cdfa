import Foundation
@testable import NoveumTrace
import NoveumTraceStore
import Testing

@Suite("Store lifecycle")
struct StoreLifecycleTests {
    @Test("a file of garbage as the database is reported as a damaged store, with what to do")
    func damaged() throws {
        let directory = try temporaryDirectory()
        try Data(repeating: 0x5A, count: 8192).write(to: URL(fileURLWithPath: directory.storePath))
        #expect {
            _ = try TraceStore(directory: directory)
        } throws: { error in
            guard case TraceStoreError.damaged(let path, _) = error else { return false }
            return path == directory.storePath && (error as! TraceStoreError).description.contains("Move it aside")
        }
    }

    @Test("a folder with neither store nor spool is not found unless asked to create")
    func missing() throws {
        let directory = LocalTraceDirectory(path: NSTemporaryDirectory() + "noveum-missing-" + UUID().uuidString)
        #expect(throws: TraceStoreError.notFound(path: directory.path)) {
            _ = try TraceStore(directory: directory, create: false)
        }
        _ = try TraceStore(directory: directory, create: true)
        #expect(FileManager.default.fileExists(atPath: directory.storePath))
    }

    @Test("retention by age deletes old traces with their spans, attributes and events")
    func pruneByAge() throws {
        let store = try TraceStore(directory: try temporaryDirectory())
        try store.insert((0..<10).map { index in
            record(span(trace: UInt64(index + 1), id: 1, name: "t", start: UInt64(index) * 1_000, duration: 10,
                        attributes: ["k": "v"]))
        })
        let result = try store.prune(olderThanNanos: 5_000)
        #expect(result.deletedTraces == 5)
        let counts = try store.counts()
        #expect(counts.traces == 5 && counts.spans == 5)
        #expect(try store.traces(TraceQuery()).traces.allSatisfy { $0.startNanos >= 5_000 })
    }

    @Test("retention by size deletes the oldest traces until the data fits")
    func pruneBySize() throws {
        let store = try TraceStore(directory: try temporaryDirectory())
        let payload = String(repeating: "x", count: 2_000)
        try store.insert((0..<400).map { index in
            record(span(trace: UInt64(index + 1), id: 1, name: "t", start: UInt64(index), duration: 1,
                        attributes: ["payload": .string(payload)]))
        })
        let before = store.fileSize()
        let result = try store.prune(maxBytes: 300_000)
        #expect(result.deletedTraces > 0)
        #expect(result.bytesAfter < before)
        #expect(result.bytesAfter <= 400_000)
        let remaining = try store.traces(TraceQuery(sort: .oldest, limit: 1))
        #expect(remaining.total == 400 - result.deletedTraces)
        #expect(remaining.traces.first?.startNanos == UInt64(result.deletedTraces).toInt64)
    }

    @Test("LocalStoreExporter writes a client's spans straight into the store")
    func directExporter() async throws {
        let store = try TraceStore(directory: try temporaryDirectory())
        let client = try makeClient(LocalStoreExporter(store: store))
        client.traceOperation("root") { _ in
            client.traceOperation("child") { span in span.setAttribute("user.id", "alice") }
        }
        #expect(await client.flush() == 0)
        let page = try store.traces(TraceQuery())
        #expect(page.total == 1)
        #expect(page.traces[0].name == "root" && page.traces[0].spanCount == 2 && page.traces[0].userID == "alice")
        await client.shutdown()
    }
}

extension UInt64 {
    fileprivate var toInt64: Int64 { Int64(self) }
}
