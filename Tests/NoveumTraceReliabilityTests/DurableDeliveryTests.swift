import Foundation
import Logging
import NoveumTraceTesting
import NoveumTraceTestSupport
import Synchronization
import Testing

@testable import NoveumTrace

/// The disk buffer (``DiskBufferConfiguration``): no span lost to an outage, a `SIGKILL` or a restart, with real
/// processes, real kills and a real backend on loopback.
@Suite("Durable delivery", .serialized)
struct DurableDeliveryTests {
    @Test("20,000 spans, backend refusing, SIGKILL after flush: a second process delivers every one", .enabled(if: producerBinary != nil, "needs the SpanProducer executable (swift build --build-tests builds it)"))
    func killedProcessIsRecovered() async throws {
        let directory = try bufferDirectory()
        let refused = try RefusedPort()
        let endpoint = "http://127.0.0.1:\(refused.port)/v1/traces"
        let first = try ProducerProcess(["--dir", directory, "--endpoint", endpoint, "--spans", "20000", "--then", "wait"])
        let flushed = try await first.stats("flushed")
        #expect(flushed.ended == 20_000)
        #expect(flushed.exported == 0 && flushed.droppedTotal == 0)
        #expect(flushed.disk["spans"] == 20_000)
        first.kill()
        // 100 spans per batch; a batch the schedule delay sent before it filled makes one more file.
        #expect(batchFiles(directory + "/otlp").count >= 200)

        refused.release()
        let server = try await CaptureServer.start(port: refused.port)
        let second = try ProducerProcess(["--dir", directory, "--endpoint", endpoint, "--spans", "0", "--then", "shutdown"])
        let done = try await second.stats("shutdown")
        #expect(await second.waitForExit() == 0)
        await server.stop()

        let tally = try BackendTally(server.requests)
        #expect(tally.covers(0..<20_000))
        #expect(tally.counts.count == 20_000)
        #expect(tally.distinctSpanIDs == 20_000)
        // The first process's requests were all refused, so none can have reached the backend: no duplicate.
        #expect(tally.duplicates == 0)
        #expect(done.disk["redelivered"] == tally.duplicates)
        #expect(done.disk["recovered"] == 20_000 && done.disk["delivered"] == 20_000 && done.exported == 20_000)
        #expect(done.disk["spans"] == 0 && done.droppedTotal == 0)
        #expect(batchFiles(directory + "/otlp").isEmpty)
        ReliabilitySummary.record("durability", "SIGKILL after flush, backend refusing", tried: 20_000, lost: 20_000 - tally.counts.count)
    }

    @Test("killed after the backend received a batch but before it answered: sent again and counted as redelivered", .enabled(if: producerBinary != nil, "needs the SpanProducer executable (swift build --build-tests builds it)"))
    func crashAfterSendIsCounted() async throws {
        let directory = try bufferDirectory()
        let server = try await CaptureServer.start { index, _ in index == 0 ? .hang : .status(200) }
        let endpoint = "http://127.0.0.1:\(server.port)/v1/traces"
        let first = try ProducerProcess(["--dir", directory, "--endpoint", endpoint, "--spans", "100", "--then", "wait"])
        await server.waitForRequests(1)
        first.kill()
        server.releaseHungRequests()

        let second = try ProducerProcess(["--dir", directory, "--endpoint", endpoint, "--spans", "0", "--then", "shutdown"])
        let done = try await second.stats("shutdown")
        #expect(await second.waitForExit() == 0)
        await server.stop()
        let tally = try BackendTally(server.requests)
        #expect(tally.covers(0..<100) && tally.counts.count == 100)
        #expect(tally.duplicates == 100)
        #expect(done.disk["redelivered"] == tally.duplicates)
        #expect(batchFiles(directory + "/otlp").isEmpty)
    }

    /// The outage's length: `NOVEUM_OUTAGE_SECONDS`, 20 s in CI, 120 s for the full run.
    static let outageSeconds = ProcessInfo.processInfo.environment["NOVEUM_OUTAGE_SECONDS"].flatMap(Int.init) ?? 20

