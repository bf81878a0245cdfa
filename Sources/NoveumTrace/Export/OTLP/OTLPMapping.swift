import Tracing

/// How Noveum's span model maps onto OTLP's, shared by the protobuf and JSON encoders so both say the same thing.
enum OTLPMapping {
    /// The attribute that keeps the Noveum status (`ok`, `error`, `timeout`, `cancelled`) on every span whose
    /// status is set, since OTLP's status code has only `OK` and `ERROR`.
    static let statusAttributeKey = "noveum.status"

    /// `Span.SpanKind` numbers.
    @inline(__always)
    static func kind(_ kind: SpanKind) -> UInt8 {
        kind.formatNames.otlp
    }


    /// `Status.StatusCode` numbers: `UNSET` 0, `OK` 1, `ERROR` 2.
    @inline(__always)
    static func statusCode(_ status: NoveumSpan.Status) -> UInt8 {
        switch status {
        case .unset: return 0
        case .ok: return 1
        case .error, .timeout, .cancelled: return 2
        }
    }

    /// The status message: only `ERROR` carries one (the specification ignores it otherwise). A timeout or a
    /// cancellation without a message says which it was.
    @inline(__always)
    static func statusMessage(_ status: NoveumSpan.Status, _ message: String?) -> String? {
        switch status {
        case .unset, .ok: return nil
        case .error: return message
        case .timeout, .cancelled:
            if let message, !message.isEmpty { return message }
            return status.rawValue
        }
    }

    /// The span's `flags`: W3C trace flags in bits 0-7 (the sampled bit), and in bits 8 and 9 whether the
    /// parent's remoteness is known (always, here) and whether the parent is remote.
    @inline(__always)
    static func spanFlags(_ span: SpanData) -> UInt32 {
        var flags: UInt32 = 0x100
        if span.context.isSampled { flags |= 0x01 }
        if span.parentSpanID != nil && span.parentIsRemote { flags |= 0x200 }
        return flags
    }

    /// A link's `flags`: the linked context's trace flags and whether it came from another process.
    @inline(__always)
    static func linkFlags(_ context: SpanContext) -> UInt32 {
        var flags: UInt32 = 0x100
        if context.isSampled { flags |= 0x01 }
        if context.isRemote { flags |= 0x200 }
        return flags
    }

    /// Whether the span's own attributes already hold `noveum.status`: that one is replaced by the encoder's.
    @inline(__always)
    static func isStatusAttribute(_ key: String) -> Bool {
        key.utf8.count == 13 && key == statusAttributeKey
    }

    /// A count clamped into OTLP's `uint32`.
    @inline(__always)
    static func count32(_ value: Int) -> UInt32 {
        value <= 0 ? 0 : UInt32(clamping: value)
    }
}

/// The instrumentation scope every span is sent under.
public struct OTLPScope: Sendable, Hashable {
    public var name: String
    public var version: String

    public init(name: String = Resource.sdkName, version: String = NoveumTrace.version) {
        self.name = name
        self.version = version
    }
}
