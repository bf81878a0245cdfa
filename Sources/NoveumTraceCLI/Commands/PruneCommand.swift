import ArgumentParser
import Foundation
import NoveumTraceStore

struct PruneCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "prune", abstract: "Delete old traces: by age, or the oldest until the store fits a size.")

    @OptionGroup var store: StoreOptions
    @Option(name: .customLong("older-than"), help: "Delete traces older than this age (12h, 7d, 2w).")
    var olderThan: String?
    @Option(name: .customLong("max-size"), help: "Then delete the oldest until the data fits (500MB, 2GB).")
    var maxSize: String?
    @Flag(help: "Print JSON for scripts.") var json = false

    func run() async throws {
        let terminal = Terminal.current
        guard olderThan != nil || maxSize != nil else { throw CLIError("Give --older-than, --max-size, or both") }
        let cutoff = try olderThan.map { age -> Int64 in
            let now = Int64(Date().timeIntervalSince1970 * 1e9)
            return now - (try TimeSpec.age(age))
        }
        let result = try store.openStore().prune(olderThanNanos: cutoff, maxBytes: try maxSize.map(TimeSpec.bytes))
        if json {
            terminal.line(try Format.json(result))
        } else {
            terminal.line(
                "Deleted \(result.deletedTraces) trace\(result.deletedTraces == 1 ? "" : "s"); the store went from "
                    + "\(result.bytesBefore / 1024) KiB to \(result.bytesAfter / 1024) KiB.")
        }
    }
}