    @Test("an outage with steady traffic: nothing lost, memory flat, caught up soon after recovery", .enabled(if: producerBinary != nil, "needs the SpanProducer executable (swift build --build-tests builds it)"))
    func outageWithSteadyTraffic() async throws {
        let directory = try bufferDirectory()
        let refused = try RefusedPort()
        let endpoint = "http://127.0.0.1:\(refused.port)/v1/traces"
        let rate = 1_000
        let outage = Self.outageSeconds
        let producer = try ProducerProcess([
            "--dir", directory, "--endpoint", endpoint, "--rate", String(rate), "--seconds", String(outage + 15),
            "--then", "shutdown",
        ])
        let clock = ContinuousClock()
        let started = clock.now
        var memory: [Int] = []
        while clock.now - started < .seconds(outage) {
            if let bytes = producer.residentBytes { memory.append(bytes) }
            try await Task.sleep(for: .seconds(1))
        }
        let beforeRecovery = producer.output.last { $0.hasPrefix("status ") }.flatMap { try? ProducerStats(line: $0) }
        refused.release()
        let server = try await CaptureServer.start(port: refused.port)
        let recovered = clock.now
        var caughtUp: Duration?
        while producer.process.isRunning {
            if let bytes = producer.residentBytes { memory.append(bytes) }
            if caughtUp == nil, let line = producer.output.last(where: { $0.hasPrefix("status ") }),
                let status = try? ProducerStats(line: line), status.disk["spans"] == 0, !status.backendUnavailable,
                status.exported >= (beforeRecovery?.ended ?? 0)
            {
                caughtUp = clock.now - recovered
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        let done = try await producer.stats("shutdown")
        await server.stop()
        let produced = done.ended
        let tally = try BackendTally(server.requests)
        #expect(produced >= rate * outage / 2)
        #expect(tally.covers(0..<produced) && tally.counts.count == produced)
        #expect(tally.duplicates == 0 && done.disk["redelivered"] == 0)
        #expect(done.droppedTotal == 0 && done.exported == produced)
        #expect((beforeRecovery?.disk["spans"] ?? 0) > rate * (outage - 3))
        let baseline = memory.dropFirst(2).first ?? 0
        let peak = memory.max() ?? 0
        #expect(peak - baseline < 32 << 20, "resident memory grew by \(peak - baseline) bytes")
        let statuses = producer.output.filter { $0.hasPrefix("status ") }
        let catchUp = try #require(caughtUp, "last statuses: \(statuses.suffix(4))")
        let waiting = beforeRecovery?.disk["spans"] ?? 0
        // Generous for a loaded CI machine: 2,000 spans/s while new ones keep coming, after the first retry.
        #expect(catchUp < .seconds(3) + .seconds(Double(waiting) / 2_000))
        let seconds = Double(catchUp.components.seconds) + Double(catchUp.components.attoseconds) / 1e18
        let line =
            "outage \(outage) s at \(rate) spans/s: \(produced) spans, \(produced - tally.counts.count) lost, "
            + "\(waiting) waiting on disk at recovery, caught up \(String(format: "%.1f", seconds)) s after recovery "
            + "(\(Int(Double(waiting) / max(seconds, 0.001))) spans/s), resident memory \(baseline >> 20)-\(peak >> 20) MiB"
        print(line)
        ReliabilitySummary.record("durability", "outage of \(outage) s", tried: produced, lost: produced - tally.counts.count, note: line)
    }

    @Test(
        "SIGKILL with the backend up loses only the in-memory queue (spans not yet on the export side)",
        .enabled(if: producerBinary != nil, "needs the SpanProducer executable (swift build --build-tests builds it)"))
    func killLosesOnlyTheQueue() async throws {
        let server = try await CaptureServer.start()
        let endpoint = "http://127.0.0.1:\(server.port)/v1/traces"
        let rate = 2_000
        var losses: [Int] = []
        var redelivered: [Int] = []
        for run in 0..<3 {
            let directory = try bufferDirectory()
            let progress = directory + "/progress"
            let before = try BackendTally(server.requests)
            let first = try ProducerProcess([
                "--dir", directory, "--endpoint", endpoint, "--rate", String(rate), "--seconds", "60",
                "--first", String(run * 1_000_000), "--progress-file", progress, "--then", "wait",
            ])
            try await Task.sleep(for: .milliseconds(2_000 + 500 * run))
            first.kill()
            let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: progress)))
            let ended = bytes.prefix(8).enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
            let second = try ProducerProcess(["--dir", directory, "--endpoint", endpoint, "--spans", "0", "--then", "shutdown"])
            let done = try await second.stats("shutdown")
            #expect(await second.waitForExit() == 0)
            let after = try BackendTally(server.requests)
            let received = (run * 1_000_000..<(run * 1_000_000 + ended)).filter { after.counts[$0] != nil }.count
            #expect(after.counts.keys.allSatisfy { $0 < run * 1_000_000 + ended || $0 >= (run + 1) * 1_000_000 })
            // Every duplicate is counted. A batch killed between its flag (set before its request) and its request
            // is counted too, though the backend never had it: at most the exports in flight (2) of 100 spans.
            let duplicates = after.duplicates - before.duplicates
            let counted = done.disk["redelivered"] ?? -1
            #expect(counted >= duplicates && counted - duplicates <= 200, "\(duplicates) duplicates, \(counted) counted")
            losses.append(ended - received)
            redelivered.append(done.disk["redelivered"] ?? 0)
        }
        await server.stop()
        let bound = rate / 2  // the queue holds at most about one schedule delay (100 ms) of spans, plus a batch
        #expect(losses.allSatisfy { $0 <= bound }, "lost \(losses)")
        let line = "SIGKILL at \(rate) spans/s, backend up, 3 kills: lost \(losses) spans (the in-memory queue), redelivered \(redelivered)"
        print(line)
    }

    @Test("two processes on one directory: every batch delivered once", .enabled(if: producerBinary != nil, "needs the SpanProducer executable (swift build --build-tests builds it)"))
    func twoProcessesShareADirectory() async throws {
        let directory = try bufferDirectory()
        let refused = try RefusedPort()
        let endpoint = "http://127.0.0.1:\(refused.port)/v1/traces"
        let producers = try [0, 5_000].map { first in
            try ProducerProcess([
                "--dir", directory, "--endpoint", endpoint, "--spans", "5000", "--first", String(first), "--then", "wait",
                "--backoff-ms", "50",
            ])
        }
        for producer in producers { _ = try await producer.stats("flushed") }
        #expect(batchFiles(directory + "/otlp").count >= 100)
        refused.release()
        let server = try await CaptureServer.start(port: refused.port)
        // Each process's retry task finds the backend back and sends what it can claim; nothing here flushes, so
        // the test polls the backend.
        let delivered = await Loopback.poll(timeout: .seconds(60)) { () -> Bool? in
            (try? BackendTally(server.requests))?.counts.count == 10_000 && batchFiles(directory + "/otlp").isEmpty ? true : nil
        }
        for producer in producers { producer.kill() }
        await server.stop()
        #expect(delivered == true)
        let tally = try BackendTally(server.requests)
        #expect(tally.covers(0..<10_000))
        #expect(tally.duplicates == 0)
    }

    // MARK: In-process

    /// A client whose only exporter, of `kind`, sends to `port` through a disk buffer in `directory`.
    static func client(
        _ kind: ExporterKind, port: Int, directory: String, maxBytes: Int = DiskBufferConfiguration.defaultMaxBytes,
        logger: Logger = Logger(label: "durability")
    ) throws -> NoveumClient {
        let policy = HTTPRetryPolicy(maxAttempts: 2, initialBackoff: .milliseconds(20), maxBackoff: .milliseconds(100))
        let exporter: any SpanExporter
        switch kind {
        case .noveum: exporter = NoveumExporter(retryPolicy: policy, requestTimeout: .seconds(5))
        case .otlpProtobuf, .otlpJSON:
            exporter = try OTLPExporter(
                .init(endpoint: "http://127.0.0.1:\(port)/v1/traces", protocol: kind == .otlpJSON ? .httpJSON : .httpProtobuf),
                environment: [:], retryPolicy: policy)
        }
        var configuration = Configuration(
            batchSize: 10, maxQueueSize: 10_000, scheduleDelay: .milliseconds(50),
            diskBuffer: DiskBufferConfiguration(directory: directory, maxBytes: maxBytes, synchronous: false),
            exporters: [exporter], logger: logger)
        configuration.redaction = .disabled
        return try NoveumClient(
            apiKey: "durable-key", project: "durability", endpoint: "http://127.0.0.1:\(port)/api", config: configuration)
    }

    static func produce(_ client: NoveumClient, _ range: Range<Int>) {
        for seq in range { client.finishSpan(client.startSpan(name: "work", attributes: ["producer.seq": seq])) }
    }

    @Test("an outage and a recovery in one process, for each exporter", arguments: ExporterKind.allCases)
    func outageInProcess(kind: ExporterKind) async throws {
        let directory = try bufferDirectory()
        let refused = try RefusedPort()
        let client = try Self.client(kind, port: refused.port, directory: directory)
        Self.produce(client, 0..<300)
        // Flush counts what it saw fail: a batch the schedule delay sent to disk before the call is not among them.
        let undelivered = await client.flush()
        #expect(undelivered > 0 && undelivered <= 300)
        var stats = try #require(client.stats.exporters.first)
        let disk = try #require(stats.diskBuffer)
        #expect(stats.exported == 0 && stats.dropped.isEmpty && disk.spans == 300)
        #expect(disk.spansDeferred == 300 && disk.backendUnavailable)

        refused.release()
        let server = try await CaptureServer.start(port: refused.port)
        #expect(await client.flush() == 0)
        stats = try #require(client.stats.exporters.first)
        #expect(stats.exported == 300 && stats.dropped.isEmpty)
        #expect(stats.diskBuffer?.spans == 0 && stats.diskBuffer?.deliveredFromDisk == 300)
        // The disk kept no secret: the API key is added when a batch is sent.
        #expect(server.requests.allSatisfy { kind != .noveum || $0.headers["authorization"] == "Bearer durable-key" })
        await client.shutdown()
        await server.stop()
        let tally = try BackendTally(server.requests)
        #expect(tally.covers(0..<300) && tally.duplicates == 0)
        #expect(batchFiles(directory + "/" + (kind == .noveum ? "noveum" : "otlp")).isEmpty)
    }

    @Test("a directory scan racing with writes forgets no batch this process wrote")
    func scanRacingWrites() throws {
        // The redelivery task lists the directory while the pipeline writes: a batch renamed into place after the
        // listing, indexed and released before the scan ends, must stay indexed (it was once forgotten: left on
        // disk, never sent by this process, uncounted in its stats).
        let directory = try bufferDirectory()
        let buffer = DiskBuffer(
            configuration: DiskBufferConfiguration(directory: directory, synchronous: false), subdirectory: "otlp",
            logger: Logger(label: "scan-race"), report: { _, _ in })
        let batches = 1_500
        let writing = Atomic<Bool>(true)
        let failures = Atomic<Int>(0)
        DispatchQueue.concurrentPerform(iterations: 2) { worker in
            if worker == 0 {
                for index in 0..<batches {
                    let record = DiskBufferRecord(
                        created: 1_000_000 + UInt64(index), spans: 1, contentType: "application/x-protobuf",
                        contentEncoding: "", body: [UInt8(truncatingIfNeeded: index)], attempted: false)
                    switch buffer.write(record) {
                    case .success(let claim): buffer.release(claim, reachedBackend: false, deferred: true)
                    case .failure: failures.add(1, ordering: .relaxed)
                    }
                }
                writing.store(false, ordering: .releasing)
            } else {
                while writing.load(ordering: .acquiring) { buffer.scan() }
            }
        }
        buffer.scan()
        #expect(failures.load(ordering: .relaxed) == 0)
        #expect(batchFiles(directory + "/otlp").count == batches)
        let stats = buffer.stats
        #expect(stats.batches == batches && stats.spans == batches, "indexed \(stats.batches) of \(batches) batches")
        #expect(stats.spansDeferred == batches && stats.recoveredSpans == 0)
    }

    @Test("over the size bound, the oldest batches are removed and counted as disk_full")
    func sizeBoundEvictsOldest() async throws {
        let directory = try bufferDirectory()
        let refused = try RefusedPort()
        // Room for a few batches of ten spans.
        let client = try Self.client(.otlpProtobuf, port: refused.port, directory: directory, maxBytes: 6_000)
        Self.produce(client, 0..<400)
        _ = await client.flush()
        let stats = try #require(client.stats.exporters.first)
        let disk = try #require(stats.diskBuffer)
        let evicted = stats.dropped[.diskFull] ?? 0
        #expect(evicted > 0 && disk.bytes <= 6_000)
        #expect(evicted + disk.spans == 400)

        refused.release()
        let server = try await CaptureServer.start(port: refused.port)
        _ = await client.flush()
        await client.shutdown()
        await server.stop()
        let after = try #require(client.stats.exporters.first)
        #expect(after.exported == disk.spans && after.dropped[.diskFull] == evicted)
        // Oldest first (a batch held by a retry at that moment is passed over): the newest spans are left.
        let tally = try BackendTally(server.requests)
        #expect(tally.counts.count == disk.spans && tally.covers(390..<400) && tally.duplicates == 0)
    }

    @Test("a full disk (a 64 KiB tmpfs): batches sent from memory, losses counted as disk_full, one warning",
        .enabled(if: TemporaryMount.allowed, "needs permission to mount a tmpfs"))
    func fullDisk() async throws {
        let mount = try #require(TemporaryMount(options: "size=64k"))
        let refused = try RefusedPort()
        let logs = LogCapture()
        let client = try Self.client(.otlpProtobuf, port: refused.port, directory: mount.path, logger: logs.logger)
        Self.produce(client, 0..<1_000)
        _ = await client.flush()
        await client.shutdown(timeout: .seconds(10))
        let stats = try #require(client.stats.exporters.first)
        let disk = try #require(stats.diskBuffer)
        #expect(disk.writeFailures > 0)
        #expect((stats.dropped[.diskFull] ?? 0) > 0)
        #expect(stats.received == stats.exported + stats.droppedTotal + stats.buffered + disk.spans)
        #expect(logs.at(.warning).filter { $0.message.hasPrefix("disk buffer: cannot") }.count == 1)
    }

    @Test("a read-only directory: spans delivered from memory as without a disk buffer, one warning",
        .enabled(if: TemporaryMount.allowed, "needs permission to mount a tmpfs"))
    func readOnlyDirectory() async throws {
        let mount = try #require(TemporaryMount(options: "ro,size=64k"))
        try await withCaptureServer { server in
            let logs = LogCapture()
            let client = try Self.client(.otlpProtobuf, port: server.port, directory: mount.path, logger: logs.logger)
            Self.produce(client, 0..<200)
            #expect(await client.flush() == 0)
            await client.shutdown()
            let stats = try #require(client.stats.exporters.first)
            #expect(stats.exported == 200 && stats.dropped.isEmpty)
            #expect((stats.diskBuffer?.writeFailures ?? 0) >= 20)
            #expect(logs.at(.warning).filter { $0.message.hasPrefix("disk buffer: cannot create a file") }.count == 1)
            #expect(try BackendTally(server.requests).covers(0..<200))
        }
        // And with the backend down too, the loss is counted under the disk's reason.
        let refused = try RefusedPort()
        let client = try Self.client(.otlpProtobuf, port: refused.port, directory: mount.path)
        Self.produce(client, 0..<50)
        _ = await client.flush()
        await client.shutdown()
        #expect(client.stats.exporters.first?.dropped == [.diskUnavailable: 50])
    }

    @Test("damaged files and torn writes are removed and counted; the rest is delivered")
    func corruptedFiles() async throws {
        let directory = try bufferDirectory()
        let refused = try RefusedPort()
        let first = try Self.client(.otlpProtobuf, port: refused.port, directory: directory)
        Self.produce(first, 0..<100)
        _ = await first.flush()
        await first.shutdown()
        let folder = directory + "/otlp"
        var files = batchFiles(folder)
        #expect(files.count >= 10)
        let damagedSpans = try files.prefix(2).map { name in
            let bytes = try Data(contentsOf: URL(fileURLWithPath: folder + "/" + name))
            return try #require(DiskBufferRecord.header(Array(bytes)[...])).spans
        }.reduce(0, +)
        // One file cut short, one with a flipped body byte, one of garbage, and a torn write no process holds.
        let cut = folder + "/" + files[0]
        let cutBytes = try Data(contentsOf: URL(fileURLWithPath: cut))
        try cutBytes.prefix(cutBytes.count / 2).write(to: URL(fileURLWithPath: cut))
        let flipped = folder + "/" + files[1]
        var flippedBytes = try Data(contentsOf: URL(fileURLWithPath: flipped))
        flippedBytes[flippedBytes.count - 1] ^= 0xFF
        try flippedBytes.write(to: URL(fileURLWithPath: flipped))
        try Data("not a batch".utf8).write(to: URL(fileURLWithPath: folder + "/00000000000000000001-x-1.batch"))
        let torn = folder + "/.00000000000000000002-x-1.batch.tmp"
        try Data(cutBytes.prefix(40)).write(to: URL(fileURLWithPath: torn))
        // Older than a writer would hold a temporary file.
        try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSinceNow: -60)], ofItemAtPath: torn)

        refused.release()
        let server = try await CaptureServer.start(port: refused.port)
        let second = try Self.client(.otlpProtobuf, port: refused.port, directory: directory)
        _ = await second.flush()
        await second.shutdown()
        await server.stop()
        let disk = try #require(second.stats.exporters.first?.diskBuffer)
        #expect(disk.corruptRecords == 4)
        #expect(disk.deliveredFromDisk == 100 - damagedSpans && disk.spans == 0)
        let tally = try BackendTally(server.requests)
        #expect(tally.counts.count == 100 - damagedSpans && tally.duplicates == 0)
        files = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        #expect(files.isEmpty)
    }

    // MARK: The file format

    @Test("a record reads back exactly; cut anywhere or damaged, it is refused, never a crash")
    func recordFormat() throws {
        let record = DiskBufferRecord(
            created: 1_790_000_000_123_456_789, spans: 512, contentType: "application/x-protobuf",
            contentEncoding: "gzip", body: Array((0..<3_000).map { UInt8(truncatingIfNeeded: $0 &* 7) }), attempted: true)
        let bytes = record.encoded()
        #expect(DiskBufferRecord.decode(bytes) == record)
        #expect(Array(bytes.prefix(4)) == Array("NTDB".utf8) && bytes[DiskBufferRecord.flagsOffset] == 1)
        for cut in 0..<bytes.count where cut % 7 == 0 || cut < 64 {
            #expect(DiskBufferRecord.decode(Array(bytes.prefix(cut))) == nil)
        }
        var generator = SplitMix64(seed: 25)
        for _ in 0..<500 {
            var damaged = bytes
            let index = Int(generator.next() % UInt64(bytes.count))
            guard index != DiskBufferRecord.flagsOffset else { continue }
            damaged[index] ^= UInt8(truncatingIfNeeded: generator.next() | 1)
            let decoded = DiskBufferRecord.decode(damaged)
            // A damaged byte is caught unless it hit a header field the checksum does not cover and the record
            // still reads (then it reads differently, and the body is still intact).
            if let decoded { #expect(decoded.body == record.body) }
        }
    }
}

extension ExporterStats {
    /// Every span dropped, whatever the reason.
    var droppedTotal: Int { dropped.values.reduce(0, +) }
}
