/// A 128-bit W3C trace identifier.
///
/// Its ``description`` is the 32 lowercase hex characters that `traceparent` headers and OTLP carry.
/// Trace ids come from `IDGenerator`: a user-space generator seeded once from the system.
public struct TraceID: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The most significant 64 bits.
    public let high: UInt64
    /// The least significant 64 bits: the part that head sampling reads.
    public let low: UInt64

    /// Creates a trace id from its two halves.
    public init(high: UInt64, low: UInt64) {
        self.high = high
        self.low = low
    }

    /// Parses 32 hex characters. Returns nil for any other length, a non-hex character, or the all-zero id,
    /// which W3C Trace Context declares invalid.
    public init?(hex: some StringProtocol) {
        guard hex.utf8.count == 32,
              let high = Hex.parse(hex, from: hex.startIndex, count: 16),
              let low = Hex.parse(hex, from: hex.utf8.index(hex.startIndex, offsetBy: 16), count: 16),
              high != 0 || low != 0
        else { return nil }
        self.init(high: high, low: low)
    }

    /// The 32 lowercase hex characters of this id.
    public var description: String {
        String(unsafeUninitializedCapacity: 32) { buffer in
            Hex.write(high, width: 16, into: buffer, at: 0)
            Hex.write(low, width: 16, into: buffer, at: 16)
            return 32
        }
    }

    /// The 16 bytes of this id, big-endian, as OTLP's protobuf encoding carries them.
    public var bytes: [UInt8] {
        var result = [UInt8]()
        result.reserveCapacity(16)
        for shift in stride(from: 56, through: 0, by: -8) { result.append(UInt8(truncatingIfNeeded: high >> UInt64(shift))) }
        for shift in stride(from: 56, through: 0, by: -8) { result.append(UInt8(truncatingIfNeeded: low >> UInt64(shift))) }
        return result
    }

    public static func < (lhs: TraceID, rhs: TraceID) -> Bool {
        (lhs.high, lhs.low) < (rhs.high, rhs.low)
    }
}
