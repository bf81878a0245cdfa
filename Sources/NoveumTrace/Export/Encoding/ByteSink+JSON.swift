/// JSON on ``ByteSink``: the one writer every JSON encoder uses (Noveum JSON, the local spool, OTLP/JSON).
///
/// Written by hand, so the caller decides the key order and the output is deterministic; nothing goes through
/// `JSONSerialization` or `Codable`. Strings are read as UTF-8 from Swift `String`s, which are always valid Unicode
/// (invalid input was already repaired to U+FFFD when the string was made), so the output is valid UTF-8. `"`, `\`
/// and the control characters U+0000 to U+001F are escaped; everything else is copied as is.
extension ByteSink {
    // MARK: Raw text

    /// Appends ASCII text that is already valid JSON (punctuation, keys known to need no escaping).
    @inline(__always)
    mutating func raw(_ text: StaticString) {
        append(text)
    }

    @inline(__always)
    mutating func raw(_ byte: UInt8) {
        append(byte)
    }

    /// Appends bytes written earlier (a prepared header or tail).
    mutating func raw(_ other: [UInt8]) {
        let length = other.count
        reserve(length)
        other.withUnsafeBufferPointer { source in
            if let from = source.baseAddress { (base + count).update(from: from, count: length) }
        }
        count &+= length
    }

    // MARK: Values

    mutating func null() {
        append("null")
    }

    mutating func bool(_ value: Bool) {
        if value { append("true") } else { append("false") }
    }

