import Foundation
@testable import NoveumTrace
import NoveumTraceTestSupport

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The `SpanProducer` executable built next to the test bundle, if any.
let producerBinary: String? = {
    let directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    let candidates = [directory, directory.deletingLastPathComponent()].map { $0.appendingPathComponent("SpanProducer").path }
    return candidates.first { FileManager.default.isExecutableFile(atPath: $0) }
}()

/// A `SpanProducer` child process: its output lines as they arrive, its memory, and a way to kill it.
final class ProducerProcess: @unchecked Sendable {
    let process = Process()
    private let lines = LockedValue<[String]>([])
    private let partial = LockedValue<[UInt8]>([])

    init(_ arguments: [String]) throws {
        guard let producerBinary else { throw DurabilityError.noProducer }
        process.executableURL = URL(fileURLWithPath: producerBinary)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        pipe.fileHandleForReading.readabilityHandler = { [lines, partial] handle in
            let data = handle.availableData
            guard !data.isEmpty else { return }
            let complete = partial.withLock { buffer -> [String] in
                buffer.append(contentsOf: data)
                guard let last = buffer.lastIndex(of: 10) else { return [] }
                let text = String(decoding: buffer[...last], as: UTF8.self)
                buffer.removeSubrange(...last)
                return text.split(separator: "\n").map(String.init)
            }
            if !complete.isEmpty { lines.withLock { $0.append(contentsOf: complete) } }
        }
        try process.run()
    }

    var output: [String] { lines.withLock { $0 } }

    /// The first line starting with `prefix`, waiting up to `timeout` for it (nil if the process exits first).
    func line(_ prefix: String, timeout: Duration = .seconds(120)) async -> String? {
        await Loopback.poll(timeout: timeout, every: .milliseconds(20)) { () -> String?? in
            if let line = output.first(where: { $0.hasPrefix(prefix) }) { return .some(line) }
            return process.isRunning ? nil : .some(nil)
        } ?? nil
    }

    /// The statistics a line `<prefix> {json}` carries.
    func stats(_ prefix: String, timeout: Duration = .seconds(120)) async throws -> ProducerStats {
        guard let line = await line(prefix + " ", timeout: timeout) else { throw DurabilityError.noLine(prefix, output) }
        return try ProducerStats(line: line)
    }

    /// The process's resident memory, from `/proc`; nil elsewhere or once it exited.
    var residentBytes: Int? {
        guard let text = try? String(contentsOfFile: "/proc/\(process.processIdentifier)/status", encoding: .utf8),
            let line = text.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
            let kilobytes = line.split(separator: " ").dropFirst().first.flatMap({ Int($0) })
        else { return nil }
        return kilobytes * 1024
    }

    func kill() {
        if process.isRunning {
            killProcess(process.processIdentifier)
            process.waitUntilExit()
        }
    }

    func waitForExit() async -> Int32 {
        _ = await Loopback.poll(timeout: .seconds(180), every: .milliseconds(50)) { process.isRunning ? nil : true }
        kill()
        return process.terminationStatus
    }

    deinit { kill() }
}

/// What a producer printed about its exporter.
struct ProducerStats: Sendable {
    var ended: Int
    var exported: Int
    var buffered: Int
    var dropped: [String: Int]
    var disk: [String: Int]
    var backendUnavailable: Bool

    init(line: String) throws {
        guard let start = line.firstIndex(of: "{"),
            let object = try JSONSerialization.jsonObject(with: Data(line[start...].utf8)) as? [String: Any]
        else { throw DurabilityError.badStats(line) }
        ended = object["ended"] as? Int ?? -1
        exported = object["exported"] as? Int ?? -1
        buffered = object["buffered"] as? Int ?? -1
        dropped = object["dropped"] as? [String: Int] ?? [:]
        let disk = object["disk"] as? [String: Any] ?? [:]
        self.disk = disk.compactMapValues { $0 as? Int }
        backendUnavailable = disk["backend_unavailable"] as? Bool ?? false
    }

