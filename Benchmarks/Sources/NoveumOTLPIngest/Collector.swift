import BenchmarkSupport
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

struct IngestError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// `noveum-trace collect --dir DIR --port 0` as a child process: its port, its CPU time and peak memory from
/// `/proc`, and what it printed.
final class Collector {
    let binary: String
    let directory: String
    let process = Process()
    private let output = Pipe()
    /// What it printed on stdout so far.
    private(set) var printed = ""
    /// The port from its start line.
    private(set) var port = 0

    init(binary: String, directory: String) {
        self.binary = binary
        self.directory = directory
    }

    var pid: Int32 { process.processIdentifier }

    /// Starts it and reads its start line (`Receiving OTLP traces into … at http://127.0.0.1:PORT/v1/traces …`).
    func start() throws {
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = ["collect", "--dir", directory, "--port", "0"]
        process.standardOutput = output
        process.standardError = FileHandle.standardError
        try process.run()
        do {
            try readStartLine()
        } catch {
            kill(pid, SIGKILL)
            process.waitUntilExit()
            throw error
        }
    }

    private func readStartLine() throws {
        let reader = output.fileHandleForReading
        while !printed.contains("\n") {
            let data = reader.availableData
            if data.isEmpty {
                process.waitUntilExit()
                throw IngestError(
                    "noveum-trace collect exited (\(process.terminationStatus)) before it printed its port: \(printed)")
            }
            printed += String(decoding: data, as: UTF8.self)
        }
        let line = printed.prefix { $0 != "\n" }
        guard line.hasPrefix("Receiving OTLP traces into "), let range = line.range(of: "http://127.0.0.1:") else {
            throw IngestError("unexpected start line: \(line)")
        }
        let digits = line[range.upperBound...].prefix { $0.isNumber }
        guard let port = Int(digits), port > 0 else { throw IngestError("no port in: \(line)") }
        self.port = port
    }

    /// Whether the start line had terminal escapes (it must not when stdout is not a terminal).
    var startLineHasEscapes: Bool { printed.prefix { $0 != "\n" }.contains("\u{1B}") }

    /// User plus system CPU time of every thread so far, in seconds (`/proc/PID/stat` fields 14 and 15).
    func cpuSeconds() throws -> Double {
        let text = try Self.contents("/proc/\(pid)/stat")
        // The command name (field 2) is in parentheses and may hold spaces: count fields after the last ')'.
        guard let close = text.lastIndex(of: ")") else { throw IngestError("unreadable /proc/\(pid)/stat") }
        let fields = text[text.index(after: close)...].split(separator: " ")
        // fields[0] is field 3 (state): utime (14) is fields[11], stime (15) fields[12].
        guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else {
            throw IngestError("unreadable /proc/\(pid)/stat")
        }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    /// The most resident memory it has had (`VmHWM`), in bytes.
    func peakResidentBytes() throws -> Int {
        guard let bytes = ProcessMemory.status("VmHWM", pid: pid) else {
            throw IngestError("no VmHWM in /proc/\(pid)/status")
        }
        return bytes
    }

    /// Kills it if it still runs (after a failed measurement).
    func killIfRunning() {
        guard process.isRunning else { return }
        kill(pid, SIGKILL)
        process.waitUntilExit()
    }

    /// Sends SIGINT, waits for it to exit, and returns what it printed after its start line.
    func stop() throws -> String {
        kill(pid, SIGINT)
        let rest = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        printed += String(decoding: rest, as: UTF8.self)
        guard process.terminationReason == .exit, process.terminationStatus == 0 else {
            throw IngestError("noveum-trace collect ended with status \(process.terminationStatus): \(printed)")
        }
        return String(printed.drop { $0 != "\n" }.dropFirst())
    }

    /// The text of a `/proc` file (their size is 0 to `stat`, so read to the end).
    static func contents(_ path: String) throws -> String {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw IngestError("cannot open \(path)") }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count <= 0 { break }
            bytes += chunk[0..<count]
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

/// Runs `noveum-trace ARGS` to its end and parses its stdout as JSON.
func runJSON(_ binary: String, _ arguments: [String]) throws -> [String: Any] {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: binary)
    process.arguments = arguments
    let output = Pipe()
    process.standardOutput = output
    try process.run()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    guard process.terminationStatus == 0,
        let object = try JSONSerialization.jsonObject(with: data) as? [String: Any]
    else {
        throw IngestError(
            "noveum-trace \(arguments.joined(separator: " ")) failed: \(String(decoding: data, as: UTF8.self))")
    }
    return object
}
