import Foundation
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

    /// A link to a span of this or another trace.
    public struct Link: Sendable, Hashable, Codable {
        /// The linked span's trace id (32 hex).
        public var traceID: String
        /// The linked span's id (16 hex).
        public var spanID: String
        /// The link's attributes.
        public var attributes: [Attribute]
    }

    /// The 32-hex trace id.
    public var traceID: String
    /// The 16-hex span id.
    public var spanID: String
    /// The parent's span id; nil for a root.
    public var parentSpanID: String?
    /// Whether the parent ran in another process (it arrived through `traceparent` or OTLP flags).
    public var parentRemote: Bool
    /// The service that recorded the span (its resource's `service.name`).
    public var service: String?
    /// The SDK that recorded it, from its resource's `telemetry.sdk.*` (for example `python opentelemetry
    /// 1.45.2`).
    public var sdk: String?
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
    /// The model's provider (`openai`, `anthropic`, ...), from whichever vocabulary the span was written in.
    public var provider: String?
    /// The span's role: `llm`, `embedding`, `tool`, `agent`, `retrieval`, `chain`, `reranker`, `guardrail`,
    /// `evaluator`; nil for other spans.
    public var operation: String?
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
    /// Links to other spans, in order.
    public var links: [Link] = []

    /// Whether the span failed.
    public var isFailure: Bool { status == "error" || status == "timeout" }

    static func attributes(_ list: AttributeList) -> [Attribute] {
        list.map { Attribute(key: $0.key, type: $0.value.spoolTypeName, value: text($0.value)) }
    }

    /// The attributes the store keeps as typed JSON in the span's `attributes` column.
    static func attributes(json: String) -> [Attribute] {
        attributes((try? LocalSpanLineDecoder.decodeAttributes(json)) ?? AttributeList())
    }

    /// The links the store keeps as JSON in the span's `links` column.
    static func links(_ json: String) -> [Link] {
        guard json != "[]", let array = try? JSONSerialization.jsonObject(with: Data(json.utf8)) as? [Any] else {
            return []
        }
        return array.compactMap { item in
            guard let link = item as? [String: Any], let trace = link["trace_id"] as? String,
                let span = link["span_id"] as? String
            else { return nil }
            let list = (try? LocalSpanLineDecoder.decodeAttributes(
                String(decoding: (try? JSONSerialization.data(withJSONObject: link["attributes"] ?? [])) ?? Data("[]".utf8),
                    as: UTF8.self))) ?? AttributeList()
            return Link(traceID: trace, spanID: span, attributes: attributes(list))
        }
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
