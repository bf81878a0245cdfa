import Synchronization

/// A growable byte buffer for the encoders: one allocation that doubles as needed, no bounds checks on the
/// hot path, and one copy into the returned array at the end. The `put` functions skip even the capacity check:
/// their callers reserve room for a group of writes first.
///
/// Noncopyable, so the memory it owns is freed exactly once and never shared (which also makes handing it to
/// another thread safe).
struct ByteSink: ~Copyable, @unchecked Sendable {
    private(set) var base: UnsafeMutablePointer<UInt8>
    private(set) var capacity: Int
    /// Bytes written so far.
    var count: Int
    /// The second ``isoTime(nanos:)`` wrote last (`UInt64.max` before the first), and its first 20 bytes
    /// (`"2026-11-27T03:39:46`) as they lie in memory: the spans of a batch mostly end within the same few seconds.
    var isoSecond = UInt64.max
    var isoPrefix: (UInt64, UInt64, UInt32) = (0, 0, 0)

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

    // MARK: Unchecked writes, for callers that reserved room first

    @inline(__always)
    mutating func put(_ byte: UInt8) {
        base[count] = byte
        count &+= 1
    }

    @inline(__always)
    mutating func put(_ a: UInt8, _ b: UInt8) {
        base[count] = a
        base[count &+ 1] = b
        count &+= 2
    }

    /// A protobuf base-128 varint: at most 10 bytes.
    @inline(__always)
    mutating func putVarint(_ value: UInt64) {
        var v = value
        while v >= 0x80 {
            base[count] = UInt8(truncatingIfNeeded: v) | 0x80
            count &+= 1
            v >>= 7
        }
        base[count] = UInt8(truncatingIfNeeded: v)
        count &+= 1
    }

    @inline(__always)
    mutating func putFixed32(_ value: UInt32) {
        putBytes(of: value.littleEndian)
    }

    @inline(__always)
    mutating func putFixed64(_ value: UInt64) {
        putBytes(of: value.littleEndian)
    }

    /// Big-endian: the byte order of W3C ids.
    @inline(__always)
    mutating func putBigEndian64(_ value: UInt64) {
        putBytes(of: value.bigEndian)
    }

    /// The bytes of `value` as they lie in memory.
    @inline(__always)
    private mutating func putBytes<Value: FixedWidthInteger>(of value: Value) {
        (UnsafeMutableRawPointer(base) + count).storeBytes(of: value, as: Value.self)
        count &+= MemoryLayout<Value>.size
    }

    /// The UTF-8 bytes of `text`, whose UTF-8 count is `length`.
    @inline(__always)
    mutating func putUTF8(_ text: String, count length: Int) {
        let target = base + count
        let copied: Void? = text.utf8.withContiguousStorageIfAvailable { bytes in
            guard let source = bytes.baseAddress else { return }
            // Short keys and values: a loop beats a call to memmove.
            Self.copy(length, from: source, to: target, loopingUpTo: 16)
        }
        if copied == nil {
            var i = 0
            for byte in text.utf8 {
                target[i] = byte
                i &+= 1
            }
        }
        count &+= length
    }

    // MARK: Checked writes

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

    /// Appends the UTF-8 bytes of a literal.
    @inline(__always)
    mutating func append(_ literal: StaticString) {
        let length = literal.utf8CodeUnitCount
        reserve(length)
        Self.copy(length, from: literal.utf8Start, to: base + count, loopingUpTo: 24)
        count &+= length
    }

    /// Copies `length` bytes: byte by byte up to `loopLimit` bytes, where a loop beats a call to memmove, and by
    /// memmove above it.
    @inline(__always)
    private static func copy(
        _ length: Int, from source: UnsafePointer<UInt8>, to target: UnsafeMutablePointer<UInt8>, loopingUpTo loopLimit: Int
    ) {
        if length <= loopLimit {
            var i = 0
            while i < length {
                target[i] = source[i]
                i &+= 1
            }
        } else {
            target.update(from: source, count: length)
        }
    }

    /// Appends a protobuf base-128 varint.
    @inline(__always)
    mutating func appendVarint(_ value: UInt64) {
        reserve(10)
        putVarint(value)
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
        Hex.write(value, width: width, into: UnsafeMutableBufferPointer(start: base + count, count: width), at: 0)
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
        reserve(20)
        // Digits backwards into a 20-byte scratch area past the end, then moved into place.
        var v = value
        var i = count &+ 20
        while v > 0 {
            i &-= 1
            base[i] = UInt8(truncatingIfNeeded: v % 10) &+ UInt8(ascii: "0")
            v /= 10
        }
        let digits = count &+ 20 &- i
        (base + count).update(from: base + i, count: digits)
        count &+= digits
    }

    /// Appends the UTF-8 bytes of `text`.
    @inline(__always)
    mutating func appendUTF8(_ text: String, count length: Int) {
        reserve(length)
        putUTF8(text, count: length)
    }

    /// Resets to empty, keeping the memory.
    mutating func removeAll() {
        count = 0
    }

    /// The bytes written, as an array.
    func bytes() -> [UInt8] {
        let length = count
        return [UInt8](unsafeUninitializedCapacity: length) { buffer, initialized in
            if length > 0, let target = buffer.baseAddress { target.update(from: base, count: length) }
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

/// Reusable encoding buffers, so encoding a batch allocates only its result.
///
/// Concurrent encodes each get a buffer: one waits here between uses, the others are allocated and dropped.
final class ByteSinkPool: Sendable {
    private let spare = Mutex<ByteSink?>(nil)
    /// Buffers that grew past this are not kept.
    private let maxKeptCapacity: Int

    init(maxKeptCapacity: Int = 4 << 20) {
        self.maxKeptCapacity = maxKeptCapacity
    }

    /// Runs `body` with an empty buffer of at least `capacity` bytes reserved.
    @inline(__always)
    func withSink<R>(capacity: Int, _ body: (inout ByteSink) -> R) -> R {
        var sink = spare.withLock { $0.take() } ?? ByteSink(capacity: capacity)
        sink.removeAll()
        sink.reserve(capacity)
        let result = body(&sink)
        if sink.capacity <= maxKeptCapacity {
            var kept: ByteSink? = consume sink
            spare.withLock { $0 = kept.take() }
        }
        return result
    }
}
