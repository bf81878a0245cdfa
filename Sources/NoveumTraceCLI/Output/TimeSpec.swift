import Foundation

/// Reads `--since` and `--until` values: a relative age (`30s`, `15m`, `2h`, `7d`) or an absolute time
/// (`2026-11-27`, `2026-11-27T08:00:00Z`, or Unix seconds).
///
/// The viewer reads its `since` query parameter with the same code, so anything a request can hold (`nan`, `inf`,
/// `1e300`, `1e300d`) is an error here, never a trap: a value that is not a finite time within `Int64` nanoseconds
/// (years 1677 to 2262) is refused.
enum TimeSpec {
    static func nanos(_ text: String, now: Date = Date()) throws -> Int64 {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if let unit = trimmed.last, let perUnit = seconds(per: unit), let amount = Double(trimmed.dropLast()),
            amount >= 0
        {
            if let nanos = nanoseconds(now.timeIntervalSince1970 - perUnit * amount) { return nanos }
            throw outOfRange(text)
        }
        if let seconds = Double(trimmed) {
            if let nanos = nanoseconds(seconds) { return nanos }
            throw outOfRange(text)
        }
        let iso = ISO8601DateFormatter()
        var date = iso.date(from: trimmed)
        if date == nil {
            iso.formatOptions = [.withFullDate]
            date = iso.date(from: trimmed)
        }
        if let date {
            if let nanos = nanoseconds(date.timeIntervalSince1970) { return nanos }
            throw outOfRange(text)
        }
        throw CLIError("Cannot read the time \"\(text)\": use an age like 30m, 2h, 7d, or a date like 2026-11-27 "
            + "or 2026-11-27T08:00:00Z")
    }

    /// A duration like `7d` or `12h`, in nanoseconds.
    static func age(_ text: String) throws -> Int64 {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard let unit = trimmed.last, let perUnit = seconds(per: unit), let amount = Double(trimmed.dropLast()),
            amount >= 0
        else { throw CLIError("Cannot read the age \"\(text)\": use 30m, 12h, 7d or 2w") }
        guard let nanos = nanoseconds(perUnit * amount) else {
            throw CLIError("The age \"\(text)\" is too long: use at most about 290 years (15000w)")
        }
        return nanos
    }

    /// A size like `500MB`, `2GB`, `10k` or a number of bytes.
    static func bytes(_ text: String) throws -> Int64 {
        let upper = text.trimmingCharacters(in: .whitespaces).uppercased()
        let units: [(String, Double)] = [
            ("GB", 1e9), ("MB", 1e6), ("KB", 1e3), ("G", 1e9), ("M", 1e6), ("K", 1e3), ("B", 1),
        ]
        for (suffix, factor) in units where upper.hasSuffix(suffix) {
            if let value = Double(upper.dropLast(suffix.count)), value > 0, let size = int64(value * factor) {
                return size
            }
        }
        if let value = Int64(upper), value > 0 { return value }
        throw CLIError("Cannot read the size \"\(text)\": use 500MB, 2GB or a number of bytes")
    }

    /// Seconds in one `unit` (`s`, `m`, `h`, `d`, `w`), or nil for another character.
    private static func seconds(per unit: Character) -> Double? {
        switch unit {
        case "s": 1
        case "m": 60
        case "h": 3_600
        case "d": 86_400
        case "w": 604_800
        default: nil
        }
    }

    /// `seconds` in nanoseconds, or nil when that is not finite or does not fit in `Int64`.
    private static func nanoseconds(_ seconds: Double) -> Int64? {
        int64(seconds * 1e9)
    }

    /// `value` truncated to an integer, or nil when it is not finite or does not fit in `Int64` (where
    /// `Int64(value)` would trap).
    private static func int64(_ value: Double) -> Int64? {
        guard value.isFinite, value >= Double(Int64.min), value < -Double(Int64.min) else { return nil }
        return Int64(value)
    }

    private static func outOfRange(_ text: String) -> CLIError {
        CLIError("The time \"\(text)\" is not a time between 1678 and 2261: use an age like 30m, 2h, 7d, or a date "
            + "like 2026-11-27")
    }
}
