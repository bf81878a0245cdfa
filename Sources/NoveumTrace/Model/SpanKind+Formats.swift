import Tracing

/// Every format's name for a span kind, in one table: the local spool's lower-case name (which the local store
/// keeps too), OpenTelemetry's upper-case enum name (Noveum JSON's `otel.kind`, quoted), and OTLP's enum number.
extension SpanKind {
    /// The five kinds, in OTLP's order.
    static let allKinds: [SpanKind] = [.internal, .server, .client, .producer, .consumer]

    @inline(__always)
    var formatNames: (spool: StaticString, otelQuoted: StaticString, otlp: UInt8) {
        switch self {
        case .internal: return ("internal", "\"INTERNAL\"", 1)
        case .server: return ("server", "\"SERVER\"", 2)
        case .client: return ("client", "\"CLIENT\"", 3)
        case .producer: return ("producer", "\"PRODUCER\"", 4)
        case .consumer: return ("consumer", "\"CONSUMER\"", 5)
        }
    }

    /// The spool's name of this kind (`client`, `server`, ...), as the local format and the local store write it.
    package var spoolName: String { formatNames.spool.description }

    /// The kind the spool names `name`; `internal` for nil or a name it does not know.
    package init(spoolName name: String?) {
        self = Self.allKinds.first { $0.formatNames.spool.description == name } ?? .internal
    }
}

/// The local spool's attribute type tags (`s`, `i`, `d`, `b`, and `sa`, `ia`, `da`, `ba` for arrays), shared by
/// its encoder, its decoder and the local store.
extension AttributeValue {
    @inline(__always)
    var spoolTypeTag: StaticString {
        switch self {
        case .string: return "s"
        case .int: return "i"
        case .double: return "d"
        case .bool: return "b"
        case .stringArray: return "sa"
        case .intArray: return "ia"
        case .doubleArray: return "da"
        case .boolArray: return "ba"
        }
    }

    /// The spool's type tag of this value, as a string.
    package var spoolTypeName: String { spoolTypeTag.description }
}
