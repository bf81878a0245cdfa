/// Reads protobuf's wire format from a byte slice: tags, varints, length-delimited fields. Every read checks its
/// bounds and returns nil (or false) on truncated or malformed input instead of trapping.
struct ProtobufReader {
    private var bytes: ArraySlice<UInt8>

    init(_ bytes: ArraySlice<UInt8>) { self.bytes = bytes }

    var isAtEnd: Bool { bytes.isEmpty }

    /// A varint of at most ten bytes.
    mutating func readVarint() -> UInt64? {
        var value: UInt64 = 0
        var shift: UInt64 = 0
        while let byte = bytes.first {
            bytes = bytes.dropFirst()
            guard shift < 64 else { return nil }
            value |= UInt64(byte & 0x7F) << shift
            if byte & 0x80 == 0 { return value }
            shift += 7
        }
        return nil
    }

    /// A field number and wire type; nil for field number 0 or a truncated tag.
    mutating func readTag() -> (field: UInt64, wireType: UInt8)? {
        guard let tag = readVarint(), tag >> 3 != 0 else { return nil }
        return (tag >> 3, UInt8(truncatingIfNeeded: tag & 7))
    }

    /// A length-delimited field's bytes.
    mutating func readLengthDelimited() -> ArraySlice<UInt8>? {
        guard let length = readVarint(), length <= UInt64(bytes.count) else { return nil }
        let count = Int(length)
        let field = bytes.prefix(count)
        bytes = bytes.dropFirst(count)
        return field
    }

    /// Skips a field of `wireType`; false for groups (deprecated, never in OTLP), unknown types or truncation.
    mutating func skip(wireType: UInt8) -> Bool {
        switch wireType {
        case 0: return readVarint() != nil
        case 1: return skipBytes(8)
        case 2: return readLengthDelimited() != nil
        case 5: return skipBytes(4)
        default: return false
        }
    }

    /// A little-endian 64-bit fixed field (`fixed64`, `double`).
    mutating func readFixed64() -> UInt64? { readLittleEndian(UInt64.self) }

    /// A little-endian 32-bit fixed field (`fixed32`).
    mutating func readFixed32() -> UInt32? { readLittleEndian(UInt32.self) }

    private mutating func readLittleEndian<T: FixedWidthInteger & UnsignedInteger>(_: T.Type) -> T? {
        let size = MemoryLayout<T>.size
        guard bytes.count >= size else { return nil }
        var value: T = 0
        for (index, byte) in bytes.prefix(size).enumerated() { value |= T(byte) << (8 * index) }
        bytes = bytes.dropFirst(size)
        return value
    }

    private mutating func skipBytes(_ count: Int) -> Bool {
        guard bytes.count >= count else { return false }
        bytes = bytes.dropFirst(count)
        return true
    }
}
