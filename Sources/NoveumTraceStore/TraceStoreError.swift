/// Why the local trace store could not be used, with what to do about it.
public enum TraceStoreError: Error, Sendable, Hashable, CustomStringConvertible {
    /// No store and no spool exist at the path yet.
    case notFound(path: String)
    /// The file is not a SQLite database, or SQLite found it corrupt.
    case damaged(path: String, reason: String)
    /// No trace has this id, or this prefix.
    case traceNotFound(String)
    /// The prefix matches several traces.
    case ambiguousPrefix(String, matches: [String])
    /// An argument is not valid.
    case invalidArgument(String)

    public var description: String {
        switch self {
        case .notFound(let path):
            return "No local traces at \(path) yet. Run `noveum-trace demo` to record an example, or trace your app "
                + "with no API key configured (spans go to the local spool). Set NOVEUM_LOCAL_DIR or --dir to look "
                + "elsewhere."
        case .damaged(let path, let reason):
            return "The trace store at \(path) is damaged (\(reason)). Move it aside or delete it; the next "
                + "command creates a new one and ingests the spool again if it is still there."
        case .traceNotFound(let id):
            return "No trace with id \(id). `noveum-trace list` shows the recorded traces."
        case .ambiguousPrefix(let prefix, let matches):
            return "The prefix \(prefix) matches several traces: \(matches.joined(separator: ", ")). Give more digits."
        case .invalidArgument(let message):
            return message
        }
    }
}