    var droppedTotal: Int { dropped.values.reduce(0, +) }
}

enum DurabilityError: Error {
    case noProducer
    case noLine(String, [String])
    case badStats(String)
}

/// The `producer.seq` values a backend received, from OTLP protobuf or Noveum JSON requests.
struct BackendTally {
    /// How many times each sequence number arrived.
    var counts: [Int: Int] = [:]
    /// Span ids received, with repeats.
    var spanIDs: [String] = []

    init(_ requests: [CapturedRequest]) throws {
        for request in requests where request.path.hasSuffix("/v1/traces") {
            guard let body = request.body else { continue }
            if request.headers["content-type"]?.contains("json") == true {
                let object = try request.json()
                for resource in object["resourceSpans"] as? [[String: Any]] ?? [] {
                    for scope in resource["scopeSpans"] as? [[String: Any]] ?? [] {
                        for span in scope["spans"] as? [[String: Any]] ?? [] {
                            let attributes = span["attributes"] as? [[String: Any]] ?? []
                            let seq = attributes.first { $0["key"] as? String == "producer.seq" }
                            if let value = (seq?["value"] as? [String: Any])?["intValue"] as? String, let number = Int(value) {
                                counts[number, default: 0] += 1
                            }
                            spanIDs.append(span["spanId"] as? String ?? "")
                        }
                    }
                }
                for trace in object["traces"] as? [[String: Any]] ?? [] {
                    for span in trace["spans"] as? [[String: Any]] ?? [] {
                        let attributes = span["attributes"] as? [String: Any] ?? [:]
                        if let seq = attributes["producer.seq"] as? Int { counts[seq, default: 0] += 1 }
                        spanIDs.append(span["span_id"] as? String ?? "")
                    }
                }
            } else {
                let decoded = try PBRequest(serializedBytes: body)
                for resource in decoded.resourceSpans {
                    for scope in resource.scopeSpans {
                        for span in scope.spans {
                            if let seq = span.attributes.first(where: { $0.key == "producer.seq" }) {
                                counts[Int(seq.value.intValue), default: 0] += 1
                            }
                            spanIDs.append(span.spanID.map { String(format: "%02x", $0) }.joined())
                        }
                    }
                }
            }
        }
    }

    /// Spans received more than once.
    var duplicates: Int { counts.values.reduce(0) { $0 + max(0, $1 - 1) } }
    /// Distinct span ids.
    var distinctSpanIDs: Int { Set(spanIDs).count }
    /// Whether every number in `range` arrived.
    func covers(_ range: Range<Int>) -> Bool { range.allSatisfy { counts[$0] != nil } }
}

/// A fresh directory for a disk buffer.
func bufferDirectory() throws -> String {
    let path = NSTemporaryDirectory() + "noveum-disk-buffer-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

/// The batch files in an exporter's disk buffer directory.
func batchFiles(_ directory: String) -> [String] {
    ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).filter { $0.hasSuffix(".batch") }.sorted()
}

/// A tmpfs mounted for a test (a tiny one to fill, or a read-only one); nil where mounting is not allowed.
final class TemporaryMount: @unchecked Sendable {
    let path: String

    init?(options: String) {
        guard let directory = try? bufferDirectory() else { return nil }
        path = directory
        guard Loopback.run("mount", ["-t", "tmpfs", "-o", options, "tmpfs", directory]) == 0 else { return nil }
    }

    deinit { _ = Loopback.run("umount", ["-l", path]) }

    /// Whether this machine lets tests mount a tmpfs (root with `CAP_SYS_ADMIN`, as in CI's container).
    static let allowed: Bool = TemporaryMount(options: "size=4k") != nil
}

/// SIGKILL, under a name that `ProducerProcess.kill()` does not shadow.
private func killProcess(_ pid: Int32) {
    _ = kill(pid, SIGKILL)
}
