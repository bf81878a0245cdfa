import Foundation
import NoveumTrace
import NoveumTraceCLI
import NoveumTraceStore
import Testing

@Suite("noveum-trace commands")
struct CommandTests {
    @Test("demo records the workflow and prints its tree: every step, the failing tool call highlighted")
    func demo() async throws {
        let folder = try temporaryFolder()
        let output = try await run(["demo", "--dir", folder, "--no-latency", "--offline"])
        for name in demoSpanNames { #expect(output.contains(name)) }
        #expect(output.contains("ERROR"))
        #expect(output.contains("order-status service did not answer within 2s"))
        #expect(output.contains("▏"))
        #expect(output.contains("Recorded 1 trace"))
        let store = try TraceStore(directory: LocalTraceDirectory(path: folder))
        let page = try store.traces(TraceQuery())
        #expect(page.total == 1)
        let trace = try store.trace(page.traces[0].traceID)
        #expect(Set(trace.spans.map(\.name)) == Set(demoSpanNames))
        #expect(trace.summary.status == "error" && trace.summary.errorCount == 1)
        #expect(trace.summary.inputTokens > 0 && trace.summary.cost > 0)
        #expect(trace.summary.sessionID == "demo-session-1")
        let llm = try #require(trace.spans.first { $0.name == "response_generation gpt-4" })
        #expect(llm.attributes.contains { $0.key == "llm.prompt" })
        #expect(llm.attributes.contains { $0.key == "llm.completion" })
    }

    @Test("list: table, JSON, filters and paging")
    func list() async throws {
        let (folder, ids) = try await demoFolder(runs: 3)
        let table = try await run(["list", "--dir", folder])
        for id in ids { #expect(table.contains(String(id.prefix(12)))) }
        #expect(table.contains("1–3 of 3"))
        let page = try jsonObject(try await run(["list", "--dir", folder, "--json", "--limit", "2", "--page", "2"]))
            as! [String: Any]
        #expect(page["total"] as? Int == 3)
        #expect((page["traces"] as? [Any])?.count == 1)
        let filtered = try jsonObject(
            try await run(["list", "--dir", folder, "--json", "--model", "gpt-4", "--status", "error", "--since", "1h"]))
            as! [String: Any]
        #expect(filtered["total"] as? Int == 3)
        let none = try await run(["list", "--dir", folder, "--session", "nobody"])
        #expect(none.contains("No traces match"))
        await #expect(throws: (any Error).self) { try await run(["list", "--dir", folder, "--sort", "sideways"]) }
    }

    @Test("show: by prefix, tree and JSON")
    func show() async throws {
        let (folder, ids) = try await demoFolder(runs: 2)
        let tree = try await run(["show", "--dir", folder, String(ids[0].prefix(8))])
        #expect(tree.contains(ids[0]))
        #expect(tree.contains("├─ query_enhancement gpt-3.5-turbo"))
        #expect(tree.contains("└─ execute_tool fetch_order_status"))
        let json = try jsonObject(try await run(["show", "--dir", folder, ids[1], "--json"])) as! [String: Any]
        #expect((json["spans"] as? [Any])?.count == 5)
        await #expect(throws: TraceStoreError.self) { try await run(["show", "--dir", folder, "ffffffff"]) }
    }

    @Test("stats: by model and by operation, table and JSON")
    func stats() async throws {
        let (folder, _) = try await demoFolder(runs: 3)
        let table = try await run(["stats", "--dir", folder])
        #expect(table.contains("BY MODEL") && table.contains("BY OPERATION"))
        #expect(table.contains("gpt-4") && table.contains("100.0%"))
        let report = try jsonObject(try await run(["stats", "--dir", folder, "--json"])) as! [String: Any]
        let byModel = report["by_model"] as! [[String: Any]]
        #expect(Set(byModel.map { $0["key"] as! String }) == ["gpt-4", "gpt-3.5-turbo"])
        #expect(byModel.allSatisfy { $0["calls"] as? Int == 3 })
        let tool = (report["by_operation"] as! [[String: Any]]).first { $0["key"] as? String == "execute_tool fetch_order_status" }
        #expect(tool?["error_rate"] as? Double == 1)
    }

    @Test("export: OTLP JSON, Noveum JSON and local lines, by trace and by time range")
    func export() async throws {
        let (folder, ids) = try await demoFolder(runs: 2)
        let otlp = try await run(["export", "--dir", folder, ids[0]])
        let request = try jsonObject(otlp) as! [String: Any]
        let resourceSpans = request["resourceSpans"] as! [[String: Any]]
        let scopeSpans = resourceSpans[0]["scopeSpans"] as! [[String: Any]]
        #expect((scopeSpans[0]["spans"] as! [Any]).count == 5)
        let noveum = try jsonObject(try await run(["export", "--dir", folder, ids[1], "--format", "noveum"])) as! [String: Any]
        #expect((noveum["traces"] as! [Any]).count == 1)
        let file = folder + "/export.jsonl"
        _ = try await run(["export", "--dir", folder, "--since", "1h", "--format", "local", "--output", file])
        let lines = try String(contentsOfFile: file, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 10)
        let decoded = try lines.map { try LocalSpanLineDecoder.decode(Data($0.utf8)) }
        #expect(Set(decoded.map(\.span.traceID.description)) == Set(ids))
        await #expect(throws: (any Error).self) { try await run(["export", "--dir", folder]) }
    }

    @Test("prune: by age removes nothing recent; everything older than zero seconds goes")
    func prune() async throws {
        let (folder, _) = try await demoFolder(runs: 2)
        #expect(try await run(["prune", "--dir", folder, "--older-than", "1h"]).contains("Deleted 0 traces"))
        let result = try jsonObject(try await run(["prune", "--dir", folder, "--older-than", "0s", "--json"]))
            as! [String: Any]
        #expect(result["deleted_traces"] as? Int == 2)
        #expect(try await run(["list", "--dir", folder]).contains("No traces match"))
        await #expect(throws: (any Error).self) { try await run(["prune", "--dir", folder]) }
    }

    @Test("tail prints the latest traces, then new ones as the SDK spools them")
    func tail() async throws {
        let (folder, ids) = try await demoFolder(runs: 2)
        // A spooled trace, as an app with no API key writes it.
        let client = try NoveumClient(
            apiKey: nil, project: "app", environment: "dev",
            config: Configuration(
                scheduleDelay: .seconds(600), exporters: [LocalSpoolExporter(directory: LocalTraceDirectory(path: folder))]))
        client.traceOperation("spooled-request") { _ in }
        #expect(await client.shutdown() == 0)
        let output = try await run(["tail", "--dir", folder, "--last", "3", "--interval", "10", "--stop-after", "3"])
        #expect(output.contains(String(ids[1].prefix(12))))
        #expect(output.contains("spooled-request"))
    }

    @Test("a damaged store and a missing store give helpful errors")
    func damagedAndMissing() async throws {
        let folder = try temporaryFolder()
        await #expect {
            try await run(["list", "--dir", folder])
        } throws: { error in
            (error as? TraceStoreError)?.description.contains("noveum-trace demo") == true
        }
        try Data("this is not a database, just garbage bytes".utf8).write(
            to: URL(fileURLWithPath: folder + "/traces.sqlite"))
        for command in [["list"], ["stats"], ["show", "abcd"]] {
            await #expect {
                try await run(command + ["--dir", folder])
            } throws: { error in
                guard case TraceStoreError.damaged = error else { return false }
                return (error as! TraceStoreError).description.contains("damaged")
            }
        }
    }
}
