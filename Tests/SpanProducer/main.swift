import Foundation
import NoveumTrace

// A process that produces spans through a disk-buffered exporter, for the durability tests
// (Tests/NoveumTraceReliabilityTests/DurableDeliveryTests.swift): they kill it, restart it, and take its backend
// away and back.
//
//     SpanProducer --dir D --endpoint URL [--exporter otlp|noveum] [--spans N] [--rate R] [--seconds S]
//                  [--first SEQ] [--then wait|shutdown] [--no-fsync] [--max-bytes B] [--backoff-ms MS]
//                  [--progress-file F]
//
// Each span carries `producer.seq`, its number from `--first`. Spans are made at `--rate` per second (0: as fast
// as possible) until `--spans` or `--seconds` is reached. Then the client flushes and prints `flushed` and its
// statistics; `--then wait` waits to be killed, `--then shutdown` shuts the client down, prints the statistics
// again and exits. While running it prints `status` lines every 200 ms. Statistics are one JSON object per line.

try await produce()

func produce() async throws {
    var options: [String: String] = [:]
    var flags: Set<String> = []
    var arguments = CommandLine.arguments.dropFirst()
    while let argument = arguments.popFirst() {
        guard argument.hasPrefix("--") else { continue }
        let name = String(argument.dropFirst(2))
        if name == "no-fsync" {
            flags.insert(name)
        } else if let value = arguments.popFirst() {
            options[name] = value
        }
    }

    func option(_ name: String, _ fallback: Int) -> Int { options[name].flatMap(Int.init) ?? fallback }

    guard let directory = options["dir"], let endpoint = options["endpoint"] else {
        FileHandle.standardError.write(Data("usage: SpanProducer --dir D --endpoint URL ...\n".utf8))
        exit(2)
    }
    let spanLimit = option("spans", Int.max)
    let rate = option("rate", 0)
    let seconds = option("seconds", 0)
    let first = option("first", 0)
    let backoff = Duration.milliseconds(option("backoff-ms", 200))
    let retryPolicy = HTTPRetryPolicy(maxAttempts: 2, initialBackoff: backoff, maxBackoff: backoff * 4)

    let exporter: any SpanExporter
    if options["exporter"] == "noveum" {
        exporter = NoveumExporter(retryPolicy: retryPolicy, requestTimeout: .seconds(5))
    } else {
        exporter = try OTLPExporter(
            .init(endpoint: endpoint, timeout: .seconds(5)), environment: [:], retryPolicy: retryPolicy)
    }
    var configuration = Configuration(
        batchSize: 100, maxQueueSize: 100_000, scheduleDelay: .milliseconds(100),
        diskBuffer: DiskBufferConfiguration(
            directory: directory, maxBytes: option("max-bytes", DiskBufferConfiguration.defaultMaxBytes),
            synchronous: !flags.contains("no-fsync")),
        exporters: [exporter])
    configuration.redaction = .disabled
    let client = try NoveumClient(
        apiKey: "producer-key", project: "durability", environment: "test",
        endpoint: options["exporter"] == "noveum" ? endpoint : nil, config: configuration)

    func say(_ line: String) {
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }

    func statsJSON() -> String {
        let stats = client.stats
        let exporter = stats.exporters.first
        var dropped: [String: Int] = [:]
        for (reason, count) in exporter?.dropped ?? [:] { dropped[reason.rawValue] = count }
        var object: [String: Any] = [:]
        object["ended"] = stats.spansEnded
        object["exported"] = exporter?.exported ?? 0
        object["buffered"] = exporter?.buffered ?? 0
        object["dropped"] = dropped
        if let disk = exporter?.diskBuffer {
            let counts: [String: Int] = [
                "batches": disk.batches, "spans": disk.spans, "bytes": disk.bytes,
                "oldest_age_ms": disk.oldestAge.map { Int($0.components.seconds * 1000) } ?? -1,
                "written": disk.batchesWritten, "deferred": disk.spansDeferred, "recovered": disk.recoveredSpans,
                "delivered": disk.deliveredFromDisk, "redelivered": disk.redelivered, "corrupt": disk.corruptRecords,
                "write_failures": disk.writeFailures,
            ]
            var diskObject: [String: Any] = counts
            diskObject["backend_unavailable"] = disk.backendUnavailable
            object["disk"] = diskObject
        }
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self)
    }

    let status = Task.detached {
        while !Task.isCancelled {
            say("status " + statsJSON())
            try? await Task.sleep(for: .milliseconds(200))
        }
    }

    // With --progress-file, the number of spans ended so far, written after each one (8 bytes, little-endian):
    // it survives a SIGKILL in the page cache, so a test knows exactly how many spans the killed process ended.
    let progress = options["progress-file"].map { open($0, O_WRONLY | O_CREAT | O_TRUNC, 0o644) } ?? -1
    let clock = ContinuousClock()
    let start = clock.now
    var produced = 0
    while produced < spanLimit {
        if seconds > 0 && clock.now - start >= .seconds(seconds) { break }
        if rate > 0 {
            let due = start + .nanoseconds(Int64(produced) * 1_000_000_000 / Int64(rate))
            if due > clock.now { try await Task.sleep(until: due, clock: clock) }
        }
        let span = client.startSpan(name: "work", attributes: ["producer.seq": first + produced])
        client.finishSpan(span)
        produced += 1
        if progress >= 0 {
            var count = UInt64(produced).littleEndian
            _ = pwrite(progress, &count, 8, 0)
        }
    }
    say("produced \(produced)")
    await client.flush(timeout: .seconds(60))
    say("flushed " + statsJSON())
    if options["then"] == "shutdown" {
        await client.shutdown(timeout: .seconds(60))
        status.cancel()
        say("shutdown " + statsJSON())
        exit(0)
    }
    while true { try await Task.sleep(for: .seconds(3600)) }
}
