import NoveumTrace

/// One span of a stored trace, with its attributes and events, as `show` and the viewer present it.
public struct StoredSpan: Sendable, Hashable, Codable {
    /// An attribute: key, type tag (`s`, `i`, `d`, `b`, `sa`, `ia`, `da`, `ba`) and value as text.
    public struct Attribute: Sendable, Hashable, Codable {
        /// The attribute's key.
        public var key: String
        /// Its type tag.
        public var type: String
        /// Its value as text (arrays as JSON).
        public var value: String
    }

    /// An event: name, time and attributes.
    public struct Event: Sendable, Hashable, Codable {
        /// The event's name.
        public var name: String
        /// When it happened, in nanoseconds since the Unix epoch.
        public var timeNanos: Int64
        /// Its attributes.
        public var attributes: [Attribute]
    }

    /// The 32-hex trace id.
    public var traceID: String
    /// The 16-hex span id.
    public var spanID: String
    /// The parent's span id; nil for a root.
    public var parentSpanID: String?
    /// The span's name.
    public var name: String
    /// `internal`, `client`, `server`, `producer` or `consumer`.
    public var kind: String
    /// Start, end (nanoseconds since the Unix epoch) and duration.
    public var startNanos: Int64
    /// See ``startNanos``.
    public var endNanos: Int64
    /// See ``startNanos``.
    public var durationNanos: Int64
    /// `unset`, `ok`, `error`, `timeout` or `cancelled`.
    public var status: String
    /// The status message, if any.
    public var statusMessage: String?
    /// The model called (LLM spans).
    public var model: String?
    /// Input tokens (LLM spans).
    public var inputTokens: Int64?
    /// Output tokens (LLM spans).
    public var outputTokens: Int64?
    /// Cost in US dollars (LLM spans with a known price).
    public var cost: Double?
    /// The recorded exception's type, message and stack trace.
    public var exceptionType: String?
    /// See ``exceptionType``.
    public var exceptionMessage: String?
    /// See ``exceptionType``.
    public var exceptionStack: String?
    /// Every attribute, in the order it was set.
    public var attributes: [Attribute]
    /// Every event, in order.
    public var events: [Event]

    /// Whether the span failed.
    public var isFailure: Bool { status == "error" || status == "timeout" }

    static func attributes(_ list: AttributeList) -> [Attribute] {
        list.map { Attribute(key: $0.key, type: $0.value.spoolTypeName, value: text($0.value)) }
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
