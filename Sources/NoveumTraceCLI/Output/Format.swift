import Foundation
import NoveumTraceStore

/// Human formats for durations, costs, token counts and times.
enum Format {
    static func duration(nanos: Int64) -> String {
        if nanos < 999_500 { return "\((nanos + 500) / 1000)µs" }
        let ms = Double(nanos) / 1_000_000
        if ms < 1000 { return String(format: ms < 10 ? "%.2fms" : "%.0fms", ms) }
        let s = ms / 1000
        if s < 60 { return String(format: "%.2fs", s) }
        return String(format: "%dm%02ds", Int(s) / 60, Int(s) % 60)
    }

    static func cost(_ dollars: Double) -> String {
        if dollars == 0 { return "$0" }
        if dollars < 0.01 { return String(format: "$%.5f", dollars) }
        return String(format: "$%.4f", dollars)
    }

    static func tokens(_ input: Int64, _ output: Int64) -> String {
        hasTokens(input, output) ? "\(input)→\(output)" : "-"
    }

    /// Whether `input + output` is not zero (positive, for counts that cannot be negative), without the sum
    /// trapping: stored counts come from spans and saturate at `Int64.max`.
    static func hasTokens(_ input: Int64, _ output: Int64) -> Bool {
        let (sum, overflow) = input.addingReportingOverflow(output)
        return overflow || sum != 0
    }

    static func percent(_ fraction: Double) -> String {
        String(format: "%.1f%%", fraction * 100)
    }

    /// Local time `2026-11-27 08:12:03`.
    static func time(nanos: Int64) -> String {
        var seconds = time_t(nanos / 1_000_000_000)
        var parts = tm()
        localtime_r(&seconds, &parts)
        return String(
            format: "%04d-%02d-%02d %02d:%02d:%02d", Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1,
            Int(parts.tm_mday), Int(parts.tm_hour), Int(parts.tm_min), Int(parts.tm_sec))
    }

    /// A score as `relevance 0.82`, `thumbs_up pass`, `sentiment positive`, or `relevance 0.82 (relevant)`.
    static func score(_ score: StoredScore) -> String {
        let number = score.value.map { String(format: "%.3g", $0) }
        let shown: String
        switch (score.type, number, score.label) {
        case ("boolean", _, let label?), ("categorical", _, let label?), (_, nil, let label?): shown = label
        case (_, let number?, let label?): shown = "\(number) (\(label))"
        case (_, let number?, nil): shown = number
        default: shown = "-"
        }
        return score.name + " " + shown
    }

    /// Pads or cuts `text` to `width` characters.
    static func cell(_ text: String, _ width: Int, right: Bool = false) -> String {
        if text.count > width { return String(text.prefix(max(0, width - 1))) + "…" }
        let pad = String(repeating: " ", count: width - text.count)
        return right ? pad + text : text + pad
    }

    /// JSON for `value`, keys sorted, for `--json`.
    static func json<T: Encodable>(_ value: T, pretty: Bool = true) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = pretty ? [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes] : [.sortedKeys]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.nonConformingFloatEncodingStrategy = .convertToString(
            positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }
}
