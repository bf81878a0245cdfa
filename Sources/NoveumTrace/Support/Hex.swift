/// Lowercase hexadecimal encoding and decoding of fixed-width integers: the W3C ids, in `traceparent`, in their
/// descriptions and in every encoder (``ByteSink/appendHex(_:width:)`` writes through ``write(_:width:into:at:)``).
enum Hex {
    /// Writes `value` as exactly `width` lowercase hex digits into `buffer` starting at `offset`, which the caller
    /// has checked fit.
    @inline(__always)
    static func write(_ value: UInt64, width: Int, into buffer: UnsafeMutableBufferPointer<UInt8>, at offset: Int) {
        guard let base = buffer.baseAddress else { return }
        if width == 16 {
            // An id: eight digits per word, the high half first.
            let target = UnsafeMutableRawPointer(base + offset)
            target.storeBytes(of: digits(UInt32(truncatingIfNeeded: value >> 32)), as: UInt64.self)
            target.storeBytes(of: digits(UInt32(truncatingIfNeeded: value)), toByteOffset: 8, as: UInt64.self)
            return
        }
        var v = value
        var i = offset + width - 1
        while i >= offset {
            // Arithmetic instead of a table of digits: no load, no bounds check.
            let nibble = UInt8(truncatingIfNeeded: v & 0xF)
            base[i] = nibble &+ (nibble < 10 ? UInt8(ascii: "0") : UInt8(ascii: "a") &- 10)
            v >>= 4
            i -= 1
        }
    }

    /// The eight lowercase hex digits of `value` as the bytes of a word, in memory order (most significant digit
    /// at the lowest address), computed in the word's lanes rather than a digit at a time.
    @inline(__always)
    static func digits(_ value: UInt32) -> UInt64 {
        // Each nibble into a byte of its own: nibble i (from the least significant) in byte i.
        var x = UInt64(value)
        x = (x | x << 16) & 0x0000_FFFF_0000_FFFF
        x = (x | x << 8) & 0x00FF_00FF_00FF_00FF
        x = (x | x << 4) & 0x0F0F_0F0F_0F0F_0F0F
        // 1 in the bytes of nibbles from 10 up: their digits are letters, 39 after "9" + 1 in ASCII.
        let letters = ((x &+ 0x0606_0606_0606_0606) >> 4) & 0x0101_0101_0101_0101
        let ascii = x &+ 0x3030_3030_3030_3030 &+ letters &* 39
        // The most significant digit first in memory, whatever the byte order.
        return ascii.byteSwapped.littleEndian
    }

    /// Encodes `value` as `width` lowercase hex digits.
    static func string(_ value: UInt64, width: Int = 16) -> String {
        String(unsafeUninitializedCapacity: width) { buffer in
            write(value, width: width, into: buffer, at: 0)
            return width
        }
    }

    /// Decodes exactly `count` hex digits (either case) starting at `start`, or returns nil.
    static func parse<S: StringProtocol>(_ text: S, from start: S.Index, count: Int) -> UInt64? {
        var result: UInt64 = 0
        var index = start
        for _ in 0..<count {
            guard index < text.endIndex, let nibble = nibble(text.utf8[index]) else { return nil }
            result = result << 4 | UInt64(nibble)
            index = text.utf8.index(after: index)
        }
        return result
    }

    @inline(__always)
    static func nibble(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}
