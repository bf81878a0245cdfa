// Traces one priced LLM call into memory and checks what was exported; exits 1 on any difference.
//
// `lean-consumer otlp-env` instead calls `NoveumTrace.initialize` with no exporters in code: the process
// environment (`OTEL_EXPORTER_OTLP_ENDPOINT`) alone must make it send OTLP; it prints the trace id it sent.
import Foundation
import NoveumTrace
import NoveumTraceOTLP
import Synchronization

/// Keeps what it is given, for the check below.
final class Collected: SpanExporter {
    let spans = Mutex<[SpanData]>([])
    var name: String { "collected" }
    func export(_ batch: [SpanData]) async -> ExportResult {
        spans.withLock { $0.append(contentsOf: batch) }
        return .success
    }
}

func fail(_ message: String) -> Never {
    print("lean-consumer: FAIL: \(message)")
    exit(1)
}

if CommandLine.arguments.dropFirst().first == "otlp-env" {
    try NoveumTrace.initialize(project: "lean-consumer")
    let client = NoveumTrace.client
    let names = client.stats.exporters.map(\.name)
    guard names == ["otlp"] else { fail("exporters from the environment: \(names)") }
    let traceID = try await NoveumTrace.traceAgent("env-only") { agent in
        try await NoveumTrace.traceLLM(model: "gpt-4o", provider: "openai") { span in
            span.setUsage(input: 12, output: 3)
        }
        return agent.traceID
    }
    let undelivered = await NoveumTrace.shutdown()
    let exported = client.stats.spansExported
    guard undelivered == 0, exported == 2 else { fail("\(exported) spans exported, \(undelivered) not delivered") }
    print("lean-consumer: sent trace \(traceID) over OTLP from the environment alone (\(exported) spans)")
    exit(0)
}

let collected = Collected()
// An OTLP exporter is built from the core alone (no protobuf runtime); it is not started here.
let otlp = try OTLPExporter(.init(endpoint: "http://127.0.0.1:4318/v1/traces"), environment: [:])
guard otlp.settings.endpoint == "http://127.0.0.1:4318/v1/traces" else { fail("OTLP endpoint \(otlp.settings.endpoint)") }

try NoveumTrace.initialize(project: "lean-consumer", config: Configuration(exporters: [collected]))
let reply = try await NoveumTrace.traceLLM(model: "gpt-4o", provider: "openai") { span in
    span.setUsage(input: 1_000_000, output: 100_000)
    return "ok"
}
let undelivered = await NoveumTrace.shutdown()
let spans = collected.spans.withLock { $0 }
guard reply == "ok", undelivered == 0, spans.count == 1 else {
    fail("reply \(reply), undelivered \(undelivered), spans \(spans.count)")
}
guard case .double(let cost)? = spans[0].attributes["llm.cost.total"], cost > 0 else {
    fail("no llm.cost.total on the LLM span: \(spans[0].attributes)")
}
print("lean-consumer: priced \(spans[0].name) at \(cost) USD (price table \(PriceTable.shared.version))")
