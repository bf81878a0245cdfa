// noveum-memory: the memory side of the benchmark suite (issue #4, item 4).
//
//   swift run -c release --package-path Benchmarks noveum-memory buffered [--spans 100000]
//   swift run -c release --package-path Benchmarks noveum-memory overload [--duration 30] [--rate 500000]
//                                                                   [--factor 10] [--queue 2048]
//
// `buffered` reports the heap bytes one finished span holds while it waits in the export queue, for three shapes
// of span. `overload` produces spans `factor` times faster than a slow in-process exporter accepts them, for
// `duration` seconds, and checks that resident memory stays bounded and that the drop counters account exactly
// for every span that was not delivered. It exits non-zero when a check fails.
import BenchmarkSupport
import NoveumTrace

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `--name value` arguments.
struct Arguments {
    let mode: String
    private var values: [String: String] = [:]

    init(_ arguments: [String]) {
        mode = arguments.first ?? "help"
        var index = 1
        while index < arguments.count {
            let key = arguments[index]
            if key.hasPrefix("--"), index + 1 < arguments.count {
                values[String(key.dropFirst(2))] = arguments[index + 1]
                index += 2
            } else {
                index += 1
            }
        }
    }

    func double(_ name: String, default value: Double) -> Double { values[name].flatMap(Double.init) ?? value }
    func int(_ name: String, default value: Int) -> Int { values[name].flatMap(Int.init) ?? value }
}

/// `value` with one decimal.
func fixed1(_ value: Double) -> String {
    let tenths = Int((value * 10).rounded())
    return (tenths < 0 ? "-" : "") + String(abs(tenths) / 10) + "." + String(abs(tenths) % 10)
}

func mebibytes(_ bytes: Int) -> String { fixed1(Double(bytes) / 1_048_576) + " MiB" }

func nowSeconds() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}

func sleepSeconds(_ seconds: Double) {
    guard seconds > 0 else { return }
    var request = timespec(tv_sec: Int(seconds), tv_nsec: Int((seconds - Double(Int(seconds))) * 1e9))
    var remaining = timespec()
    while nanosleep(&request, &remaining) != 0 { request = remaining }
}

/// The three shapes of span measured.
enum Shape: String, CaseIterable {
    case bare = "no attributes"
    case fourAttributes = "4 attributes (string, int, double, bool)"
    case llm = "LLM span, 13 attributes"

    func make(_ client: NoveumClient) {
        switch self {
        case .bare:
            let span = client.startSpan(name: "op")
            client.finishSpan(span)
        case .fourAttributes:
            Fixtures.fourAttributesSpan(client)
        case .llm:
            client.traceLLM(model: "gpt-4o", provider: "openai") { span in
                span.setAttributes([
                    "llm.input_tokens": 1200, "llm.output_tokens": 300, "llm.total_tokens": 1500,
                    "llm.cost.total": 0.0105, "llm.finish_reason": "stop",
                ])
            }
        }
    }
}

// MARK: buffered

func measureBuffered(spans count: Int) async {
    print("Bytes per buffered span: \(count) finished spans held in the export queue (exporter blocked)")
    print("SpanData inline size: \(MemoryLayout<SpanData>.stride) bytes")
    print("")
    print("| span | heap bytes per buffered span | resident bytes per buffered span |")
    print("|---|---:|---:|")
    for shape in Shape.allCases {
        let gate = GateExporter()
        let client = Fixtures.client(
            exporters: [gate], maxQueueSize: count + 4 * BenchSettings.batchSize, scheduleDelay: .seconds(3600))
        // Warm up the allocator and the client's one-time state with a few spans, then measure from a trimmed heap.
        for _ in 0..<16 { shape.make(client) }
        ProcessMemory.trim()
        let heapBefore = ProcessMemory.heapBytesInUse
        let residentBefore = ProcessMemory.residentBytes
        for _ in 0..<count { shape.make(client) }
        let heapAfter = ProcessMemory.heapBytesInUse
        let residentAfter = ProcessMemory.residentBytes
        let held = count + 16
        let stats = client.stats.exporters[0]
        precondition(stats.buffered == held, "expected \(held) buffered spans, found \(stats.buffered)")
        let heapPerSpan = Double(heapAfter - heapBefore) / Double(count)
        let residentPerSpan = Double(residentAfter - residentBefore) / Double(count)
        print("| \(shape.rawValue) | \(Int(heapPerSpan.rounded())) | \(Int(residentPerSpan.rounded())) |")
        gate.open()
        _ = await client.shutdown(timeout: .seconds(30))
        ProcessMemory.trim()
    }
}

// MARK: overload

