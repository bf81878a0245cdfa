/// W3C Trace Context `traceparent` and `tracestate` headers.
///
/// Parsing is strict where the specification is: a wrong length, a non-hex or uppercase character, version
/// `ff`, or an all-zero trace or span id yields nil (the header is ignored and a new trace starts). Versions
/// above `00` may carry more fields after the flags, which are ignored, as the specification requires.
public enum TraceParent {
    /// The header names.
    public static let traceParentHeader = "traceparent"
    public static let traceStateHeader = "tracestate"

    /// Formats `context` as a version-00 `traceparent` value.
    public static func format(_ context: SpanContext) -> String {
        String(unsafeUninitializedCapacity: 55) { buffer in
            buffer[0] = UInt8(ascii: "0")
            buffer[1] = UInt8(ascii: "0")
            buffer[2] = UInt8(ascii: "-")
            Hex.write(context.traceID.high, width: 16, into: buffer, at: 3)
            Hex.write(context.traceID.low, width: 16, into: buffer, at: 19)
            buffer[35] = UInt8(ascii: "-")
            Hex.write(context.spanID.rawValue, width: 16, into: buffer, at: 36)
            buffer[52] = UInt8(ascii: "-")
            buffer[53] = UInt8(ascii: "0")
            buffer[54] = context.isSampled ? UInt8(ascii: "1") : UInt8(ascii: "0")
            return 55
        }
    }

    /// Parses a `traceparent` value (and an optional `tracestate`) into a remote span context, or nil if the
    /// header is malformed.
    public static func parse(_ header: String, traceState: String? = nil) -> SpanContext? {
        let bytes = Array(header.utf8)
        guard bytes.count >= 55 else { return nil }
        func isLowerHex(_ range: Range<Int>) -> Bool {
            bytes[range].allSatisfy { (48...57).contains($0) || (97...102).contains($0) }
        }
        guard isLowerHex(0..<2), bytes[2] == UInt8(ascii: "-"), isLowerHex(3..<35), bytes[35] == UInt8(ascii: "-"),
              isLowerHex(36..<52), bytes[52] == UInt8(ascii: "-"), isLowerHex(53..<55)
        else { return nil }
        let version = bytes[0..<2]
        if version.elementsEqual("ff".utf8) { return nil }
        if version.elementsEqual("00".utf8) {
            guard bytes.count == 55 else { return nil }
        } else if bytes.count > 55 && bytes[55] != UInt8(ascii: "-") {
            return nil
        }
        func value(_ range: Range<Int>) -> UInt64 {
            // Every byte was checked to be lowercase hex above, so the `?? 0` never applies.
            bytes[range].reduce(0) { $0 << 4 | UInt64(Hex.nibble($1) ?? 0) }
        }
        let traceID = TraceID(high: value(3..<19), low: value(19..<35))
        let spanID = value(36..<52)
        guard traceID.high != 0 || traceID.low != 0, spanID != 0 else { return nil }
        let flags = value(53..<55)
        let state = traceState.flatMap { $0.isEmpty ? nil : $0 }
        return SpanContext(
            traceID: traceID, spanID: SpanID(rawValue: spanID), isSampled: flags & 1 == 1,
            traceState: state, isRemote: true)
    }
}
