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
                bytes.append(Self.hexDigit(UInt64(byte >> 4)))
                bytes.append(Self.hexDigit(UInt64(byte & 0xF)))
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

    /// The lowercase hex digit of `nibble` (0...15).
    @inline(__always)
    private static func hexDigit(_ nibble: UInt64) -> UInt8 {
        UInt8(truncatingIfNeeded: nibble &+ (nibble < 10 ? 48 : 87))
    }

    /// Writes the 16 hex digits of `value` at `offset` of `buffer`.
    @inline(__always)
    private static func hex16(_ value: UInt64, into buffer: UnsafeMutableRawBufferPointer, at offset: Int) {
        var remaining = value
        var index = offset + 15
        while index >= offset {
            buffer[index] = hexDigit(remaining & 0xF)
            remaining >>= 4
            index -= 1
        }
    }

    /// A quoted 32-hex trace id (built on the stack, appended at once).
    mutating func traceID(_ id: TraceID) {
        withUnsafeTemporaryAllocation(byteCount: 34, alignment: 1) { buffer in
            buffer[0] = UInt8(ascii: "\"")
            Self.hex16(id.high, into: buffer, at: 1)
            Self.hex16(id.low, into: buffer, at: 17)
            buffer[33] = UInt8(ascii: "\"")
            bytes.append(contentsOf: UnsafeRawBufferPointer(buffer))
        }
    }

    /// A quoted 16-hex span id, or `null`.
    mutating func spanID(_ id: SpanID?) {
        guard let id else { return null() }
        withUnsafeTemporaryAllocation(byteCount: 18, alignment: 1) { buffer in
            buffer[0] = UInt8(ascii: "\"")
            Self.hex16(id.rawValue, into: buffer, at: 1)
            buffer[17] = UInt8(ascii: "\"")
            bytes.append(contentsOf: UnsafeRawBufferPointer(buffer))
        }
    }

    /// A quoted ISO 8601 UTC time with microseconds and an explicit offset: `"2026-11-27T03:39:46.591861+00:00"`.
    /// Nanoseconds are truncated to microseconds.
    mutating func isoTime(nanos: UInt64) {
        let seconds = Int64(nanos / 1_000_000_000)
        let micros = Int(nanos % 1_000_000_000 / 1_000)
        let f = CivilTime.fields(fromSeconds: seconds)
        if (0...9999).contains(f.year) {
            // The usual case, built on the stack and appended at once: "YYYY-MM-DDTHH:MM:SS.ffffff+00:00".
            withUnsafeTemporaryAllocation(byteCount: 34, alignment: 1) { buffer in
                func put(_ value: Int, width: Int, at offset: Int) {
                    var remaining = value
                    var index = offset + width - 1
                    while index >= offset {
                        buffer[index] = UInt8(truncatingIfNeeded: 48 + remaining % 10)
                        remaining /= 10
                        index -= 1
                    }
                }
                buffer.copyBytes(from: "\"0000-00-00T00:00:00.000000+00:00\"".utf8)
                put(f.year, width: 4, at: 1)
                put(f.month, width: 2, at: 6)
                put(f.day, width: 2, at: 9)
                put(f.hour, width: 2, at: 12)
                put(f.minute, width: 2, at: 15)
                put(f.second, width: 2, at: 18)
                put(micros, width: 6, at: 21)
                bytes.append(contentsOf: UnsafeRawBufferPointer(buffer))
            }
            return
        }
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
