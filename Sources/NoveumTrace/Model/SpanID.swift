/// A 64-bit W3C span identifier.
///
/// Its ``description`` is the 16 lowercase hex characters that `traceparent` headers and OTLP carry.
/// Pass a span's ``NoveumSpan/spanID`` as `parentSpanID` to parent spans explicitly, across tasks and threads.
public struct SpanID: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The id as an integer; never zero for a valid id.
    public let rawValue: UInt64

    /// Creates a span id from its integer value.
    public init(rawValue: UInt64) {
        self.rawValue = rawValue
    }

    /// Parses 16 hex characters. Returns nil for any other length, a non-hex character, or the all-zero id.
    public init?(hex: some StringProtocol) {
        guard hex.utf8.count == 16, let value = Hex.parse(hex, from: hex.startIndex, count: 16), value != 0 else {
            return nil
        }
        self.rawValue = value
    }

    /// The 16 lowercase hex characters of this id.
    public var description: String { Hex.string(rawValue, width: 16) }

    /// The 8 bytes of this id, big-endian, as OTLP's protobuf encoding carries them.
    public var bytes: [UInt8] {
        (0..<8).map { UInt8(truncatingIfNeeded: rawValue >> UInt64(56 - 8 * $0)) }
    }

    public static func < (lhs: SpanID, rhs: SpanID) -> Bool { lhs.rawValue < rhs.rawValue }
}
