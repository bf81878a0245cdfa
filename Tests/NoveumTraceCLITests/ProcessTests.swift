import Foundation
import NoveumTrace
import NoveumTraceStore
import Testing

/// The `noveum-trace` executable built next to the test bundle, if any.
let commandBinary: String? = {
    let directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    let candidates = [directory, directory.deletingLastPathComponent()].map { $0.appendingPathComponent("noveum-trace").path }
    return candidates.first { FileManager.default.isExecutableFile(atPath: $0) }
}()

@Suite("Several processes")
struct ProcessTests {
    @Test(
        "processes spooling and ingesting at once: every trace stored exactly once",
        .enabled(if: commandBinary != nil, "needs the noveum-trace executable (swift build --build-tests builds it)"))
    func concurrentProcesses() async throws {
        let folder = try temporaryFolder()
        let writers = 4
        let runs = 15
        var processes: [Process] = []
        for _ in 0..<writers {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: commandBinary!)
            process.arguments = [
                "demo", "--dir", folder, "--runs", String(runs), "--via-spool", "--no-latency", "--offline", "--quiet",
            ]
            process.standardOutput = FileHandle.nullDevice
            processes.append(process)
        }
        for _ in 0..<2 {
            let reader = Process()
            reader.executableURL = URL(fileURLWithPath: commandBinary!)
            reader.arguments = ["list", "--dir", folder, "--json"]
            reader.standardOutput = FileHandle.nullDevice
            reader.standardError = FileHandle.nullDevice
            processes.append(reader)
        }
        for process in processes { try process.run() }
        for process in processes { process.waitUntilExit() }
        for process in processes.prefix(writers) { #expect(process.terminationStatus == 0) }
        let store = try TraceStore(directory: LocalTraceDirectory(path: folder))
        try store.ingestSpool()
        let counts = try store.counts()
        #expect(counts.traces == writers * runs)
        #expect(counts.spans == writers * runs * 5)
        let page = try store.traces(TraceQuery(limit: 1_000))
        #expect(page.traces.allSatisfy { $0.spanCount == 5 && $0.name == "complex_ai_workflow" })
    }
}
