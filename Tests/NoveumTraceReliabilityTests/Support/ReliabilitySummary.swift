import Foundation

/// Appends one line per case to `.build/reliability-summary/<file>.tsv`, which `Scripts/reliability-summary.sh`
/// totals after the run: faults tried, inputs tried and spans lost.
///
/// Columns: kind, case name, spans (or inputs) tried, spans lost (not exported, not dropped with a reason, not
/// reported by shutdown), free text.
enum ReliabilitySummary {
    /// The package root, found from this file's path.
    static let folder: URL = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<4 { url.deleteLastPathComponent() }
        return url.appendingPathComponent(".build/reliability-summary", isDirectory: true)
    }()

    private static let lock = NSLock()

    /// Records one case.
    static func record(_ kind: String, _ name: String, tried: Int, lost: Int, note: String = "") {
        let clean = { (text: String) in text.replacingOccurrences(of: "\t", with: " ").replacingOccurrences(of: "\n", with: " ") }
        let line = [kind, clean(name), String(tried), String(lost), clean(note)].joined(separator: "\t") + "\n"
        lock.lock()
        defer { lock.unlock() }
        try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let file = folder.appendingPathComponent("\(kind).tsv")
        if let handle = try? FileHandle(forWritingTo: file) {
            handle.seekToEndOfFile()
            handle.write(Data(line.utf8))
            try? handle.close()
        } else {
            try? Data(line.utf8).write(to: file)
        }
    }
}
