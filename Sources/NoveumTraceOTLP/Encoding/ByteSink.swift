/// A growable byte buffer for the encoders: one allocation that doubles as needed, no bounds checks on the
/// hot path, and one copy into the returned array at the end.
///
/// Noncopyable, so the memory it owns is freed exactly once and never shared.
struct ByteSink: ~Copyable {
    private(set) var base: UnsafeMutablePointer<UInt8>
    private(set) var capacity: Int
    /// Bytes written so far.
    var count: Int

    init(capacity: Int) {
        let size = max(capacity, 64)
        base = .allocate(capacity: size)
        self.capacity = size
        count = 0
    }

    deinit {
        base.deallocate()
    }

    /// Makes room for `extra` more bytes.
    @inline(__always)
    mutating func reserve(_ extra: Int) {
        if count &+ extra > capacity { grow(to: count + extra) }
    }

    @inline(never)
    private mutating func grow(to needed: Int) {
        var size = capacity &* 2
        while size < needed { size &*= 2 }
        let bigger = UnsafeMutablePointer<UInt8>.allocate(capacity: size)
        bigger.update(from: base, count: count)
        base.deallocate()
        base = bigger
        capacity = size
    }

    @inline(__always)
    mutating func append(_ byte: UInt8) {
        reserve(1)
        base[count] = byte
        count &+= 1
    }

    @inline(__always)
    mutating func append(_ a: UInt8, _ b: UInt8) {
        reserve(2)
        base[count] = a
        base[count &+ 1] = b
        count &+= 2
    }

    @inline(__always)
    mutating func append(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard let source = bytes.baseAddress, bytes.count > 0 else { return }
        reserve(bytes.count)
        (base + count).update(from: source, count: bytes.count)
        count &+= bytes.count
    }

    /// Appends the UTF-8 bytes of a literal.
    @inline(__always)
    mutating func append(_ literal: StaticString) {
        append(UnsafeBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount))
    }

    /// Appends a little-endian 32-bit value.
    @inline(__always)
    mutating func appendFixed32(_ value: UInt32) {
        reserve(4)
        (UnsafeMutableRawPointer(base) + count).storeBytes(of: value.littleEndian, as: UInt32.self)
        count &+= 4
    }

    /// Appends a little-endian 64-bit value.
    @inline(__always)
    mutating func appendFixed64(_ value: UInt64) {
        reserve(8)
        (UnsafeMutableRawPointer(base) + count).storeBytes(of: value.littleEndian, as: UInt64.self)
        count &+= 8
    }

    /// Appends a big-endian 64-bit value: the byte order of W3C ids.
    @inline(__always)
    mutating func appendBigEndian64(_ value: UInt64) {
        reserve(8)
        (UnsafeMutableRawPointer(base) + count).storeBytes(of: value.bigEndian, as: UInt64.self)
        count &+= 8
    }

    /// Appends a protobuf base-128 varint.
    @inline(__always)
    mutating func appendVarint(_ value: UInt64) {
        reserve(10)
        var v = value
        while v >= 0x80 {
            base[count] = UInt8(truncatingIfNeeded: v) | 0x80
            count &+= 1
            v >>= 7
        }
        base[count] = UInt8(truncatingIfNeeded: v)
        count &+= 1
    }

    /// Writes a varint of exactly `size` bytes (its minimal size) at `offset`, inside what was written already.
    @inline(__always)
    mutating func writeVarint(_ value: Int, size: Int, at offset: Int) {
        var v = UInt64(truncatingIfNeeded: value)
        var i = offset
        let last = offset + size - 1
        while i < last {
            base[i] = UInt8(truncatingIfNeeded: v) | 0x80
            v >>= 7
            i &+= 1
        }
        base[last] = UInt8(truncatingIfNeeded: v)
    }

    /// Moves the bytes from `offset` to the end by `delta` (positive: towards the end).
    @inline(never)
    mutating func shift(from offset: Int, by delta: Int) {
        if delta > 0 { reserve(delta) }
        let moved = count - offset
        (base + offset + delta).update(from: base + offset, count: moved)
        count += delta
    }

    /// Appends the `width` lowest hexadecimal digits of `value`, lowercase.
    @inline(__always)
    mutating func appendHex(_ value: UInt64, width: Int) {
        reserve(width)
        var v = value
        var i = count + width - 1
        while i >= count {
            let nibble = UInt8(truncatingIfNeeded: v & 0xF)
            base[i] = nibble &+ (nibble < 10 ? UInt8(ascii: "0") : UInt8(ascii: "a") &- 10)
            v >>= 4
            i -= 1
        }
        count &+= width
    }

    /// Appends a signed integer in decimal.
    @inline(__always)
    mutating func appendDecimal(_ value: Int64) {
        if value < 0 {
            append(UInt8(ascii: "-"))
            appendDecimal(value.magnitude)
        } else {
            appendDecimal(UInt64(value))
        }
    }

    /// Appends an unsigned integer in decimal.
    @inline(__always)
    mutating func appendDecimal(_ value: UInt64) {
        if value < 10 {
            append(UInt8(truncatingIfNeeded: value) &+ UInt8(ascii: "0"))
            return
        }
        var digits = 0
        var v = value
        while v > 0 {
            digits &+= 1
            v /= 10
        }
        reserve(digits)
        v = value
        var i = count + digits - 1
        while v > 0 {
            base[i] = UInt8(truncatingIfNeeded: v % 10) &+ UInt8(ascii: "0")
            v /= 10
            i -= 1
        }
        count &+= digits
    }

    /// The bytes from `offset` to the end, as an array.
    func bytes(from offset: Int = 0) -> [UInt8] {
        let length = count - offset
        return [UInt8](unsafeUninitializedCapacity: length) { buffer, initialized in
            if length > 0 { buffer.baseAddress!.update(from: base + offset, count: length) }
            initialized = length
        }
    }
}

/// The number of bytes of `value` as a protobuf varint.
@inline(__always)
func varintSize(_ value: Int) -> Int {
    let v = UInt64(truncatingIfNeeded: value) | 1
    return (63 - v.leadingZeroBitCount) / 7 + 1
}

extension String {
    /// Calls `body` with this string's UTF-8 bytes, without copying native strings.
    @inline(__always)
    func withUTF8Bytes<R>(_ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        var copy = self
        return copy.withUTF8(body)
    }
}
