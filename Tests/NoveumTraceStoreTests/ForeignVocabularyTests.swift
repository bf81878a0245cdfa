import Foundation
import GRDB
import NoveumTrace
@testable import NoveumTraceStore
import Testing

/// Spans written by other SDKs fill the same columns as this SDK's: `list`, `stats` and the viewer show a Python LLM
/// call the way they show a Swift one.
@Suite("Foreign vocabularies")
struct ForeignVocabularyTests {
    @Test("OpenInference: model, provider, token counts, span kind")
    func openInference() {
        let fields = DerivedSpanFields([
            "openinference.span.kind": "LLM", "llm.model_name": "smollm2-135m-instruct", "llm.provider": "openai",
            "llm.token_count.prompt": 36, "llm.token_count.completion": 12, "llm.token_count.total": 48,
        ])
        #expect(fields.model == "smollm2-135m-instruct" && fields.provider == "openai" && fields.operation == "llm")
        #expect(fields.inputTokens == 36 && fields.outputTokens == 12)
        #expect(fields.cost == nil)  // not in the price table: no invented price
    }

    @Test("OpenTelemetry GenAI, current and older names, priced from the table when the span has no cost")
    func genAI() throws {
        let current = DerivedSpanFields([
            "gen_ai.operation.name": "chat", "gen_ai.provider.name": "openai", "gen_ai.request.model": "gpt-4o-mini",
            "gen_ai.usage.input_tokens": 1_000, "gen_ai.usage.output_tokens": 500, "gen_ai.conversation.id": "c1",
        ])
        #expect(current.model == "gpt-4o-mini" && current.provider == "openai" && current.operation == "llm")
        #expect(current.inputTokens == 1_000 && current.outputTokens == 500 && current.sessionID == "c1")
        let priced = try #require(
            PriceTable.shared.cost(model: "gpt-4o-mini", provider: "openai", usage: LLMUsage(inputTokens: 1_000, outputTokens: 500)))
        #expect(current.cost == priced.total && priced.total > 0)
        // OpenLLMetry and GenAI before 1.27: gen_ai.system, prompt/completion tokens, llm.request.type.
        let older = DerivedSpanFields([
            "gen_ai.system": "anthropic", "gen_ai.request.model": "claude-3-5-haiku", "llm.request.type": "chat",
            "gen_ai.usage.prompt_tokens": 10, "gen_ai.usage.completion_tokens": 4, "traceloop.span.kind": "task",
        ])
        #expect(older.provider == "anthropic" && older.inputTokens == 10 && older.outputTokens == 4)
        #expect(older.operation == "chain")  // traceloop's kind names the role before the request type
        let tool = DerivedSpanFields(["gen_ai.operation.name": "execute_tool", "gen_ai.tool.name": "search"])
        #expect(tool.operation == "tool" && tool.model == nil && tool.cost == nil)
    }

    @Test("the Python noveum SDK's llm.* names, and a span's own cost wins over the table")
    func noveumPython() {
        let fields = DerivedSpanFields([
            "llm.model": "gpt-4o", "llm.provider": "openai", "llm.input_tokens": 7, "llm.output_tokens": 3,
            "llm.cost.total": 0.5, "session.id": "s", "user.id": "u",
        ])
        #expect(fields.model == "gpt-4o" && fields.operation == "llm" && fields.cost == 0.5)
        #expect(fields.sessionID == "s" && fields.userID == "u")
        // Counts sent as doubles or strings (JSON from other SDKs) still count; nonsense does not.
        let loose = DerivedSpanFields(["llm.model_name": "m", "llm.token_count.prompt": 5.0, "llm.token_count.completion": "6"])
        #expect(loose.inputTokens == 5 && loose.outputTokens == 6)
        let nonsense = DerivedSpanFields(["llm.token_count.prompt": .double(.infinity), "llm.token_count.completion": "many"])
        #expect(nonsense.inputTokens == nil && nonsense.outputTokens == nil && nonsense.operation == nil)
    }

    @Test("stored spans keep their service, provider and operation; a trace lists its services, the root's first")
    func stored() throws {
        let store = try TraceStore(directory: try temporaryDirectory())
        let root = span(trace: 1, id: 1, name: "gateway", start: 100, duration: 50)
        var remote = span(trace: 1, id: 2, parent: 1, name: "POST /answer", start: 110, duration: 30)
        remote.parentIsRemote = true
        let llm = span(
            trace: 1, id: 3, parent: 2, name: "ChatCompletion", start: 120, duration: 10,
            attributes: ["openinference.span.kind": "LLM", "llm.model_name": "gpt-4o-mini", "llm.provider": "openai",
                "llm.token_count.prompt": 100, "llm.token_count.completion": 20])
        let python = Resource(attributes: [
            "service.name": "python-rag", "telemetry.sdk.language": "python", "telemetry.sdk.name": "opentelemetry",
            "telemetry.sdk.version": "1.45.2",
        ])
        try store.insert([
            LocalSpanRecord(span: llm, project: "p", environment: "e", resource: python),
            LocalSpanRecord(span: remote, project: "p", environment: "e", resource: python),
            record(root),
        ])
        let trace = try store.trace(traceHex(1))
        #expect(trace.summary.service == "svc" && trace.summary.services == ["svc", "python-rag"])
        #expect(trace.summary.name == "gateway")
        let spans = Dictionary(uniqueKeysWithValues: trace.spans.map { ($0.name, $0) })
        #expect(spans["POST /answer"]?.parentRemote == true && spans["gateway"]?.parentRemote == false)
        #expect(spans["ChatCompletion"]?.service == "python-rag")
        #expect(spans["ChatCompletion"]?.sdk == "python opentelemetry 1.45.2")
        #expect(spans["ChatCompletion"]?.operation == "llm" && spans["ChatCompletion"]?.provider == "openai")
        #expect(spans["ChatCompletion"]?.cost == PriceTable.shared.cost(
            model: "gpt-4o-mini", provider: "openai", usage: LLMUsage(inputTokens: 100, outputTokens: 20))?.total)
        #expect(trace.summary.inputTokens == 100 && trace.summary.model == "gpt-4o-mini")
        let stats = try store.stats(sinceNanos: nil)
        #expect(stats.byModel.map(\.key) == ["gpt-4o-mini"])
    }
}

