import Foundation
import NoveumTrace
import NoveumTraceStore
import Testing

@Suite("Store queries")
struct StoreQueryTests {
    /// Ten traces: a root and an LLM child each; odd traces fail; models alternate; two sessions.
    func filledStore() throws -> TraceStore {
        let store = try TraceStore(directory: try temporaryDirectory())
        var records: [LocalSpanRecord] = []
        for index in 0..<10 {
            let trace = UInt64(index + 1)
            let start = UInt64(1_000_000_000_000 + index * 1_000_000_000)
            records.append(
                record(
                    span(
                        trace: trace, id: 1, name: index % 2 == 0 ? "answer" : "plan", start: start,
                        duration: UInt64(index + 1) * 10_000_000, status: index % 2 == 1 ? .error : .ok,
                        attributes: ["session.id": .string("s\(index % 2)"), "user.id": "u"])))
            records.append(
                record(
                    span(
                        trace: trace, id: 2, parent: 1, name: "chat", start: start + 1_000,
                        duration: UInt64(index + 1) * 1_000_000,
                        attributes: [
                            "llm.model": .string(index % 2 == 0 ? "gpt-4o" : "gpt-4o-mini"),
                            "llm.input_tokens": .int(100), "llm.output_tokens": .int(10), "llm.cost.total": 0.01,
                        ])))
        }
        try store.insert(records)
        return store
    }

    @Test("list: derived columns, filters, sorting, paging")
    func list() throws {
        let store = try filledStore()
        let all = try store.traces(TraceQuery())
        #expect(all.total == 10)
        #expect(all.traces.first?.startNanos == 1_009_000_000_000)  // newest first
        let first = try #require(all.traces.last)
        #expect(first.inputTokens == 100 && first.outputTokens == 10 && first.cost == 0.01)
        #expect(first.model == "gpt-4o" && first.sessionID == "s0" && first.userID == "u")
        #expect(first.spanCount == 2 && first.durationNanos == 10_000_000)
        #expect(try store.traces(TraceQuery(status: "error")).total == 5)
        #expect(try store.traces(TraceQuery(name: "pla")).total == 5)
        #expect(try store.traces(TraceQuery(model: "gpt-4o-mini")).total == 5)
        #expect(try store.traces(TraceQuery(session: "s0")).total == 5)
        #expect(try store.traces(TraceQuery(search: "mini")).total == 5)
        #expect(try store.traces(TraceQuery(sinceNanos: 1_005_000_000_000)).total == 5)
        let slowest = try store.traces(TraceQuery(sort: .slowest, limit: 3, offset: 1))
        #expect(slowest.traces.map(\.durationNanos) == [90_000_000, 80_000_000, 70_000_000])
        #expect(throws: TraceStoreError.self) { try store.traces(TraceQuery(status: "weird")) }
    }

    @Test("show: a prefix names one trace; unknown and ambiguous prefixes are explained")
    func prefixes() throws {
        let store = try filledStore()
        let id = TraceID(high: 0xABCD, low: 3).description
        let trace = try store.trace(String(id.prefix(32)))
        #expect(trace.spans.count == 2)
        #expect(trace.spans[1].parentSpanID == trace.spans[0].spanID)
        #expect(trace.spans[1].attributes.contains { $0.key == "llm.model" })
        #expect(try store.resolveTraceID(id.uppercased()) == id)
        #expect(try store.resolveTraceID(String(id.prefix(31)) + "3") == id)
        #expect(throws: TraceStoreError.traceNotFound("ffff")) { try store.trace("ffff") }
        #expect {
            try store.trace("0000")
        } throws: { error in
            if case TraceStoreError.ambiguousPrefix = error { return true }
            return false
        }
        #expect {
            try store.trace("ab")
        } throws: { error in
            if case TraceStoreError.invalidArgument = error { return true }
            return false
        }
    }

    @Test("stats: calls, error rate, nearest-rank percentiles, tokens and cost by model and by operation")
    func stats() throws {
        let store = try filledStore()
        let report = try store.stats()
        #expect(report.traceCount == 10)
        let model = try #require(report.byModel.first { $0.key == "gpt-4o" })
        #expect(model.calls == 5 && model.errors == 0)
        #expect(model.inputTokens == 500 && model.outputTokens == 50)
        #expect(abs(model.cost - 0.05) < 1e-9)
        // gpt-4o spans last 1, 3, 5, 7, 9 ms: p50 is the 3rd, p95 and p99 the 5th.
        #expect(model.p50Nanos == 5_000_000 && model.p95Nanos == 9_000_000 && model.p99Nanos == 9_000_000)
        let plan = try #require(report.byOperation.first { $0.key == "plan" })
        #expect(plan.calls == 5 && plan.errors == 5 && plan.errorRate == 1)
        let recent = try store.stats(sinceNanos: 1_005_000_000_000)
        #expect(recent.traceCount == 5)
        #expect(recent.byModel.map(\.calls).reduce(0, +) == 5)
    }

    @Test("sessions group traces by session id")
    func sessions() throws {
        let sessions = try filledStore().sessions()
        #expect(sessions.count == 2)
        #expect(sessions.allSatisfy { $0.traceCount == 5 && $0.inputTokens == 500 })
        #expect(sessions.first { $0.sessionID == "s1" }?.errorCount == 5)
    }

    @Test("export records rebuild the stored spans")
    func records() throws {
        let store = try filledStore()
        let records = try store.records(trace: TraceID(high: 0xABCD, low: 2).description)
        #expect(records.map(\.span.name) == ["plan", "chat"])
        #expect(records[0].span.status == .error)
        #expect(records[1].span.attributes["llm.input_tokens"] == .int(100))
        #expect(records[1].resource.serviceName == "svc")
        #expect(try store.records(sinceNanos: 1_008_000_000_000, untilNanos: nil).count == 4)
    }

    @Test("tail follows updates in sequence order")
    func sequence() throws {
        let store = try filledStore()
        let latest = try store.latestSequence()
        #expect(try store.traces(updatedAfter: latest).isEmpty)
        try store.insert([record(span(trace: 99, id: 1, name: "late", start: 5, duration: 5))])
        #expect(try store.traces(updatedAfter: latest).map(\.name) == ["late"])
    }
}
