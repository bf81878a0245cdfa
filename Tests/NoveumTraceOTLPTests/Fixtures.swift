import Foundation
import NoveumTrace
import NoveumTraceOTLP
import NoveumTraceTestSupport

typealias PBRequest = Opentelemetry_Proto_Collector_Trace_V1_ExportTraceServiceRequest
typealias PBSpan = Opentelemetry_Proto_Trace_V1_Span
typealias PBAnyValue = Opentelemetry_Proto_Common_V1_AnyValue
typealias PBKeyValue = Opentelemetry_Proto_Common_V1_KeyValue

/// Spans of every shape the encoders must carry, with fixed ids and times so tests can assert literal values.
enum Fixtures {
    static let traceA = TraceID(hex: "0af7651916cd43dd8448eb211c80319c")!
    static let traceB = TraceID(hex: "4bf92f3577b34da6a3ce929d0e0e4736")!
    static let rootID = SpanID(hex: "b7ad6b7169203331")!
    static let clientID = SpanID(hex: "00f067aa0ba902b7")!
    static let remoteParentID = SpanID(hex: "53995c3f42cd8ad8")!
    static let consumerID = SpanID(hex: "1111111111111111")!
    static let producerID = SpanID(hex: "2222222222222222")!
    static let internalID = SpanID(hex: "3333333333333333")!
    static let unsampledID = SpanID(hex: "fedcba9876543210")!
    static let linkedSpanID = SpanID(hex: "aaaaaaaaaaaaaaaa")!

    static let start: UInt64 = 1_700_000_000_123_456_789
    static let end: UInt64 = 1_700_000_001_987_654_321

    /// Every attribute type, including edge values and arrays (empty ones too).
    static let allAttributes: AttributeList = {
        var list = AttributeList()
        list["str"] = .string("hello")
        list["str.empty"] = .string("")
        list["str.escapes"] = .string("quote \" backslash \\ newline \n tab \t nul \u{0} bell \u{7} é 😀 \u{2028}")
        list["int"] = .int(42)
        list["int.zero"] = .int(0)
        list["int.negative"] = .int(-7)
        list["int.max"] = .int(.max)
        list["int.min"] = .int(.min)
        list["double"] = .double(3.25)
        list["double.zero"] = .double(0)
        list["double.negative"] = .double(-1e-300)
        list["double.big"] = .double(1.7976931348623157e308)
        list["bool.true"] = .bool(true)
        list["bool.false"] = .bool(false)
        list["strings"] = .stringArray(["a", "", "c\"d"])
        list["ints"] = .intArray([1, -2, .max])
        list["doubles"] = .doubleArray([0.5, -2.0, 0])
        list["bools"] = .boolArray([true, false])
        list["strings.empty"] = .stringArray([])
        list["long"] = .string(String(repeating: "x", count: 300))
        return list
    }()

    /// A root server span, status ok, with every attribute type, two events and two links.
    static let root = SpanData(
        context: SpanContext(traceID: traceA, spanID: rootID, isSampled: true),
        name: "GET /chat", kind: .server, startTimeNanos: start, endTimeNanos: end, status: .ok,
        statusMessage: "ignored for ok", attributes: allAttributes,
        events: [
            NoveumSpan.Event(name: "cache.miss", timeNanos: start + 10, attributes: ["key": "user:1", "size": 3]),
            NoveumSpan.Event(name: "bare", timeNanos: start + 20),
        ],
        links: [
            NoveumSpan.Link(
                context: SpanContext(
                    traceID: traceB, spanID: linkedSpanID, isSampled: true, traceState: "vendor=abc", isRemote: true),
                attributes: ["link.reason": "caused-by"]),
            NoveumSpan.Link(context: SpanContext(traceID: traceA, spanID: internalID, isSampled: false)),
        ])

    /// A child client span (an LLM call) that failed, with dropped counts.
    static let client = SpanData(
        context: SpanContext(traceID: traceA, spanID: clientID, isSampled: true),
        parentSpanID: rootID, name: "chat gpt-4", kind: .client, startTimeNanos: start + 100,
        endTimeNanos: end - 100, status: .error, statusMessage: "rate limited",
        attributes: ["llm.model": "gpt-4", "llm.input_tokens": 12, "noveum.status": "user value replaced"],
        droppedAttributeCount: 3, droppedEventCount: 2)

    /// A consumer span whose parent is remote, with a trace state; timed out without a message.
    static let consumer = SpanData(
        context: SpanContext(traceID: traceB, spanID: consumerID, isSampled: true, traceState: "rojo=00f067aa0ba902b7,congo=t61rcWkgMzE"),
        parentSpanID: remoteParentID, parentIsRemote: true, name: "queue.receive", kind: .consumer,
        startTimeNanos: start, endTimeNanos: end, status: .timeout)

    /// A producer span, cancelled with a message.
    static let producer = SpanData(
        context: SpanContext(traceID: traceB, spanID: producerID, isSampled: true),
        parentSpanID: consumerID, name: "queue.send", kind: .producer, startTimeNanos: start, endTimeNanos: end,
        status: .cancelled, statusMessage: "task cancelled")

    /// An internal span with status unset; its own `noveum.status` attribute is kept.
    static let unsetInternal = SpanData(
        context: SpanContext(traceID: traceA, spanID: internalID, isSampled: true),
        parentSpanID: rootID, name: "internal-step", kind: .internal, startTimeNanos: start, endTimeNanos: end,
        attributes: ["noveum.status": "kept"])

    /// A span whose trace is not sampled (flags without the sampled bit), status error without a message and
    /// an empty name.
    static let unsampled = SpanData(
        context: SpanContext(traceID: traceB, spanID: unsampledID, isSampled: false),
        name: "", kind: .internal, startTimeNanos: start, endTimeNanos: end, status: .error)

    static let all = [root, client, consumer, producer, unsetInternal, unsampled]

    /// A resource like a client's.
    static let resource = ExporterContext.standalone(
        project: "otlp-tests", environment: "ci", serviceVersion: "1.2.3"
    ).resource

    /// Data of a hex string.
    static func data(_ hex: String) -> Data {
        var bytes = [UInt8]()
        var index = hex.startIndex
        while index < hex.endIndex {
            let next = hex.index(index, offsetBy: 2)
            bytes.append(UInt8(hex[index..<next], radix: 16)!)
            index = next
        }
        return Data(bytes)
    }
}

/// Reads an OTLP `AnyValue` back as the SDK's `AttributeValue`; nil for kinds the SDK never sends.
func attributeValue(_ value: PBAnyValue) -> AttributeValue? {
    switch value.value {
    case .stringValue(let v): return .string(v)
    case .boolValue(let v): return .bool(v)
    case .intValue(let v): return .int(v)
    case .doubleValue(let v): return .double(v)
    case .arrayValue(let array):
        let values = array.values.map(\.value)
        // An empty array carries no element type: the SDK's empty arrays come back as empty string arrays.
        if values.isEmpty { return .stringArray([]) }
        if case .stringValue? = values[0] { return .stringArray(array.values.map(\.stringValue)) }
        if case .intValue? = values[0] { return .intArray(array.values.map(\.intValue)) }
        if case .doubleValue? = values[0] { return .doubleArray(array.values.map(\.doubleValue)) }
        if case .boolValue? = values[0] { return .boolArray(array.values.map(\.boolValue)) }
        return nil
    default: return nil
    }
}

func attributeList(_ keyValues: [PBKeyValue]) -> AttributeList {
    var list = AttributeList()
    for keyValue in keyValues { list[keyValue.key] = attributeValue(keyValue.value) }
    return list
}
