// noveum-otlp-ingest: how fast `noveum-trace collect` stores OTLP/HTTP exports, measured from outside the process.
//
//   NOVEUM_TRACE_BIN=/path/to/release/noveum-trace \
//     swift run -c release --package-path Benchmarks noveum-otlp-ingest [--spans 200000] [--senders 4]
//       [--batch 512] [--shape all|four|llm] [--gzip both|on|off] [--quick] [--keep]
//
// Per row (span shape × gzip on/off) it starts `noveum-trace collect --dir <fresh temp dir> --port 0`, reads the
// port from its start line, encodes every request body (OTLP protobuf, gzip level 1 like the SDK's exporter)
// before the clock starts, then sends them from `senders` HTTP/1.1 keep-alive connections on loopback, each one
// request at a time; 429 and 503 are retried after their Retry-After (and counted). Throughput is the spans
// committed divided by the time from the first send to the last 200 (the receiver answers 200 only once a
// request's spans are committed). The collector's CPU time (utime + stime of /proc/PID/stat, over the same
// interval) and peak resident memory (VmHWM, read before it stops) are reported with it. Then it is stopped with
// SIGINT and the store is checked with `noveum-trace stats --json` and `list --json`: every span sent, and
// every trace, exactly once. Exits 1 when a check fails. `--spans` defaults to NOVEUM_INGEST_SPANS, else
// 200,000 (`--quick`: 40,000). Linux only: CPU time and memory come from /proc.
import BenchmarkSupport
import Foundation
import NIOPosix
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

let options = CommandOptions(Array(CommandLine.arguments.dropFirst()))
let environment = ProcessInfo.processInfo.environment
guard let binary = environment["NOVEUM_TRACE_BIN"], FileManager.default.isExecutableFile(atPath: binary) else {
    FileHandle.standardError.write(
        Data(("NOVEUM_TRACE_BIN must name the noveum-trace binary (swift build -c release --product noveum-trace "
            + "--scratch-path .build-bench, then NOVEUM_TRACE_BIN=.build-bench/release/noveum-trace)\n").utf8))
    exit(2)
}
let totalSpans = max(
    1,
    options.int("spans") ?? environment["NOVEUM_INGEST_SPANS"].flatMap { Int($0) }
        ?? (options.flag("quick") ? 40_000 : 200_000))
let senders = max(1, options.int("senders") ?? 4)
let batchSize = max(1, options.int("batch") ?? 512)
let shapes: [Shape] =
    switch options.string("shape") ?? "all" {
    case "four", "4": [.fourAttributes]
    case "llm": [.llm]
    default: Shape.allCases
    }
let gzipModes: [Bool] =
    switch options.string("gzip") ?? "both" {
    case "on": [true]
    case "off": [false]
    default: [true, false]
    }
let targetSpansPerSecond = 20_000.0

// MARK: Measuring

func monotonicSeconds() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}

/// This process's CPU time (every thread), in seconds.
func ownCPUSeconds() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}

/// Thousands separated by commas.
func grouped(_ value: Int) -> String {
    let digits = String(abs(value))
    var out = ""
    for (offset, character) in digits.enumerated() {
        if offset > 0, (digits.count - offset) % 3 == 0 { out.append(",") }
        out.append(character)
    }
    return (value < 0 ? "-" : "") + out
}

func fixed(_ value: Double, _ decimals: Int) -> String { String(format: "%.\(decimals)f", value) }

/// A line on stdout, written at once (stdout is a pipe under run.sh's tee; rows appear as they finish).
func emit(_ text: String = "") {
    FileHandle.standardOutput.write(Data((text + "\n").utf8))
}

func note(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}

/// What the senders share: the next body to send, and counts.
final class SendState: Sendable {
    let next = Atomic<Int>(0)
    let retries = Atomic<Int>(0)
    let reconnects = Atomic<Int>(0)
    let acceptedSpans = Atomic<Int>(0)
}

/// Sends every body once (retrying 429 and 503) over `connections`, one sender per connection; returns when the
/// last 200 arrived.
func send(
    _ bodies: [Body], over connections: [LoopbackConnection], state: SendState,
    reconnect: @escaping @Sendable () async throws -> LoopbackConnection
) async throws -> Double {
    try await withThrowingTaskGroup(of: Double.self) { group in
        for first in connections {
            group.addTask {
                var connection = first
                var lastSuccess = 0.0
                var failures = 0
                while true {
                    let index = state.next.wrappingAdd(1, ordering: .relaxed).oldValue
                    guard index < bodies.count else { break }
                    while true {
                        let reply: LoopbackConnection.Reply
                        do {
                            reply = try await connection.post(bodies[index].bytes)
                            failures = 0
                        } catch {
                            // The receiver closed the connection: open another and send the body again.
                            failures += 1
                            guard failures < 3 else { throw error }
                            await connection.close()
                            connection = try await reconnect()
                            state.reconnects.add(1, ordering: .relaxed)
                            continue
                        }
                        if reply.status == 200 {
                            state.acceptedSpans.add(bodies[index].spans, ordering: .relaxed)
                            lastSuccess = monotonicSeconds()
                            break
                        }
                        guard reply.status == 429 || reply.status == 503 else {
                            throw IngestError("the collector answered \(reply.status)")
                        }
                        state.retries.add(1, ordering: .relaxed)
                        try await Task.sleep(for: .seconds(max(0, reply.retryAfter ?? 1)))
                    }
                }
                await connection.close()
                return lastSuccess
            }
        }
        var last = 0.0
        for try await finished in group { last = max(last, finished) }
        return last
    }
}

