import NoveumTrace

/// One span of a stored trace, with its attributes and events, as `show` and the viewer present it.
public struct StoredSpan: Sendable, Hashable, Codable {
    /// An attribute: key, type tag (`s`, `i`, `d`, `b`, `sa`, `ia`, `da`, `ba`) and value as text.
    public struct Attribute: Sendable, Hashable, Codable {
        public var key: String
        public var type: String
        public var value: String
    }

    /// An event: name, time and attributes.
    public struct Event: Sendable, Hashable, Codable {
        public var name: String
        public var timeNanos: Int64
        public var attributes: [Attribute]
    }

    public var traceID: String
    public var spanID: String
    public var parentSpanID: String?
    public var name: String
    public var kind: String
    public var startNanos: Int64
    public var endNanos: Int64
    public var durationNanos: Int64
    /// `unset`, `ok`, `error`, `timeout` or `cancelled`.
    public var status: String
    public var statusMessage: String?
    public var model: String?
    public var inputTokens: Int64?
    public var outputTokens: Int64?
    public var cost: Double?
    public var exceptionType: String?
    public var exceptionMessage: String?
    public var exceptionStack: String?
    public var attributes: [Attribute]
    public var events: [Event]

    /// Whether the span failed.
    public var isFailure: Bool { status == "error" || status == "timeout" }

    static func attributes(_ list: AttributeList) -> [Attribute] {
        list.map { Attribute(key: $0.key, type: StoredAttribute.tag($0.value), value: text($0.value)) }
    }

    static func text(_ value: AttributeValue) -> String {
        switch value {
        case .string(let v): return v
        case .stringArray, .intArray, .doubleArray, .boolArray:
            let (_, column) = StoredAttribute.column(value)
            return (column as? String) ?? value.description
        default: return value.description
        }
    }
}
