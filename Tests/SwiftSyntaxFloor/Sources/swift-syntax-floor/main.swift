// Every macro of NoveumTraceMacros, expanded by a plugin built against the oldest swift-syntax accepted; the spans
// they make are checked, and any difference exits 1.
import Foundation
import NoveumTrace
import NoveumTraceMacros
import Synchronization

final class Collected: SpanExporter {
    let spans = Mutex<[SpanData]>([])
    func export(_ batch: [SpanData]) async -> ExportResult {
        spans.withLock { $0.append(contentsOf: batch) }
        return .success
    }
}

@Trace
func plan(_ goal: String) -> String { "plan for \(goal)" }

@TraceLLM(model: "gpt-4o", provider: "openai")
func complete(_ prompt: String) async throws -> String { "answer to \(prompt)" }

@TraceTool
func lookUp(_ city: String) throws -> Int { city.count }

@TraceRetrieval
func retrieve(_ query: String) async -> [String] { [query, query] }

@TraceAgent(name: "planner")
func runAgent(_ goal: String) async throws -> String {
    let steps = plan(goal)
    _ = try lookUp("Paris")
    _ = await retrieve(goal)
    return try await complete(steps)
}

let collected = Collected()
try NoveumTrace.initialize(project: "swift-syntax-floor", config: Configuration(exporters: [collected]))
let answer = try await runAgent("tea")
await NoveumTrace.shutdown()
let spans = collected.spans.withLock { $0 }
guard answer == "answer to plan for tea", spans.count == 5,
    let root = spans.first(where: { $0.parentSpanID == nil }),
    spans.allSatisfy({ $0.traceID == root.traceID }),
    spans.filter({ $0.parentSpanID == root.spanID }).count == 4
else {
    print("swift-syntax-floor: FAIL: answer \(answer), spans \(spans.map(\.name))")
    exit(1)
}
print("swift-syntax-floor: \(spans.count) spans in one trace: \(spans.map(\.name).sorted().joined(separator: ", "))")
