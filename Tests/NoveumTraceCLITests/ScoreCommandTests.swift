import Foundation
import NoveumTrace
import NoveumTraceStore
import Testing

/// `list --score` and the score tables of `stats`, over a store holding scores written by a client.
@Suite("Scores in the command")
struct ScoreCommandTests {
    @Test("list --score filters by value or label; stats prints averages and pass rates per model and operation")
    func listAndStats() async throws {
        let folder = try temporaryFolder()
        let directory = LocalTraceDirectory(path: folder)
        let client = try NoveumClient(
            project: "scores", config: Configuration(exporters: [LocalSpoolExporter(directory: directory)]))
        var ids: [String] = []
        for (relevance, liked) in [(0.2, false), (0.9, true), (0.7, true)] {
            let span = client.startSpan(name: "chat gpt-4o", attributes: ["gen_ai.request.model": "gpt-4o"])
            span.score(.number("relevance", relevance, source: .llmJudge))
            client.finishSpan(span)
            // The thumbs arrive later, by ids.
            client.score(.boolean("thumbs_up", liked, source: .human), traceID: span.traceID, spanID: span.spanID)
            ids.append(span.traceID.description)
        }
        await client.shutdown()

        let low = try await run(["list", "--dir", folder, "--score", "relevance<0.5", "--json"])
        #expect(low.contains(ids[0]) && !low.contains(ids[1]) && !low.contains(ids[2]))
        let disliked = try await run(["list", "--dir", folder, "--score", "thumbs_up=fail", "--json"])
        #expect(disliked.contains(ids[0]) && !disliked.contains(ids[1]))
        await #expect(throws: (any Error).self) { try await run(["list", "--dir", folder, "--score", "relevance<"]) }

        let stats = try await run(["stats", "--dir", folder])
        #expect(stats.contains("SCORES BY MODEL"))
        let relevanceRow = try #require(stats.split(separator: "\n").first { $0.contains("relevance") && $0.contains("gpt-4o") })
        #expect(relevanceRow.contains("0.600"))
        let thumbsRow = try #require(stats.split(separator: "\n").first { $0.contains("thumbs_up") && $0.contains("gpt-4o") })
        #expect(thumbsRow.contains("66.7%"))
        let json = try await run(["stats", "--dir", folder, "--json"])
        #expect(json.contains("\"scores_by_model\"") && json.contains("\"pass"))

        // `list` shows each trace's latest score of each name; `show` puts each score under the span it evaluates.
        let list = try await run(["list", "--dir", folder])
        let firstRow = try #require(list.split(separator: "\n").first { $0.hasPrefix(ids[0].prefix(12)) })
        #expect(firstRow.hasSuffix("relevance 0.2, thumbs_up fail"))
        let shown = try await run(["show", ids[0], "--dir", folder]).split(separator: "\n").map(String.init)
        let spanLine = try #require(shown.firstIndex { $0.hasPrefix("chat gpt-4o") })
        #expect(shown[spanLine + 1].trimmingCharacters(in: .whitespaces) == "★ relevance 0.2 · llm_judge")
        #expect(shown[spanLine + 2].trimmingCharacters(in: .whitespaces) == "★ thumbs_up fail · human · late")
    }

