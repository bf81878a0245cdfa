import Logging
import NoveumTrace

/// Collects every log message, with its metadata, for assertions.
package final class LogCapture: Sendable {
    package struct Entry: Sendable {
        package var level: Logger.Level
        package var message: String
        package var metadata: [String: String]

        /// The message and metadata as one text, to search for secrets.
        package var text: String { ([message] + metadata.map { "\($0.key)=\($0.value)" }).joined(separator: " ") }
    }

    private let entries = LockedValue<[Entry]>([])

    package init() {}

    package var all: [Entry] { entries.withLock { $0 } }
    package func at(_ level: Logger.Level) -> [Entry] { all.filter { $0.level == level } }

    /// A logger that records into this capture, at every level.
    package var logger: Logger {
        Logger(label: "noveum.trace.test") { _ in Handler(capture: self) }
    }

    fileprivate func append(_ entry: Entry) {
        entries.withLock { $0.append(entry) }
    }

    private struct Handler: LogHandler {
        let capture: LogCapture
        var logLevel: Logger.Level = .trace
        var metadata: Logger.Metadata = [:]

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            var merged: [String: String] = [:]
            for (key, value) in metadata { merged[key] = "\(value)" }
            for (key, value) in event.metadata ?? [:] { merged[key] = "\(value)" }
            capture.append(Entry(level: event.level, message: "\(event.message)", metadata: merged))
        }
    }
}