@Suite("Store schema upgrade")
struct StoreUpgradeTests {
    @Test("a version 1 store (before per-span services) is upgraded in place and its traces still read")
    func fromVersion1() throws {
        let directory = try temporaryDirectory()
        do {
            let store = try TraceStore(directory: directory)
            try store.insert([record(span(trace: 9, id: 1, name: "old root", start: 1, duration: 5))])
        }
        // Turn it back into what version 1 wrote: no resources table, no per-span service columns.
        let queue = try DatabaseQueue(path: directory.storePath)
        try queue.writeWithoutTransaction { db in
            try db.execute(
                sql: """
                    DROP TABLE resources; DROP TABLE scores;
                    ALTER TABLE spans DROP COLUMN service; ALTER TABLE spans DROP COLUMN resource_id;
                    ALTER TABLE spans DROP COLUMN provider; ALTER TABLE spans DROP COLUMN operation;
                    ALTER TABLE traces DROP COLUMN services; ALTER TABLE spans DROP COLUMN attributes;
                    PRAGMA user_version = 1;
                    """)
            // Version 1 kept attributes one row each.
            try db.execute(
                sql: "INSERT INTO attributes VALUES ('000000000000abcd0000000000000009', '0000000000000001', 0, 'legacy', 's', 'kept')")
        }
        try queue.close()
        let store = try TraceStore(directory: directory)
        let id = traceHex(9)
        let old = try store.trace(id)
        #expect(old.summary.service == "svc" && old.summary.services == ["svc"] && old.spans.first?.service == nil)
        #expect(old.spans.first?.attributes.map(\.value) == ["kept"])
        #expect(try store.records(trace: id).first?.span.attributes["legacy"] == .string("kept"))
        try store.insert([record(span(trace: 9, id: 2, parent: 1, name: "new child", start: 2, duration: 1))])
        let updated = try store.trace(id)
        #expect(updated.summary.services == ["svc"] && updated.summary.name == "old root" && updated.spans.count == 2)
        #expect(try store.read { db in try Int.fetchOne(db, sql: "PRAGMA user_version") } == 3)
    }
}
