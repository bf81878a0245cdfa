/// Typed reads of environment variables, with errors that name the variable.
///
/// An empty value counts as unset. A value that does not parse is a configuration error, never silently ignored.
struct EnvironmentReader {
    let values: [String: String]

    init(_ values: [String: String]) {
        self.values = values
    }

    func string(_ name: String) -> String? {
        guard let raw = values[name]?.trimmingWhitespace(), !raw.isEmpty else { return nil }
        return raw
    }

    func double(_ name: String) throws(NoveumTraceError) -> Double? {
        guard let raw = string(name) else { return nil }
        guard let value = Double(raw), value.isFinite else {
            throw .invalidConfiguration("\(name) must be a number, got \"\(raw)\"")
        }
        return value
    }

    func int(_ name: String) throws(NoveumTraceError) -> Int? {
        guard let raw = string(name) else { return nil }
        guard let value = Int(raw) else { throw .invalidConfiguration("\(name) must be an integer, got \"\(raw)\"") }
        return value
    }

    /// The first of `name` and `fallback` that is set, as an integer.
    func int(_ name: String, else fallback: String) throws(NoveumTraceError) -> Int? {
        if let value = try int(name) { return value }
        return try int(fallback)
    }

    /// The first of `name` and `fallback` that is set, as milliseconds.
    func milliseconds(_ name: String, else fallback: String) throws(NoveumTraceError) -> Duration? {
        if let value = try milliseconds(name) { return value }
        return try milliseconds(fallback)
    }

    func milliseconds(_ name: String) throws(NoveumTraceError) -> Duration? {
        guard let value = try int(name) else { return nil }
        return .milliseconds(value)
    }

    func bool(_ name: String) throws(NoveumTraceError) -> Bool? {
        guard let raw = string(name) else { return nil }
        switch raw.lowercased() {
        case "1", "true", "yes", "on": return true
        case "0", "false", "no", "off": return false
        default: throw .invalidConfiguration("\(name) must be true or false, got \"\(raw)\"")
        }
    }
}

extension String {
    func trimmingWhitespace() -> String {
        var slice = Substring(self)
        while let first = slice.first, first.isWhitespace { slice.removeFirst() }
        while let last = slice.last, last.isWhitespace { slice.removeLast() }
        return String(slice)
    }
}
