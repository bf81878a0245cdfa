/// Writes compact JSON into a byte buffer, by hand: the caller decides the key order, so the output is
/// deterministic, and nothing goes through `JSONSerialization` or `Codable`.
///
/// Strings are read as UTF-8 from Swift `String`s, which are always valid Unicode (invalid input was already
/// repaired to U+FFFD when the string was made), so the output is valid UTF-8. `"`, `\` and the control
/// characters U+0000 to U+001F are escaped; everything else is copied as is.
struct JSONWriter {
    var bytes: [UInt8] = []

    init(capacity: Int = 0) {
        bytes.reserveCapacity(capacity)
    }

    // MARK: Raw text

    /// Appends ASCII text that is already valid JSON (punctuation, keys known to need no escaping).
    @inline(__always)
    mutating func raw(_ text: StaticString) {
        text.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    @inline(__always)
    mutating func raw(_ byte: UInt8) {
        bytes.append(byte)
    }

    mutating func raw(_ other: [UInt8]) {
        bytes.append(contentsOf: other)
    }

    // MARK: Values

    mutating func null() {
        raw("null")
    }

    mutating func bool(_ value: Bool) {
        if value { raw("true") } else { raw("false") }
    }

    /// A JSON string.
    mutating func string(_ value: String) {
        bytes.append(UInt8(ascii: "\""))
        var value = value
        value.withUTF8 { appendEscaped($0) }
        bytes.append(UInt8(ascii: "\""))
    }

    /// A JSON string, or `null`.
    mutating func string(_ value: String?) {
        if let value { string(value) } else { null() }
    }

    /// An object key and its colon.
    mutating func key(_ key: String) {
        string(key)
        bytes.append(UInt8(ascii: ":"))
    }

    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    private mutating func appendEscaped(_ source: UnsafeBufferPointer<UInt8>) {
        var runStart = 0
        var index = 0
        let count = source.count
        while index < count {
            let byte = source[index]
            if byte >= 0x20 && byte != UInt8(ascii: "\"") && byte != UInt8(ascii: "\\") {
                index += 1
                continue
            }
            if runStart < index { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: source[runStart..<index])) }
            bytes.append(UInt8(ascii: "\\"))
            switch byte {
            case UInt8(ascii: "\""): bytes.append(UInt8(ascii: "\""))
            case UInt8(ascii: "\\"): bytes.append(UInt8(ascii: "\\"))
            case 0x08: bytes.append(UInt8(ascii: "b"))
            case 0x0C: bytes.append(UInt8(ascii: "f"))
            case 0x0A: bytes.append(UInt8(ascii: "n"))
            case 0x0D: bytes.append(UInt8(ascii: "r"))
            case 0x09: bytes.append(UInt8(ascii: "t"))
            default:
                bytes.append(UInt8(ascii: "u"))
                bytes.append(UInt8(ascii: "0"))
                bytes.append(UInt8(ascii: "0"))
                bytes.append(Self.hexDigits[Int(byte >> 4)])
                bytes.append(Self.hexDigits[Int(byte & 0xF)])
            }
            index += 1
            runStart = index
        }
        if runStart < count { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: source[runStart..<count])) }
    }

    /// A JSON integer.
    mutating func int(_ value: Int64) {
        if value < 0 { bytes.append(UInt8(ascii: "-")) }
        unsigned(value.magnitude)
    }

    mutating func int(_ value: Int) {
        int(Int64(value))
    }

    mutating func unsigned(_ value: UInt64) {
        if value < 10 {
            bytes.append(UInt8(ascii: "0") + UInt8(value))
            return
        }
        var divisor: UInt64 = 1
        while value / divisor >= 10 { divisor *= 10 }
        var remaining = value
        while divisor > 0 {
            bytes.append(UInt8(ascii: "0") + UInt8(remaining / divisor))
            remaining %= divisor
            divisor /= 10
        }
    }

    /// A JSON number in Swift's shortest round-trip form (`0.9`, `1.0`, `1e-05`).
    ///
    /// JSON has no NaN or infinity, so those are written as the strings `"NaN"`, `"Infinity"` and `"-Infinity"`:
    /// the output stays valid JSON and the value stays recognisable.
    mutating func double(_ value: Double) {
        if value.isNaN {
            raw("\"NaN\"")
        } else if value.isInfinite {
            if value < 0 { raw("\"-Infinity\"") } else { raw("\"Infinity\"") }
        } else {
            bytes.append(contentsOf: value.description.utf8)
        }
    }

    /// Lowercase hex digits of `value`, `width` of them, without quotes.
    mutating func hex(_ value: UInt64, width: Int) {
        var shift = (width - 1) * 4
        while shift >= 0 {
            bytes.append(Self.hexDigits[Int((value >> UInt64(shift)) & 0xF)])
            shift -= 4
        }
    }

    /// A quoted 32-hex trace id.
    mutating func traceID(_ id: TraceID) {
        bytes.append(UInt8(ascii: "\""))
        hex(id.high, width: 16)
        hex(id.low, width: 16)
        bytes.append(UInt8(ascii: "\""))
    }

    /// A quoted 16-hex span id, or `null`.
    mutating func spanID(_ id: SpanID?) {
        guard let id else { return null() }
        bytes.append(UInt8(ascii: "\""))
        hex(id.rawValue, width: 16)
        bytes.append(UInt8(ascii: "\""))
    }

    /// A quoted ISO 8601 UTC time with microseconds and an explicit offset: `"2026-11-27T03:39:46.591861+00:00"`.
    /// Nanoseconds are truncated to microseconds.
    mutating func isoTime(nanos: UInt64) {
        let seconds = Int64(nanos / 1_000_000_000)
        let micros = Int(nanos % 1_000_000_000 / 1_000)
        let f = CivilTime.fields(fromSeconds: seconds)
        bytes.append(UInt8(ascii: "\""))
        padded(f.year, width: 4)
        bytes.append(UInt8(ascii: "-"))
        padded(f.month, width: 2)
        bytes.append(UInt8(ascii: "-"))
        padded(f.day, width: 2)
        bytes.append(UInt8(ascii: "T"))
        padded(f.hour, width: 2)
        bytes.append(UInt8(ascii: ":"))
        padded(f.minute, width: 2)
        bytes.append(UInt8(ascii: ":"))
        padded(f.second, width: 2)
        bytes.append(UInt8(ascii: "."))
        padded(micros, width: 6)
        raw("+00:00\"")
    }

    private mutating func padded(_ value: Int, width: Int) {
        var divisor = 1
        for _ in 1..<width { divisor *= 10 }
        var remaining = value
        if remaining >= divisor * 10 {
            // Wider than `width` (years after 9999): write every digit.
            unsigned(UInt64(remaining))
            return
        }
        while divisor > 0 {
            bytes.append(UInt8(ascii: "0") + UInt8(remaining / divisor))
            remaining %= divisor
            divisor /= 10
        }
    }

    // MARK: Attributes

    /// An attribute value as its native JSON type; arrays as arrays.
    mutating func attributeValue(_ value: AttributeValue) {
        switch value {
        case .string(let v): string(v)
        case .int(let v): int(v)
        case .double(let v): double(v)
        case .bool(let v): bool(v)
        case .stringArray(let values): array(values) { $0.string($1) }
        case .intArray(let values): array(values) { $0.int($1) }
        case .doubleArray(let values): array(values) { $0.double($1) }
        case .boolArray(let values): array(values) { $0.bool($1) }
        }
    }

    private mutating func array<T>(_ values: [T], _ write: (inout JSONWriter, T) -> Void) {
        bytes.append(UInt8(ascii: "["))
        for (index, value) in values.enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            write(&self, value)
        }
        bytes.append(UInt8(ascii: "]"))
    }

    /// An object of attributes, in list order.
    mutating func attributes(_ list: AttributeList) {
        bytes.append(UInt8(ascii: "{"))
        for (index, element) in list.enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            key(element.key)
            attributeValue(element.value)
        }
        bytes.append(UInt8(ascii: "}"))
    }
}