// MARK: A row

struct Row {
    var label: String
    var spans = 0
    var wallSeconds = 0.0
    var collectorCPUSeconds = 0.0
    var senderCPUSeconds = 0.0
    var peakResidentBytes = 0
    var retries = 0
    var reconnects = 0
    var storeBytes = 0
    var storedSpans = 0
    var storedTraces = 0
    var listedTraces = 0
    var expectedTraces = 0
    var collectorSummary = ""
    var failures: [String] = []

    var spansPerSecond: Double { Double(spans) / wallSeconds }
}

func directorySize(_ path: String) -> Int {
    let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
    return names.reduce(0) { total, name in
        let size = (try? FileManager.default.attributesOfItem(atPath: path + "/" + name)[.size] as? NSNumber)??.intValue
        return total + (size ?? 0)
    }
}

func measure(shape: Shape, gzip: Bool, group: MultiThreadedEventLoopGroup) async throws -> Row {
    let encoding = gzip ? "gzip" : "no gzip"
    var row = Row(label: "OTLP ingest into the store (protobuf, \(encoding), \(senders) senders, \(shape.rawValue))")
    note("== \(row.label): encoding \(grouped(totalSpans)) spans")
    let salt = UInt64.random(in: 1...UInt64.max)
    let bodies = Workload.bodies(shape: shape, total: totalSpans, batch: batchSize, gzip: gzip, salt: salt)
    let bodyBytes = bodies.reduce(0) { $0 + $1.bytes.readableBytes }
    note("   \(bodies.count) requests, \(fixed(Double(bodyBytes) / Double(totalSpans), 0)) body bytes per span")

    var template = Array("/tmp/noveum-otlp-ingest-XXXXXX".utf8CString)
    guard let made = mkdtemp(&template) else { throw IngestError("mkdtemp failed") }
    let directory = String(cString: made)
    defer { if !options.flag("keep") { try? FileManager.default.removeItem(atPath: directory) } }

    let collector = Collector(binary: binary, directory: directory)
    try collector.start()
    defer { collector.killIfRunning() }
    if collector.startLineHasEscapes { row.failures.append("the start line has terminal escapes on a pipe") }
    let port = collector.port
    var headers = [("Content-Type", "application/x-protobuf"), ("User-Agent", "noveum-otlp-ingest")]
    if gzip { headers.append(("Content-Encoding", "gzip")) }
    let connect: @Sendable () async throws -> LoopbackConnection = { [headers] in
        try await LoopbackConnection(group: group, port: port, path: "/v1/traces", headers: headers)
    }
    var connections: [LoopbackConnection] = []
    for _ in 0..<senders { connections.append(try await connect()) }

    let state = SendState()
    let collectorCPUBefore = try collector.cpuSeconds()
    let ownCPUBefore = ownCPUSeconds()
    let start = monotonicSeconds()
    let sendResult: Result<Double, any Error>
    do {
        sendResult = .success(try await send(bodies, over: connections, state: state, reconnect: connect))
    } catch {
        sendResult = .failure(error)
    }
    row.senderCPUSeconds = ownCPUSeconds() - ownCPUBefore
    row.collectorCPUSeconds = try collector.cpuSeconds() - collectorCPUBefore
    row.peakResidentBytes = try collector.peakResidentBytes()
    let summary = try collector.stop()
    let lastSuccess = try sendResult.get()

    row.wallSeconds = lastSuccess - start
    row.spans = state.acceptedSpans.load(ordering: .relaxed)
    row.retries = state.retries.load(ordering: .relaxed)
    row.reconnects = state.reconnects.load(ordering: .relaxed)
    row.collectorSummary = summary.trimmingCharacters(in: .whitespacesAndNewlines)
    row.storeBytes = directorySize(directory)

    // What the store holds, read back through the CLI after the collector stopped.
    let stats = try runJSON(binary, ["stats", "--dir", directory, "--json", "--limit", "1000"])
    let list = try runJSON(binary, ["list", "--dir", directory, "--json", "--limit", "1"])
    row.storedTraces = stats["trace_count"] as? Int ?? -1
    row.storedSpans = (stats["by_operation"] as? [[String: Any]] ?? []).reduce(0) { $0 + ($1["calls"] as? Int ?? 0) }
    row.listedTraces = list["total"] as? Int ?? -1
    row.expectedTraces = (totalSpans + Workload.spansPerTrace - 1) / Workload.spansPerTrace
    if row.spans != totalSpans { row.failures.append("\(row.spans) spans answered 200, \(totalSpans) sent") }
    if row.storedSpans != totalSpans {
        row.failures.append("the store holds \(row.storedSpans) spans, \(totalSpans) sent")
    }
    if row.storedTraces != row.expectedTraces || row.listedTraces != row.expectedTraces {
        row.failures.append(
            "stats counts \(row.storedTraces) traces and list \(row.listedTraces), \(row.expectedTraces) sent")
    }
    // Its own count, from the line it prints when it stops ("Received N spans in M requests…").
    let counted = row.collectorSummary.split(separator: " ").compactMap { Int($0) }
    if row.collectorSummary.hasPrefix("Received "), counted.count >= 2 {
        if counted[0] != totalSpans || counted[1] != bodies.count {
            row.failures.append("the collector said: \(row.collectorSummary)")
        }
    } else {
        note("   (the collector's last line has changed: \(row.collectorSummary))")
    }
    note("   \(fixed(row.wallSeconds, 2)) s; collector: \(row.collectorSummary)")
    return row
}

