// noveum-profile: runs one workload of the suite N times in a plain loop, for profilers.
//
//   valgrind --tool=callgrind .build/release/noveum-profile start-finish 100000
//   NOVEUM_PROFILE_TIME=1 .build/release/noveum-profile trace-operation 1000000   # wall and thread CPU per span
//
// Instructions per span, reproducibly: run it with two counts and divide the difference in instructions by the
// difference in spans (that removes start-up and the pipeline's set-up).
//
// The main thread stays synchronous (async work runs in a task it waits for): valgrind 3.19 crashes when the main
// thread parks in libdispatch's main loop, as it does for a top-level `await`.
import BenchmarkSupport
import Dispatch
import NoveumTrace
import Tracing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

let arguments = Array(CommandLine.arguments.dropFirst())
guard arguments.count >= 2, let count = Int(arguments[1]) else {
    print("usage: noveum-profile <start-finish|sampled-out|noop-tracer|noop-with-span|trace-operation[-sampled-out]|trace-operation-attributes[-sampled-out]|trace-operation-async|four-attributes-dictionary-sampled-out|four-attributes|four-attributes-dictionary|llm|macro-sync[-by-hand]|macro-async[-by-hand]|encode-noveum-json|deliver-noveum-json[-gzip]|deliver-otlp-gzip|deliver-four-{noveum-json,otlp}-gzip|price-lookup[-new-model]|price-table-parse|trace-of-ten> <spans>")
    exit(2)
}
let exporter = DiscardingExporter()
// A queue that holds every span: under valgrind the export thread runs rarely, and spans dropped for a full queue
// would leave the export side out of the count.
let client = Fixtures.client(exporters: [exporter], maxQueueSize: count + 1_024)
let sampledOut = Fixtures.client(samplingRate: 0, exporters: [DiscardingExporter()])
try NoveumTrace.install(client)

/// A span on `client` given the four attributes of the suite in one dictionary literal.
@inline(__always)
func fourAttributesDictionary(_ client: NoveumClient) {
    let span = client.startSpan(name: "op")
    setFourAttributes(span)
    client.finishSpan(span)
}

/// The suite's four attributes (string, int, double, bool) in one dictionary literal.
@inline(__always)
func setFourAttributes(_ span: NoveumSpan) {
    span.setAttributes(["attr.string": "value", "attr.int": 42, "attr.double": 3.25, "attr.bool": true])
}

/// Runs `body` in a task and waits for it on this thread.
func blocking(_ body: @escaping @Sendable () async -> Void) {
    let done = DispatchSemaphore(value: 0)
    Task.detached {
        await body()
        done.signal()
    }
    done.wait()
}

// NOVEUM_PROFILE_TIME=1 prints the loop's wall time and this thread's CPU time per span (for the synchronous
// workloads, the cost on the caller's thread alone: time the scheduler gave another process is not in it).
let timed = getenv("NOVEUM_PROFILE_TIME") != nil
let wallStart = nanoseconds(on: CLOCK_MONOTONIC)
let cpuStart = nanoseconds(on: CLOCK_THREAD_CPUTIME_ID)

