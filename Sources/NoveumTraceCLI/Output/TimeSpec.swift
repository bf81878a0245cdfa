import Foundation

/// Reads `--since` and `--until` values: a relative age (`30s`, `15m`, `2h`, `7d`) or an absolute time
/// (`2026-11-27`, `2026-11-27T08:00:00Z`, or Unix seconds).
enum TimeSpec {
    static func nanos(_ text: String, now: Date = Date()) throws -> Int64 {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if let unit = trimmed.last, "smhdw".contains(unit), let amount = Double(trimmed.dropLast()), amount >= 0 {
            let seconds: Double = ["s": 1, "m": 60, "h": 3600, "d": 86_400, "w": 604_800][String(unit)]! * amount
            return Int64((now.timeIntervalSince1970 - seconds) * 1e9)
        }
        if let seconds = Double(trimmed) { return Int64(seconds * 1e9) }
        let iso = ISO8601DateFormatter()
        if let date = iso.date(from: trimmed) { return Int64(date.timeIntervalSince1970 * 1e9) }
        iso.formatOptions = [.withFullDate]
        if let date = iso.date(from: trimmed) { return Int64(date.timeIntervalSince1970 * 1e9) }
        throw CLIError("Cannot read the time \"\(text)\": use an age like 30m, 2h, 7d, or a date like 2026-11-27 "
            + "or 2026-11-27T08:00:00Z")
    }

    /// A duration like `7d` or `12h`, in nanoseconds.
    static func age(_ text: String) throws -> Int64 {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard let unit = trimmed.last, "smhdw".contains(unit), let amount = Double(trimmed.dropLast()), amount >= 0
        else { throw CLIError("Cannot read the age \"\(text)\": use 30m, 12h, 7d or 2w") }
        let seconds: Double = ["s": 1, "m": 60, "h": 3600, "d": 86_400, "w": 604_800][String(unit)]! * amount
        return Int64(seconds * 1e9)
    }

    /// A size like `500MB`, `2GB`, `10k` or a number of bytes.
    static func bytes(_ text: String) throws -> Int64 {
        let upper = text.trimmingCharacters(in: .whitespaces).uppercased()
        let units: [(String, Double)] = [
            ("GB", 1e9), ("MB", 1e6), ("KB", 1e3), ("G", 1e9), ("M", 1e6), ("K", 1e3), ("B", 1),
        ]
        for (suffix, factor) in units where upper.hasSuffix(suffix) {
            if let value = Double(upper.dropLast(suffix.count)), value > 0 { return Int64(value * factor) }
        }
        if let value = Int64(upper), value > 0 { return value }
        throw CLIError("Cannot read the size \"\(text)\": use 500MB, 2GB or a number of bytes")
    }
}