// MARK: Running

let loadAverage =
    (try? Collector.contents("/proc/loadavg"))?.split(separator: " ").prefix(3).joined(separator: " ") ?? "?"
emit(
    "OTLP/HTTP ingestion into the local store: `noveum-trace collect` on 127.0.0.1, \(grouped(totalSpans)) spans per "
        + "row in requests of \(batchSize) (traces of \(Workload.spansPerTrace) spans), \(senders) senders on HTTP/1.1 "
        + "keep-alive connections, a fresh store per row; bodies encoded (gzip level \(Workload.gzipLevel)) before the "
        + "clock starts. Throughput: spans committed ÷ time from the first send to the last 200. CPU (utime + stime, "
        + "over the same interval) and peak RSS (VmHWM) are the collector's; sender CPU is this process's. "
        + "\(ProcessInfo.processInfo.activeProcessorCount) cores, load average at start \(loadAverage).")
emit()
emit(
    "| configuration | throughput | collector CPU | collector peak RSS | retries | wall | sender CPU | store on disk "
        + "| stored |")
emit("|---|---:|---:|---:|---:|---:|---:|---:|---|")

let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
var rows: [Row] = []
var failed = false
for shape in shapes {
    for gzip in gzipModes {
        do {
            let row = try await measure(shape: shape, gzip: gzip, group: group)
            rows.append(row)
            let perSpan = 1e6 / Double(max(row.spans, 1))
            let stored = "all \(grouped(row.storedSpans)) spans, \(grouped(row.storedTraces)) traces"
            emit(
                "| \(row.label) | \(grouped(Int(row.spansPerSecond.rounded()))) spans/s "
                    + "| CPU \(fixed(row.collectorCPUSeconds * perSpan, 1)) µs/span "
                    + "| peak RSS \(fixed(Double(row.peakResidentBytes) / 1_048_576, 1)) MiB "
                    + "| retries \(row.retries)\(row.reconnects > 0 ? ", reconnects \(row.reconnects)" : "") "
                    + "| \(fixed(row.wallSeconds, 2)) s "
                    + "| \(fixed(row.senderCPUSeconds * perSpan, 1)) µs/span "
                    + "| \(fixed(Double(row.storeBytes) / Double(max(row.spans, 1)), 0)) B/span "
                    + "| \(row.failures.isEmpty ? stored : "**FAILED**") |")
            for failure in row.failures { note("FAIL  \(row.label): \(failure)") }
            if !row.failures.isEmpty { failed = true }
        } catch {
            note("FAIL  \(shape.rawValue), gzip \(gzip): \(error)")
            failed = true
        }
    }
}
try? await group.shutdownGracefully()

emit()
if let slowest = rows.min(by: { $0.spansPerSecond < $1.spansPerSecond }) {
    let met = slowest.spansPerSecond >= targetSpansPerSecond
    emit(
        "Target ≥ \(grouped(Int(targetSpansPerSecond))) spans/s into the store: \(met ? "met" : "not met") "
            + "(slowest row \(grouped(Int(slowest.spansPerSecond.rounded()))) spans/s).")
}
for row in rows where !row.failures.isEmpty {
    for failure in row.failures { emit("FAIL  \(row.label): \(failure)") }
}
exit(failed ? 1 : 0)
