import Foundation
import NoveumTrace
import NoveumTraceOTLP
import NoveumTraceTestSupport
import SwiftProtobuf
import Testing

typealias PBRequest = Opentelemetry_Proto_Collector_Trace_V1_ExportTraceServiceRequest
typealias PBAnyValue = Opentelemetry_Proto_Common_V1_AnyValue

/// Encodes spans with all three encoders and checks that each output decodes with an independent decoder and
/// carries the spans unchanged.
enum PayloadCheck {
    static let resource = Resource(attributes: ["service.name": "reliability"])

    /// Noveum JSON (JSONSerialization), OTLP JSON (JSONSerialization and SwiftProtobuf's JSON decoder) and OTLP
    /// protobuf (SwiftProtobuf): each must decode, with every span's name and every attribute intact.
    static func expectValidPayloads(_ spans: [SpanData], sourceLocation: SourceLocation = #_sourceLocation) throws {
        // Noveum JSON.
        let noveum = NoveumJSONEncoder(project: "reliability", environment: "ci", resource: resource).encode(spans)
        let noveumObject = try #require(
            try JSONSerialization.jsonObject(with: Data(noveum)) as? [String: Any], sourceLocation: sourceLocation)
        let traces = try #require(noveumObject["traces"] as? [[String: Any]], sourceLocation: sourceLocation)
        let noveumSpans = traces.flatMap { ($0["spans"] as? [[String: Any]]) ?? [] }
        #expect(noveumSpans.count == spans.count, sourceLocation: sourceLocation)
        for span in spans {
            let json = try #require(
                noveumSpans.first { $0["span_id"] as? String == span.spanID.description }, sourceLocation: sourceLocation)
            #expect(json["name"] as? String == span.name, sourceLocation: sourceLocation)
            let attributes = try #require(json["attributes"] as? [String: Any], sourceLocation: sourceLocation)
            for element in span.attributes {
                #expect(matches(element.value, json: attributes[element.key]), "noveum \(element.key)", sourceLocation: sourceLocation)
            }
        }

        // OTLP JSON.
        let otlpJSON = OTLPJSONEncoder().encode(spans, resource: resource)
        #expect(
            (try? JSONSerialization.jsonObject(with: Data(otlpJSON))) != nil, "OTLP JSON is not JSON",
            sourceLocation: sourceLocation)
        var options = JSONDecodingOptions()
        options.ignoreUnknownFields = false
        let fromJSON = try PBRequest(jsonUTF8Bytes: otlpJSON, options: options)
        // OTLP JSON writes ids as hex where the protobuf JSON mapping expects base64, so ids are checked on the
        // JSONSerialization side; names and attributes through SwiftProtobuf.
        try expectSame(spans, fromJSON, format: "OTLP JSON", checkIDs: false, sourceLocation: sourceLocation)
        let jsonObject = try #require(try JSONSerialization.jsonObject(with: Data(otlpJSON)) as? [String: Any])
        let jsonSpans = ((jsonObject["resourceSpans"] as? [[String: Any]]) ?? [])
            .flatMap { ($0["scopeSpans"] as? [[String: Any]]) ?? [] }
            .flatMap { ($0["spans"] as? [[String: Any]]) ?? [] }
        #expect(jsonSpans.map { $0["spanId"] as? String } == spans.map { $0.spanID.description }, sourceLocation: sourceLocation)
        #expect(jsonSpans.map { $0["traceId"] as? String } == spans.map { $0.traceID.description }, sourceLocation: sourceLocation)

        // OTLP protobuf.
        let protobuf = OTLPProtobufEncoder().encode(spans, resource: resource)
        let fromProtobuf = try PBRequest(serializedBytes: protobuf)
        try expectSame(spans, fromProtobuf, format: "OTLP protobuf", checkIDs: true, sourceLocation: sourceLocation)
    }

    private static func expectSame(
        _ spans: [SpanData], _ request: PBRequest, format: String, checkIDs: Bool, sourceLocation: SourceLocation
    ) throws {
        let decoded = request.resourceSpans.flatMap(\.scopeSpans).flatMap(\.spans)
        #expect(decoded.count == spans.count, "\(format) span count", sourceLocation: sourceLocation)
        for (span, pb) in zip(spans, decoded) {
            #expect(pb.name == span.name, "\(format) name", sourceLocation: sourceLocation)
            if checkIDs {
                #expect(pb.spanID == Data(hex: span.spanID.description), sourceLocation: sourceLocation)
                #expect(pb.traceID == Data(hex: span.traceID.description), sourceLocation: sourceLocation)
            }
            for element in span.attributes {
                let found = pb.attributes.first { $0.key == element.key }
                #expect(found.map { matches(element.value, $0.value) } == true, "\(format) \(element.key.prefix(40))", sourceLocation: sourceLocation)
            }
        }
    }

    /// Whether a protobuf `AnyValue` holds `value` (NaN equal to NaN).
    static func matches(_ value: AttributeValue, _ any: PBAnyValue) -> Bool {
        func same(_ a: Double, _ b: Double) -> Bool { a == b || (a.isNaN && b.isNaN) }
        switch value {
        case .string(let v): return any.stringValue == v
        case .int(let v): return any.intValue == v
        case .double(let v): return same(any.doubleValue, v)
        case .bool(let v): return any.boolValue == v
        case .stringArray(let v): return any.arrayValue.values.map(\.stringValue) == v
        case .intArray(let v): return any.arrayValue.values.map(\.intValue) == v
        case .boolArray(let v): return any.arrayValue.values.map(\.boolValue) == v
        case .doubleArray(let v):
            let decoded = any.arrayValue.values.map(\.doubleValue)
            return decoded.count == v.count && zip(decoded, v).allSatisfy { same($0, $1) }
        }
    }

    /// Whether a JSONSerialization value holds `value`; NaN and infinities are the strings `NaN`, `Infinity`,
    /// `-Infinity`.
    static func matches(_ value: AttributeValue, json: Any?) -> Bool {
        func same(_ a: Double, _ b: Any?) -> Bool {
            if a.isNaN { return b as? String == "NaN" }
            if a.isInfinite { return b as? String == (a < 0 ? "-Infinity" : "Infinity") }
            guard let number = b as? NSNumber else { return false }
            return number.doubleValue == a
        }
        switch value {
        case .string(let v): return json as? String == v
        case .int(let v): return (json as? NSNumber)?.int64Value == v
        case .double(let v): return same(v, json)
        case .bool(let v): return (json as? NSNumber)?.boolValue == v
        case .stringArray(let v): return json as? [String] == v
        case .intArray(let v): return (json as? [NSNumber])?.map(\.int64Value) == v
        case .boolArray(let v): return (json as? [NSNumber])?.map(\.boolValue) == v
        case .doubleArray(let v):
            guard let array = json as? [Any], array.count == v.count else { return false }
            return zip(v, array).allSatisfy { same($0, $1) }
        }
    }
}

extension Data {
    /// Bytes from lowercase hex.
    init(hex: String) {
        let digits = Array(hex.utf8)
        var bytes: [UInt8] = []
        var index = 0
        while index + 1 < digits.count {
            bytes.append(UInt8(String(decoding: digits[index...index + 1], as: UTF8.self), radix: 16) ?? 0)
            index += 2
        }
        self.init(bytes)
    }
}