    /// A JSON string literal: quotes, backslashes and control characters escaped, everything else as UTF-8.
    @inline(__always)
    mutating func string(_ text: String) {
        let length = text.utf8.count
        reserve(length &+ 2)
        base[count] = UInt8(ascii: "\"")
        count &+= 1
        let copied: Bool? = text.utf8.withContiguousStorageIfAvailable { bytes in
            // Copy first, then look for bytes that need escaping; almost no text has any.
            guard let source = bytes.baseAddress else { return true }
            var index = 0
            // Eight bytes at a time while none needs escaping.
            let raw = UnsafeRawPointer(source)
            while index &+ 8 <= length {
                if Self.needsEscape(raw.loadUnaligned(fromByteOffset: index, as: UInt64.self)) { break }
                index &+= 8
            }
            while index < length {
                let byte = source[index]
                if byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") { break }
                index &+= 1
            }
            (base + count).update(from: source, count: index)
            count &+= index
            while index < length {
                let byte = source[index]
                if byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") {
                    appendEscaped(byte)
                } else {
                    append(byte)
                }
                index &+= 1
            }
            return true
        }
        if copied == nil {
            for byte in text.utf8 {
                if byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") {
                    appendEscaped(byte)
                } else {
                    append(byte)
                }
            }
        }
        append(UInt8(ascii: "\""))
    }

    /// Whether any of the eight bytes in `word` is a control character, a quote or a backslash (exact: no false
    /// positives or negatives, by the classic zero-byte tests).
    @inline(__always)
    static func needsEscape(_ word: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        let below20 = (word &- ones &* 0x20) & ~word & highs
        let quote = word ^ (ones &* 0x22)
        let backslash = word ^ (ones &* 0x5C)
        let hasQuote = (quote &- ones) & ~quote & highs
        let hasBackslash = (backslash &- ones) & ~backslash & highs
        return (below20 | hasQuote | hasBackslash) != 0
    }

    @inline(never)
    mutating func appendEscaped(_ byte: UInt8) {
        switch byte {
        case UInt8(ascii: "\""): append(UInt8(ascii: "\\"), UInt8(ascii: "\""))
        case UInt8(ascii: "\\"): append(UInt8(ascii: "\\"), UInt8(ascii: "\\"))
        case UInt8(ascii: "\n"): append(UInt8(ascii: "\\"), UInt8(ascii: "n"))
        case UInt8(ascii: "\r"): append(UInt8(ascii: "\\"), UInt8(ascii: "r"))
        case UInt8(ascii: "\t"): append(UInt8(ascii: "\\"), UInt8(ascii: "t"))
        case 0x08: append(UInt8(ascii: "\\"), UInt8(ascii: "b"))
        case 0x0C: append(UInt8(ascii: "\\"), UInt8(ascii: "f"))
        default:
            append("\\u00")
            appendHex(UInt64(byte), width: 2)
        }
    }

    /// A JSON string, or `null`.
    mutating func string(_ value: String?) {
        if let value { string(value) } else { null() }
    }

    /// An object key and its colon.
    mutating func key(_ key: String) {
        string(key)
        append(UInt8(ascii: ":"))
    }

    /// A JSON integer.
    mutating func int(_ value: Int64) {
        appendDecimal(value)
    }

    mutating func int(_ value: Int) {
        appendDecimal(Int64(value))
    }

    mutating func unsigned(_ value: UInt64) {
        appendDecimal(value)
    }

    /// A JSON number in Swift's shortest round-trip form (`0.9`, `1.0`, `1e-05`).
    ///
    /// JSON has no NaN or infinity, so those are written as the strings `"NaN"`, `"Infinity"` and `"-Infinity"`:
    /// the output stays valid JSON and the value stays recognisable.
    mutating func double(_ value: Double) {
        if value.isFinite {
            let text = value.description
            appendUTF8(text, count: text.utf8.count)
        } else if value.isNaN {
            append("\"NaN\"")
        } else {
            append(value < 0 ? "\"-Infinity\"" : "\"Infinity\"")
        }
    }

    /// A quoted 32-hex trace id.
    mutating func traceID(_ id: TraceID) {
        reserve(34)
        put(UInt8(ascii: "\""))
        appendHex(id.high, width: 16)
        appendHex(id.low, width: 16)
        append(UInt8(ascii: "\""))
    }

    /// A quoted 16-hex span id, or `null`.
    mutating func spanID(_ id: SpanID?) {
        guard let id else { return null() }
        reserve(18)
        put(UInt8(ascii: "\""))
        appendHex(id.rawValue, width: 16)
        append(UInt8(ascii: "\""))
    }

    /// A quoted ISO 8601 UTC time with microseconds and an explicit offset: `"2026-11-27T03:39:46.591861+00:00"`.
    /// Nanoseconds are truncated to microseconds. Every `UInt64` of nanoseconds falls in the years 1970 to 2554, so
    /// the year always has four digits and the text always 34 bytes.
    mutating func isoTime(nanos: UInt64) {
        let seconds = nanos / 1_000_000_000
        if seconds != isoSecond { prepareISOSecond(seconds) }
        reserve(34)
        let target = UnsafeMutableRawPointer(base + count)
        target.storeBytes(of: isoPrefix.0, as: UInt64.self)
        target.storeBytes(of: isoPrefix.1, toByteOffset: 8, as: UInt64.self)
        target.storeBytes(of: isoPrefix.2, toByteOffset: 16, as: UInt32.self)
        target.storeBytes(of: UInt8(ascii: "."), toByteOffset: 20, as: UInt8.self)
        var micros = UInt32(truncatingIfNeeded: nanos % 1_000_000_000 / 1_000)
        var offset = 26
        while offset > 20 {
            target.storeBytes(of: UInt8(truncatingIfNeeded: micros % 10) &+ 48, toByteOffset: offset, as: UInt8.self)
            micros /= 10
            offset &-= 1
        }
        // `+00:00"`, as words whose bytes lie in that order in memory.
        target.storeBytes(of: UInt32(littleEndian: 0x3A30_302B), toByteOffset: 27, as: UInt32.self)
        target.storeBytes(of: UInt16(littleEndian: 0x3030), toByteOffset: 31, as: UInt16.self)
        target.storeBytes(of: UInt8(ascii: "\""), toByteOffset: 33, as: UInt8.self)
        count &+= 34
    }

    /// Writes the date and time of `seconds` into ``isoPrefix``.
    @inline(never)
    private mutating func prepareISOSecond(_ seconds: UInt64) {
        let f = CivilTime.fields(fromSeconds: Int64(seconds))
        var text: [UInt8] = Array("\"0000-00-00T00:00:00".utf8)
        func put(_ value: Int, width: Int, at offset: Int) {
            var remaining = value
            for index in (offset..<offset + width).reversed() {
                text[index] = UInt8(truncatingIfNeeded: 48 + remaining % 10)
                remaining /= 10
            }
        }
        put(f.year, width: 4, at: 1)
        put(f.month, width: 2, at: 6)
        put(f.day, width: 2, at: 9)
        put(f.hour, width: 2, at: 12)
        put(f.minute, width: 2, at: 15)
        put(f.second, width: 2, at: 18)
        text.withUnsafeBytes { bytes in
            isoPrefix = (
                bytes.loadUnaligned(as: UInt64.self), bytes.loadUnaligned(fromByteOffset: 8, as: UInt64.self),
                bytes.loadUnaligned(fromByteOffset: 16, as: UInt32.self)
            )
        }
        isoSecond = seconds
    }

    /// A span's or trace's `duration_ms`: `nanos` in milliseconds, as ``double(_:)`` writes
    /// `Double(nanos) / 1_000_000`. From 1 µs to 10^15 ns (11 days) the digits are written from the integer: the
    /// exact quotient has at most 15 significant digits, so it is the shortest text that reads back as that double,
    /// which is what Swift's `description` gives (`"0.001"`, `"12.5"`, `"3.0"`).
    mutating func milliseconds(nanos: UInt64) {
        guard nanos >= 1_000 && nanos < 1_000_000_000_000_000 else {
            return double(Double(nanos) / 1_000_000)
        }
        unsigned(nanos / 1_000_000)
        var fraction = nanos % 1_000_000
        guard fraction != 0 else { return append(UInt8(ascii: "."), UInt8(ascii: "0")) }
        var width = 6
        while fraction % 10 == 0 {
            fraction /= 10
            width -= 1
        }
        reserve(7)
        put(UInt8(ascii: "."))
        for offset in (0..<width).reversed() {
            base[count &+ offset] = UInt8(truncatingIfNeeded: fraction % 10) &+ 48
            fraction /= 10
        }
        count &+= width
    }

    // MARK: Members

    /// A member's value, as the encoders' members hold them.
    enum MemberValue {
        case string(String?)
        case traceID(TraceID)
        case spanID(SpanID?)
        case bool(Bool)
        case int(Int)
        case unsigned(UInt64)
        case double(Double)
        /// Nanoseconds since the Unix epoch, written as an ISO 8601 time (``isoTime(nanos:)``).
        case isoTime(UInt64)
        /// Nanoseconds, written in milliseconds (``milliseconds(nanos:)``).
        case milliseconds(UInt64)
    }

    /// An object member whose key, with its punctuation, is known in advance (`,"name":`), then its value.
    @inline(__always)
    mutating func member(_ key: StaticString, _ value: MemberValue) {
        append(key)
        switch value {
        case .string(let text): string(text)
        case .traceID(let id): traceID(id)
        case .spanID(let id): spanID(id)
        case .bool(let flag): bool(flag)
        case .int(let number): int(number)
        case .unsigned(let number): unsigned(number)
        case .double(let number): double(number)
        case .isoTime(let nanos): isoTime(nanos: nanos)
        case .milliseconds(let nanos): milliseconds(nanos: nanos)
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
        case .stringArray(let values): jsonArray(values) { $0.string($1) }
        case .intArray(let values): jsonArray(values) { $0.int($1) }
        case .doubleArray(let values): jsonArray(values) { $0.double($1) }
        case .boolArray(let values): jsonArray(values) { $0.bool($1) }
        }
    }

    /// A JSON array: `[`, each element as `write` writes it, separated by commas, `]`.
    @inline(__always)
    mutating func jsonArray<Elements: Collection>(
        _ elements: Elements, _ write: (inout ByteSink, Elements.Element) -> Void
    ) {
        append(UInt8(ascii: "["))
        var first = true
        for element in elements {
            if !first { append(UInt8(ascii: ",")) }
            first = false
            write(&self, element)
        }
        append(UInt8(ascii: "]"))
    }

    /// An object of attributes, in list order.
    mutating func attributes(_ list: AttributeList) {
        append(UInt8(ascii: "{"))
        for (index, element) in list.enumerated() {
            if index > 0 { append(UInt8(ascii: ",")) }
            key(element.key)
            attributeValue(element.value)
        }
        append(UInt8(ascii: "}"))
    }

    private mutating func raw(_ buffer: UnsafeRawBufferPointer) {
        reserve(buffer.count)
        for byte in buffer { put(byte) }
    }
}