func runOverload(duration: Double, rate: Double, factor: Double, queue: Int) async -> Bool {
    let backendRate = rate / factor
    let exporter = SlowExporter(spansPerSecond: backendRate)
    let client = Fixtures.client(exporters: [exporter], maxQueueSize: queue, scheduleDelay: .milliseconds(200))
    print(
        "Overload: producing \(Int(rate)) spans/s for \(duration) s; the exporter accepts \(Int(backendRate)) spans/s;"
            + " queue bound \(queue), batch \(BenchSettings.batchSize)")
    print("")
    print("| t (s) | produced | exported | dropped (queue full) | buffered | heap in use | resident |")
    print("|---:|---:|---:|---:|---:|---:|---:|")

    let chunk = 1_000
    let start = nowSeconds()
    var produced = 0
    var nextReport = 1.0
    var residentAtQuarter = 0
    var heapAtQuarter = 0
    var residentSamples: [Int] = []
    while true {
        let elapsed = nowSeconds() - start
        if elapsed >= duration { break }
        // Produce the spans due by now, in chunks, then sleep until the next chunk is due.
        let due = Int(elapsed * rate)
        if produced < due {
            for _ in 0..<chunk { Shape.fourAttributes.make(client) }
            produced += chunk
        } else {
            sleepSeconds(Double(chunk) / rate / 2)
        }
        if elapsed >= nextReport {
            let stats = client.stats.exporters[0]
            let resident = ProcessMemory.residentBytes
            residentSamples.append(resident)
            let heap = ProcessMemory.heapBytesInUse
            if residentAtQuarter == 0 && elapsed >= duration / 4 {
                residentAtQuarter = resident
                heapAtQuarter = heap
            }
            if Int(nextReport) % max(1, Int(duration / 10)) == 0 || nextReport <= 1 {
                print(
                    "| \(Int(nextReport)) | \(produced) | \(stats.exported) | \(stats.dropped[.queueFull] ?? 0) |"
                        + " \(stats.buffered) | \(mebibytes(heap)) | \(mebibytes(resident)) |")
            }
            nextReport += 1
        }
    }
    let elapsed = nowSeconds() - start
    let residentAtEnd = ProcessMemory.residentBytes
    let heapAtEnd = ProcessMemory.heapBytesInUse
    let peak = ProcessMemory.peakResidentBytes
    let undelivered = await client.shutdown(timeout: .seconds(30))
    let stats = client.stats
    let exporterStats = stats.exporters[0]
    let droppedTotal = exporterStats.dropped.values.reduce(0, +)

    print("")
    print("Produced \(produced) spans in \(fixed1(elapsed)) s (\(Int(Double(produced) / elapsed)) spans/s)")
    print("Exporter accepted \(exporter.spans); dropped by reason: \(exporterStats.dropped.map { "\($0.key)=\($0.value)" }.sorted().joined(separator: ", "))")
    print("Undelivered at shutdown: \(undelivered); still buffered: \(exporterStats.buffered)")
    print("Heap in use: \(mebibytes(heapAtQuarter)) at 1/4 of the run, \(mebibytes(heapAtEnd)) at the end")
    print("Resident: \(mebibytes(residentAtQuarter)) at 1/4 of the run, \(mebibytes(residentAtEnd)) at the end; peak (VmHWM) \(mebibytes(peak))")

    var ok = true
    func check(_ condition: Bool, _ text: String) {
        print((condition ? "PASS  " : "FAIL  ") + text)
        if !condition { ok = false }
    }
    check(stats.spansStarted == produced, "spans started (\(stats.spansStarted)) == spans produced (\(produced))")
    check(stats.spansEnded == produced, "spans ended (\(stats.spansEnded)) == spans produced (\(produced))")
    check(
        exporterStats.exported == exporter.spans,
        "pipeline's exported count (\(exporterStats.exported)) == spans the exporter accepted (\(exporter.spans))")
    check(
        produced - exporter.spans == droppedTotal,
        "produced − delivered (\(produced - exporter.spans)) == dropped counters (\(droppedTotal))")
    check(
        exporterStats.received == exporterStats.exported + droppedTotal + exporterStats.buffered,
        "received (\(exporterStats.received)) == exported + dropped + buffered (\(exporterStats.exported) + \(droppedTotal) + \(exporterStats.buffered))")
    check(exporterStats.buffered == 0, "nothing left buffered after shutdown")
    check((exporterStats.dropped[.queueFull] ?? 0) > 0, "the overload did overflow the queue (drops counted)")
    let heapGrowth = heapAtEnd - heapAtQuarter
    check(heapGrowth < 4 * 1_048_576, "heap in use bounded: grew \(mebibytes(max(0, heapGrowth))) from 1/4 of the run to its end (limit 4 MiB)")
    let growth = residentAtEnd - residentAtQuarter
    check(growth < 16 * 1_048_576, "resident memory bounded: grew \(mebibytes(max(0, growth))) from 1/4 of the run to its end (limit 16 MiB)")
    check(peak < 256 * 1_048_576, "peak resident \(mebibytes(peak)) below 256 MiB")
    return ok
}

// MARK: main

let arguments = Arguments(Array(CommandLine.arguments.dropFirst()))
switch arguments.mode {
case "buffered":
    await measureBuffered(spans: arguments.int("spans", default: 100_000))
case "overload":
    let ok = await runOverload(
        duration: arguments.double("duration", default: 30), rate: arguments.double("rate", default: 500_000),
        factor: arguments.double("factor", default: 10), queue: arguments.int("queue", default: 2048))
    exit(ok ? 0 : 1)
default:
    print("usage: noveum-memory buffered [--spans N] | overload [--duration S] [--rate N] [--factor F] [--queue N]")
    exit(2)
}
