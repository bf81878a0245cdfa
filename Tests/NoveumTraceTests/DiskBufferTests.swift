import Foundation
import Synchronization
import Testing

@testable import NoveumTrace

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The disk buffer under concurrency (also run under the thread and address sanitizers, Tests/SanitizerSuite), and
/// its configuration. The end-to-end guarantees, with real processes and a real backend, are in
/// `NoveumTraceReliabilityTests/DurableDeliveryTests`.
@Suite("Disk buffer")
struct DiskBufferTests {
    /// A transport that refuses the first `refusals` requests as a closed port would, then accepts every request
    /// and keeps the `producer.seq` values of the Noveum JSON bodies it accepted.
    final class FlakyTransport: HTTPTransport {
        private let state: Mutex<(refusals: Int, seqs: [Int])>

        init(refusals: Int) { state = Mutex((refusals, [])) }

        var seqs: [Int] { state.withLock { $0.seqs } }

        func send(_ request: HTTPTransportRequest, timeout: Duration) async throws -> HTTPTransportResponse {
            let refuse = state.withLock { state -> Bool in
                guard state.refusals > 0 else { return false }
                state.refusals -= 1
                return true
            }
            if refuse { throw URLError(.cannotConnectToHost) }
            let object = try JSONSerialization.jsonObject(with: Data(request.body)) as? [String: Any] ?? [:]
            var seqs: [Int] = []
            for trace in object["traces"] as? [[String: Any]] ?? [] {
                for span in trace["spans"] as? [[String: Any]] ?? [] {
                    if let seq = (span["attributes"] as? [String: Any])?["producer.seq"] as? Int { seqs.append(seq) }
                }
            }
            state.withLock { $0.seqs.append(contentsOf: seqs) }
            return HTTPTransportResponse(status: 200)
        }
    }

    static func directory() throws -> String {
        let path = NSTemporaryDirectory() + "noveum-disk-buffer-unit-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    @Test("8 tasks, 4 concurrent exports, a backend refusing then accepting: every span delivered once, counts exact")
    func concurrentWritersAndRetries() async throws {
        let transport = FlakyTransport(refusals: 40)
        let exporter = NoveumExporter(
            transport: transport, compression: false,
            retryPolicy: HTTPRetryPolicy(maxAttempts: 2, initialBackoff: .milliseconds(1), maxBackoff: .milliseconds(5)))
        var configuration = Configuration(
            batchSize: 25, maxQueueSize: 100_000, scheduleDelay: .milliseconds(5), maxConcurrentExports: 4,
            diskBuffer: DiskBufferConfiguration(directory: try Self.directory(), synchronous: false),
            exporters: [exporter])
        configuration.redaction = .disabled
        let client = try NoveumClient(apiKey: "key", project: "disk", endpoint: "http://127.0.0.1:9/api", config: configuration)
        await withTaskGroup(of: Void.self) { group in
            for task in 0..<8 {
                group.addTask {
                    for index in 0..<500 {
                        client.finishSpan(client.startSpan(name: "work", attributes: ["producer.seq": task * 500 + index]))
                    }
                }
            }
        }
        // Flush until the retry task has sent what the refusals left on disk.
        var undelivered = await client.flush()
        for _ in 0..<50 where undelivered > 0 || client.stats.exporters[0].diskBuffer?.spans != 0 {
            undelivered = await client.flush()
        }
        await client.shutdown()
        let stats = client.stats.exporters[0]
        let disk = try #require(stats.diskBuffer)
        #expect(stats.exported == 4_000 && stats.dropped.isEmpty && disk.spans == 0 && disk.batches == 0)
        #expect(disk.redelivered == 0 && disk.spansDeferred > 0 && disk.deliveredFromDisk == disk.spansDeferred)
        #expect(transport.seqs.sorted() == Array(0..<4_000))
    }

    @Test("NOVEUM_DISK_BUFFER and its companions configure the buffer; bad values name the variable")
    func environment() throws {
        let resolved = try Configuration().resolved(environment: [
            "NOVEUM_DISK_BUFFER": "/var/lib/app/traces", "NOVEUM_DISK_BUFFER_MAX_MB": "64",
            "NOVEUM_DISK_BUFFER_MAX_AGE_SECONDS": "3600", "NOVEUM_DISK_BUFFER_FSYNC": "false",
        ])
        #expect(
            resolved.diskBuffer
                == DiskBufferConfiguration(directory: "/var/lib/app/traces", maxBytes: 64 << 20, maxAge: .seconds(3600), synchronous: false))
        #expect(try Configuration().resolved(environment: [:]).diskBuffer == nil)
        // The companions alone do nothing; a setting in code wins over the environment.
        #expect(try Configuration().resolved(environment: ["NOVEUM_DISK_BUFFER_MAX_MB": "1"]).diskBuffer == nil)
        let inCode = Configuration(diskBuffer: .init(directory: "/code"))
        #expect(try inCode.resolved(environment: ["NOVEUM_DISK_BUFFER": "/env"]).diskBuffer?.directory == "/code")
        for (name, value) in [
            ("NOVEUM_DISK_BUFFER_MAX_MB", "0"), ("NOVEUM_DISK_BUFFER_MAX_MB", "lots"),
            ("NOVEUM_DISK_BUFFER_MAX_AGE_SECONDS", "-5"), ("NOVEUM_DISK_BUFFER_FSYNC", "maybe"),
        ] {
            #expect {
                try Configuration().resolved(environment: ["NOVEUM_DISK_BUFFER": "/tmp/x", name: value])
            } throws: { error in
                "\(error)".contains(name) || "\(error)".contains("maxAge")
            }
        }
    }
}
