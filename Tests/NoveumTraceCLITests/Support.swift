import Foundation
import NoveumTrace
import NoveumTraceCLI

/// Runs `noveum-trace` in-process with `arguments`, returning what it printed (without colour).
func run(_ arguments: [String]) async throws -> String {
    let output = LockedValue("")
    let terminal = Terminal(useColor: false) { text in output.withLock { $0 += text } }
    try await Terminal.$current.withValue(terminal) {
        try await NoveumTraceCommand.run(arguments: arguments)
    }
    return output.withLock { $0 }
}

/// A fresh folder under the temporary directory.
func temporaryFolder() throws -> String {
    let path = NSTemporaryDirectory() + "noveum-cli-tests-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

/// A folder holding `runs` demo traces, and their ids.
func demoFolder(runs: Int = 3) async throws -> (folder: String, traceIDs: [String]) {
    let folder = try temporaryFolder()
    let json = try await run(["demo", "--dir", folder, "--runs", String(runs), "--no-latency", "--offline", "--json"])
    let object = try JSONSerialization.jsonObject(with: Data(json.utf8)) as! [String: [String]]
    return (folder, object["trace_ids"]!)
}

func jsonObject(_ text: String) throws -> Any {
    try JSONSerialization.jsonObject(with: Data(text.utf8))
}

/// The demo's span names.
let demoSpanNames = [
    "complex_ai_workflow", "query_enhancement gpt-3.5-turbo", "vector_search", "response_generation gpt-4",
    "execute_tool fetch_order_status",
]

/// Runs `executable` to its end without blocking a thread of the concurrency pool; returns its status and stdout.
func runToEnd(_ executable: String, _ arguments: [String]) async throws -> (status: Int32, output: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    let outputURL = FileManager.default.temporaryDirectory.appendingPathComponent("cli-test-\(UUID().uuidString).out")
    _ = FileManager.default.createFile(atPath: outputURL.path, contents: nil)
    let handle = try FileHandle(forWritingTo: outputURL)
    defer { try? FileManager.default.removeItem(at: outputURL) }
    process.standardOutput = handle
    let status = try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Int32, any Error>) in
        process.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
        do { try process.run() } catch { continuation.resume(throwing: error) }
    }
    try handle.close()
    return (status, (try? String(contentsOf: outputURL, encoding: .utf8)) ?? "")
}