    @Test("export carries the scores: the event on the scored span, and a late score's evaluation span with its event")
    func exportIncludesScores() async throws {
        let folder = try temporaryFolder()
        let client = try NoveumClient(
            project: "scores",
            config: Configuration(exporters: [LocalSpoolExporter(directory: LocalTraceDirectory(path: folder))]))
        let span = client.startSpan(name: "chat gpt-4o")
        span.score(.number("relevance", 0.25, source: .llmJudge, explanation: "off topic"))
        client.finishSpan(span)
        client.score(.boolean("thumbs_up", false, source: .human), traceID: span.traceID, spanID: span.spanID)
        // A span this process never recorded: the score is kept, and `show` lists it apart.
        let elsewhere = TraceID(high: 0xabc, low: 0xdef)
        client.score(.number("relevance", 0.1, source: .human), traceID: elsewhere, spanID: SpanID(rawValue: 0x77))
        await client.shutdown()
        let shown = try await run(["show", elsewhere.description, "--dir", folder])
        #expect(shown.contains("Scores on the whole trace, or on spans not recorded here:\n  ★ relevance 0.1 · human · late (span 0000000000000077)"))

        let otlp = try jsonObject(try await run(["export", span.traceID.description, "--dir", folder])) as! [String: Any]
        let spans = ((otlp["resourceSpans"] as! [[String: Any]]).flatMap { $0["scopeSpans"] as! [[String: Any]] })
            .flatMap { $0["spans"] as! [[String: Any]] }
        func events(_ name: String) throws -> [[String: Any]] {
            try #require(spans.first { $0["name"] as? String == name }?["events"] as? [[String: Any]])
        }
        func attribute(_ event: [String: Any], _ key: String) -> [String: Any]? {
            (event["attributes"] as? [[String: Any]])?.first { $0["key"] as? String == key }?["value"] as? [String: Any]
        }
        let scored = try events("chat gpt-4o")
        #expect(scored.map { $0["name"] as? String } == ["gen_ai.evaluation.result"])
        #expect(attribute(scored[0], "gen_ai.evaluation.score.value")?["doubleValue"] as? Double == 0.25)
        #expect(attribute(scored[0], "gen_ai.evaluation.explanation")?["stringValue"] as? String == "off topic")
        let late = try #require(spans.first { $0["name"] as? String == "evaluation thumbs_up" })
        #expect(late["parentSpanId"] as? String == span.spanID.description)
        let lateEvents = try events("evaluation thumbs_up")
        #expect(attribute(lateEvents[0], "gen_ai.evaluation.score.label")?["stringValue"] as? String == "fail")

        let noveum = try await run(["export", span.traceID.description, "--dir", folder, "--format", "noveum"])
        #expect(noveum.components(separatedBy: "gen_ai.evaluation.result").count - 1 == 2)
    }
}

@Suite("Feedback from another process")
struct CrossProcessScoreTests {
    @Test(
        "process A traces and prints its ids; process B (noveum-trace score) scores the span; the store shows it on A's span",
        .enabled(if: commandBinary != nil, "needs the noveum-trace executable (swift build --build-tests builds it)"))
    func feedbackFromAnotherProcess() async throws {
        let folder = try temporaryFolder()
        func launch(_ arguments: [String]) async throws -> String {
            let (status, output) = try await runToEnd(try #require(commandBinary), arguments)
            #expect(status == 0)
            return output
        }
        // Process A: a traced workflow, through the spool; its trace ids come back as JSON.
        let demo = try await launch(["demo", "--dir", folder, "--runs", "1", "--via-spool", "--no-latency", "--offline", "--json"])
        let store = try TraceStore(directory: LocalTraceDirectory(path: folder))
        try store.ingestSpool()
        let trace = try #require(try store.traces(TraceQuery(limit: 1)).traces.first)
        #expect(demo.contains(trace.traceID))
        let target = try #require(try store.trace(trace.traceID).spans.first { $0.parentSpanID != nil })
        // Process B: only the ids.
        let said = try await launch([
            "score", "00-\(trace.traceID)-\(target.spanID)-01", "--dir", folder, "--name", "thumbs_up", "--fail",
            "--explanation", "wrong city",
        ])
        #expect(said.contains("scored \(trace.traceID) span \(target.spanID)"))
        try store.ingestSpool()
        // The demo scored its answer and its root while they were open; the late score is the third.
        let all = try store.scores(trace: trace.traceID)
        #expect(all.map(\.name) == ["context_overlap", "user_feedback", "thumbs_up"])
        let scores = all.filter(\.late)
        #expect(scores.count == 1)
        #expect(scores.first?.spanID == target.spanID && scores.first?.label == "fail" && scores.first?.late == true)
        #expect(scores.first?.source == "human" && scores.first?.explanation == "wrong city")
    }
}
