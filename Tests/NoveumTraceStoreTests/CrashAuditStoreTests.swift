import Foundation
import NoveumTrace
import Testing

@testable import NoveumTraceStore

/// The store's sites of the crash audit (RELIABILITY.md, "Crash audit"): spool values that made ingestion fail for
/// good, and damaged store state that trapped or stopped it.
@Suite("Crash audit: the store ingests extreme token counts and recovers from damaged state")
struct CrashAuditStoreTests {
    /// Token counts come from span attributes (and those from model responses): two spans of one trace with
    /// `Int64.max` input tokens made SQLite's `SUM` fail with "integer overflow", so that ingest, and every later
    /// one reading the same spool lines, threw. The sums now saturate at `Int64.max`.
    @Test("token counts summing past Int64.max saturate in traces, sessions and stats")
    func tokenSumsSaturate() throws {
        let directory = try temporaryDirectory()
        try directory.create()
        let encoder = LocalSpanLineEncoder(project: "p", environment: "e", resource: Resource(attributes: [:]))
        let attributes: AttributeList = [
            "llm.model": "gpt-4o", "llm.input_tokens": .int(.max), "llm.output_tokens": .int(.max),
            "session.id": "s-1",
        ]
        let root = span(trace: 7, id: 1, name: "root", start: 1_000, duration: 100, attributes: attributes)
        let child = span(trace: 7, id: 2, parent: 1, name: "chat", start: 1_010, duration: 50, attributes: attributes)
        let plain = span(
            trace: 8, id: 3, name: "plain", start: 2_000, duration: 10, attributes: ["llm.input_tokens": 12])
        try LocalSpoolFile.append(
            encoder.encodeLine(root) + encoder.encodeLine(child) + encoder.encodeLine(plain), to: directory.spoolPath)

        let store = try TraceStore(directory: directory)
        let result = try store.ingestSpool()
        #expect(result.spans == 3 && result.malformedLines == 0)
        let trace = try store.trace(TraceID(high: 0xABCD, low: 7).description)
        #expect(trace.summary.inputTokens == .max && trace.summary.outputTokens == .max)
        #expect(trace.spans.count == 2)
        // Counts that do not overflow are exact, as before.
        #expect(try store.trace(TraceID(high: 0xABCD, low: 8).description).summary.inputTokens == 12)
        let sessions = try store.sessions()
        #expect(sessions.count == 1 && sessions[0].inputTokens == .max)
        let stats = try store.stats()
        let model = try #require(stats.byModel.first { $0.key == "gpt-4o" })
        #expect(model.calls == 2 && model.inputTokens == .max && model.outputTokens == .max)
        // The same records inserted again (as a second ingest of the lines would) replace, and still add up.
        try store.insert([record(root), record(child)])
        #expect(try store.trace(TraceID(high: 0xABCD, low: 7).description).summary.inputTokens == .max)
    }

    /// A damaged or hand-edited store: the largest sequence number already taken made `MAX(seq) + 1` overflow.
    @Test("a store whose sequence numbers reached Int64.max still takes new traces")
    func sequenceAtMaximum() throws {
        let directory = try temporaryDirectory()
        let store = try TraceStore(directory: directory)
        try store.insert([record(span(trace: 1, id: 1, name: "first", start: 1_000, duration: 10))])
        try store.write { db in try db.execute(sql: "UPDATE traces SET seq = 9223372036854775807") }
        try store.insert([
            record(span(trace: 2, id: 2, name: "second", start: 2_000, duration: 10)),
            record(span(trace: 3, id: 3, name: "third", start: 3_000, duration: 10)),
        ])
        #expect(try store.counts().traces == 3)
        #expect(try store.latestSequence() == .max)
    }

    /// A damaged store whose spool offset is negative read nothing, forever: every `pread` at it failed.
    @Test("a negative spool offset starts the spool over")
    func negativeSpoolOffset() throws {
        let directory = try temporaryDirectory()
        try directory.create()
        let encoder = LocalSpanLineEncoder(project: "p", environment: "e", resource: Resource(attributes: [:]))
        let store = try TraceStore(directory: directory)
        try store.write { db in
            try db.execute(
                sql: "INSERT INTO spool_state (path, offset) VALUES (?, -100)", arguments: [directory.spoolPath])
        }
        try LocalSpoolFile.append(
            encoder.encodeLine(span(trace: 4, id: 1, name: "after", start: 1_000, duration: 10)),
            to: directory.spoolPath)
        let result = try store.ingestSpool()
        #expect(result.spans == 1 && result.malformedLines == 0 && result.truncated)
        #expect(try store.counts().spans == 1)
    }
}
