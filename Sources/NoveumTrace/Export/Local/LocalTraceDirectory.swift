import Foundation

/// Where local traces live: a folder holding the spool (`spool.jsonl`) and the store (`traces.sqlite`).
///
/// The folder is `NOVEUM_LOCAL_DIR` when set, else `.noveum` in the current directory. Both the SDK (which appends to
/// the spool) and the `noveum-trace` command (which ingests it into the store and reads it) resolve it the same way.
public struct LocalTraceDirectory: Sendable, Hashable, CustomStringConvertible {
    /// The environment variable naming the folder.
    public static let environmentVariable = "NOVEUM_LOCAL_DIR"
    /// The folder used when the variable is unset: `.noveum` in the current directory.
    public static let defaultFolderName = ".noveum"

    /// The folder's path.
    public let path: String

    /// A folder at `path`.
    public init(path: String) {
        var trimmed = path
        while trimmed.count > 1 && trimmed.hasSuffix("/") { trimmed.removeLast() }
        self.path = trimmed
    }

    /// The folder named by `NOVEUM_LOCAL_DIR` in `environment`, else `.noveum`.
    public static func resolve(environment: [String: String] = ProcessInfo.processInfo.environment)
        -> LocalTraceDirectory
    {
        let configured = EnvironmentReader(environment).string(environmentVariable)
        return LocalTraceDirectory(path: configured ?? defaultFolderName)
    }

    /// The JSON-lines spool the SDK appends to.
    public var spoolPath: String { path + "/spool.jsonl" }
    /// The SQLite store the `noveum-trace` command keeps.
    public var storePath: String { path + "/traces.sqlite" }

    public var description: String { path }

    /// Creates the folder (and its parents) if it does not exist.
    public func create() throws {
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }
}
