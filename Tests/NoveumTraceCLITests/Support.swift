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