switch arguments[0] {
case "start-finish":
    for _ in 0..<count {
        let span = client.startSpan(name: "op")
        client.finishSpan(span)
    }
case "sampled-out":
    for _ in 0..<count {
        let span = sampledOut.startSpan(name: "op")
        sampledOut.finishSpan(span)
    }
case "noop-tracer":
    // The floor the sampled-out target is measured against: swift-distributed-tracing's NoOpTracer, by hand.
    let tracer = NoOpTracer()
    for _ in 0..<count {
        let span = tracer.startSpan("op")
        span.end()
    }
case "trace-operation":
    for _ in 0..<count {
        NoveumTrace.traceOperation("op") { _ in }
    }
case "trace-operation-sampled-out":
    for _ in 0..<count {
        sampledOut.traceOperation("op") { _ in }
    }
case "noop-with-span":
    // The floor of the closure idiom: NoOpTracer's withSpan binds the service context for the body.
    let tracer = NoOpTracer()
    for _ in 0..<count {
        tracer.withSpan("op") { _ in }
    }
case "four-attributes-dictionary-sampled-out":
    for _ in 0..<count { fourAttributesDictionary(sampledOut) }
case "trace-operation-attributes":
    for _ in 0..<count { NoveumTrace.traceOperation("op") { span in setFourAttributes(span) } }
case "trace-operation-attributes-sampled-out":
    for _ in 0..<count { sampledOut.traceOperation("op") { span in setFourAttributes(span) } }
case "trace-operation-async":
    blocking {
        for _ in 0..<count {
            await NoveumTrace.traceOperation("op") { (_: NoveumSpan) async in }
        }
    }
case "four-attributes":
    for _ in 0..<count {
        Fixtures.fourAttributesSpan(client)
    }
case "four-attributes-dictionary":
    for _ in 0..<count { fourAttributesDictionary(client) }
case "llm":
    blocking {
        for _ in 0..<count {
            await NoveumTrace.traceLLM(model: "gpt-4o", provider: "openai") { (span: NoveumSpan) async in
                span.setAttributes([
                    "llm.input_tokens": 1200, "llm.output_tokens": 300, "llm.total_tokens": 1500,
                    "llm.cost.total": 0.0105, "llm.finish_reason": "stop",
                ])
            }
        }
    }
case "macro-sync":
    for index in 0..<count { _ = MacroWork.macroSync(index) }
case "macro-sync-by-hand":
    for index in 0..<count { _ = MacroWork.handSync(index) }
case "macro-async":
    blocking {
        for index in 0..<count { _ = try? await MacroWork.macroAsync(index) }
    }
case "macro-async-by-hand":
    blocking {
        for index in 0..<count { _ = try? await MacroWork.handAsync(index) }
    }
case "encode-noveum-json":
    // `count` spans in batches of 512, as the export benchmark "20 encode Noveum JSON".
    let encoder = NoveumJSONEncoder(project: "bench", environment: "bench", resource: ExportFixtures.resource)
    let batch = ExportFixtures.llmBatch(count: 512)
    var bytes = 0
    for _ in 0..<(count / 512) { bytes &+= encoder.encode(batch, timestampNanos: 1).count }
    print("encoded \(bytes) bytes")
case "deliver-noveum-json", "deliver-noveum-json-gzip", "deliver-otlp-gzip", "deliver-four-noveum-json-gzip",
    "deliver-four-otlp-gzip":
    // `count` spans by hand, each its own trace, posted to a receiver on loopback, as the export benchmark
    // "23 deliver Noveum JSON to loopback": LLM spans, or with `four` the 4-attribute span of `noveum-pipeline-cpu`.
    let receiver = try LoopbackReceiver()
    let workload = arguments[0]
    let fourAttributes = workload.contains("four")
    let exporter: any SpanExporter =
        workload.contains("otlp")
        ? try OTLPExporter(
            .init(endpoint: receiver.baseURL + "/v1/traces", protocol: .httpProtobuf, compression: .gzip),
            environment: [:])
        : NoveumExporter(compression: workload.hasSuffix("gzip"))
    let delivering = Fixtures.client(
        apiKey: "bench-key", endpoint: receiver.baseURL, exporters: [exporter], maxQueueSize: count + 1_024)
    let clock = ContinuousClock()
    let started = clock.now
    for _ in 0..<count {
        if fourAttributes {
            Fixtures.fourAttributesSpan(delivering)
        } else {
            let span = delivering.startSpan(name: "chat gpt-4o", kind: .client)
            span.setAttributes(ExportFixtures.llmAttributes)
            delivering.finishSpan(span)
        }
    }
    blocking { _ = await delivering.flush(timeout: .seconds(120)) }
    let elapsed = clock.now - started
    print("delivered \(delivering.stats.spansExported) spans in \(elapsed), \(receiver.requests) requests, \(receiver.bodyBytes) body bytes")
case "price-lookup":
    // A model seen before: what `setUsage` pays on every LLM span after the first of its model.
    let models = ["gpt-4o", "gpt-5.4-mini", "claude-sonnet-4-6", "gemini-3.1-pro-preview", "gpt-4o-2024-08-06",
                  "us.anthropic.claude-3-5-haiku-20241022-v1:0", "openai/gpt-4o-mini", "deepseek-v3"]
    PriceTable.shared.prepare()
    var found = 0
    for index in 0..<count where PriceTable.shared.price(for: models[index % models.count]) != nil { found &+= 1 }
    print("priced \(found) of \(count)")
case "price-lookup-new-model":
    // A model name not seen before, resolved through every step (here: none finds it), as the first span of each
    // model pays.
    PriceTable.shared.prepare()
    var found = 0
    for index in 0..<count where PriceTable.shared.price(for: "house-model-\(index)-2025-01-01") != nil { found &+= 1 }
    print("priced \(found) of \(count)")
case "price-table-parse":
    // Parsing the shipped table, as the first lookup (or `initialize`, in the background) does once per process.
    var models = 0
    for _ in 0..<count { models &+= PriceTable().modelCount }
    print("parsed \(models) models")
case "trace-of-ten":
    for _ in 0..<(count / 10) {
        let root = client.startSpan(name: "trace")
        let rootID = root.spanID
        for _ in 0..<9 {
            let child = client.startSpan(name: "span", parentSpanID: rootID)
            client.finishSpan(child)
        }
        client.finishSpan(root)
    }
default:
    print("unknown workload \(arguments[0])")
    exit(2)
}
if timed {
    let wall = Double(nanoseconds(on: CLOCK_MONOTONIC) - wallStart) / Double(count)
    let cpu = Double(nanoseconds(on: CLOCK_THREAD_CPUTIME_ID) - cpuStart) / Double(count)
    print("\(arguments[0]): wall \(Int(wall.rounded())) ns/span, caller's thread CPU \(Int(cpu.rounded())) ns/span")
}
blocking {
    let undelivered = await client.shutdown(timeout: .seconds(30))
    let stats = client.stats
    print("\(arguments[0]): \(count) spans; exported \(stats.spansExported), undelivered \(undelivered)")
}
