import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A server process started by a test and stopped by it (by its own process id).
package final class ServerProcess: @unchecked Sendable {
    package let process = Process()
    private let logURL: URL

    /// Starts `executable` (looked up on `PATH`) with `arguments`, its output written to a temporary log.
    package init(executable: String, arguments: [String]) throws {
        logURL = FileManager.default.temporaryDirectory.appendingPathComponent("noveum-otlp-test-\(UUID().uuidString).log")
        _ = FileManager.default.createFile(atPath: logURL.path, contents: nil)
        let log = try FileHandle(forWritingTo: logURL)
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [executable] + arguments
        process.standardOutput = log
        process.standardError = log
        try process.run()
    }

    /// What the process wrote so far.
    package var output: String { (try? String(contentsOf: logURL, encoding: .utf8)) ?? "" }

    /// Kills the process. SIGKILL, because a child of the test process may inherit a signal mask that
    /// blocks SIGTERM.
    package func stop() {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        try? FileManager.default.removeItem(at: logURL)
    }

    deinit { stop() }
}
