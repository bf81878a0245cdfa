import Foundation
import NoveumTrace
import NoveumTraceOTLP
import NoveumTraceTestSupport
import SwiftProtobuf
import Testing

@Suite("OTLP/JSON encoder")
struct OTLPJSONEncoderTests {
    /// Decodes OTLP/JSON with SwiftProtobuf after turning the hex ids into the base64 that proto3 JSON uses for
    /// bytes (the one way OTLP/JSON departs from the protobuf JSON mapping). Unknown fields are errors.
    static func decode(_ json: [UInt8]) throws -> PBRequest {
        let object = try JSONSerialization.jsonObject(with: Data(json))
        let converted = try JSONSerialization.data(withJSONObject: hexToBase64(object))
        return try PBRequest(jsonUTF8Data: converted)
    }

    static func hexToBase64(_ value: Any) -> Any {
        if let object = value as? [String: Any] {
            var result: [String: Any] = [:]
            for (key, item) in object {
                if ["traceId", "spanId", "parentSpanId"].contains(key), let hex = item as? String {
                    result[key] = Fixtures.data(hex).base64EncodedString()
                } else {
                    result[key] = hexToBase64(item)
                }
            }
            return result
        }
        if let array = value as? [Any] { return array.map(hexToBase64) }
        return value
    }

    static func text(_ spans: [SpanData]) -> String {
        String(decoding: OTLPJSONEncoder().encode(spans, resource: Fixtures.resource), as: UTF8.self)
    }

    @Test("decodes to exactly the request the protobuf encoder makes")
    func sameAsProtobuf() throws {
        let fromJSON = try Self.decode(OTLPJSONEncoder().encode(Fixtures.all, resource: Fixtures.resource))
        let fromProtobuf = try PBRequest(
            serializedBytes: OTLPProtobufEncoder().encode(Fixtures.all, resource: Fixtures.resource))
        #expect(fromJSON == fromProtobuf)
        #expect(fromJSON.resourceSpans[0].scopeSpans[0].spans.count == 6)
    }

    @Test("OTLP/JSON specifics: hex ids, integer enums, int64 as strings, camelCase names")
    func wireDetails() throws {
        let text = Self.text([Fixtures.client])
        #expect(text.hasPrefix(#"{"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"otlp-tests"}}"#))
        #expect(text.contains(#""scopeSpans":[{"scope":{"name":"noveum-trace-swift","version":"\#(NoveumTrace.version)"},"spans":[{"#))
        let span = #"{"traceId":"0af7651916cd43dd8448eb211c80319c","spanId":"00f067aa0ba902b7","parentSpanId":"b7ad6b7169203331","flags":257,"name":"chat gpt-4","kind":3,"startTimeUnixNano":"1700000000123456889","endTimeUnixNano":"1700000001987654221","attributes":[{"key":"llm.model","value":{"stringValue":"gpt-4"}},{"key":"llm.input_tokens","value":{"intValue":"12"}},{"key":"noveum.status","value":{"stringValue":"error"}}],"droppedAttributesCount":3,"droppedEventsCount":2,"status":{"message":"rate limited","code":2}}"#
        #expect(text.contains(span))
        #expect(text.hasSuffix("]}]}]}"))
    }

    @Test("every attribute value type")
    func values() throws {
        let text = Self.text([Fixtures.root])
        #expect(text.contains(#"{"key":"int.min","value":{"intValue":"-9223372036854775808"}}"#))
        #expect(text.contains(#"{"key":"int.max","value":{"intValue":"9223372036854775807"}}"#))
        #expect(text.contains(#"{"key":"int.zero","value":{"intValue":"0"}}"#))
        #expect(text.contains(#"{"key":"double","value":{"doubleValue":3.25}}"#))
        #expect(text.contains(#"{"key":"double.zero","value":{"doubleValue":0.0}}"#))
        #expect(text.contains(#"{"key":"bool.false","value":{"boolValue":false}}"#))
        #expect(text.contains(#"{"key":"str.empty","value":{"stringValue":""}}"#))
        #expect(text.contains(#"{"key":"strings","value":{"arrayValue":{"values":[{"stringValue":"a"},{"stringValue":""},{"stringValue":"c\"d"}]}}}"#))
        #expect(text.contains(#"{"key":"ints","value":{"arrayValue":{"values":[{"intValue":"1"},{"intValue":"-2"},{"intValue":"9223372036854775807"}]}}}"#))
        #expect(text.contains(#"{"key":"doubles","value":{"arrayValue":{"values":[{"doubleValue":0.5},{"doubleValue":-2.0},{"doubleValue":0.0}]}}}"#))
        #expect(text.contains(#"{"key":"bools","value":{"arrayValue":{"values":[{"boolValue":true},{"boolValue":false}]}}}"#))
        #expect(text.contains(#"{"key":"strings.empty","value":{"arrayValue":{"values":[]}}}"#))
        #expect(text.contains(#""str.escapes","value":{"stringValue":"quote \" backslash \\ newline \n tab \t nul \u0000 bell \u0007 é 😀 \#u{2028}"}"#))
        #expect(text.contains(#""events":[{"timeUnixNano":"1700000000123456799","name":"cache.miss","attributes":[{"key":"key","value":{"stringValue":"user:1"}},{"key":"size","value":{"intValue":"3"}}]},{"timeUnixNano":"1700000000123456809","name":"bare"}]"#))
        #expect(text.contains(#""links":[{"traceId":"4bf92f3577b34da6a3ce929d0e0e4736","spanId":"aaaaaaaaaaaaaaaa","traceState":"vendor=abc","attributes":[{"key":"link.reason","value":{"stringValue":"caused-by"}}],"flags":769},{"traceId":"0af7651916cd43dd8448eb211c80319c","spanId":"3333333333333333","flags":256}]"#))
        #expect(text.contains(#""status":{"code":1}"#))
    }

    @Test("NaN and infinities are the proto3 JSON strings; the output stays valid JSON")
    func nonFiniteDoubles() throws {
        var span = Fixtures.unsetInternal
        span.attributes = [
            "nan": .double(.nan), "inf": .double(.infinity), "ninf": .double(-.infinity),
            "mixed": .doubleArray([.nan, 1.5, -.infinity]),
        ]
        let json = OTLPJSONEncoder().encode([span], resource: Fixtures.resource)
        let text = String(decoding: json, as: UTF8.self)
        #expect(text.contains(#"{"key":"nan","value":{"doubleValue":"NaN"}}"#))
        #expect(text.contains(#"{"key":"inf","value":{"doubleValue":"Infinity"}}"#))
        #expect(text.contains(#"{"key":"ninf","value":{"doubleValue":"-Infinity"}}"#))
        #expect(text.contains(#"{"key":"mixed","value":{"arrayValue":{"values":[{"doubleValue":"NaN"},{"doubleValue":1.5},{"doubleValue":"-Infinity"}]}}}"#))
        let decoded = try Self.decode(json).resourceSpans[0].scopeSpans[0].spans[0]
        let values = Dictionary(uniqueKeysWithValues: decoded.attributes.map { ($0.key, $0.value) })
        #expect(values["nan"]?.doubleValue.isNaN == true)
        #expect(values["inf"]?.doubleValue == .infinity)
        #expect(values["ninf"]?.doubleValue == -.infinity)
        #expect(values["mixed"]?.arrayValue.values.map(\.doubleValue)[1] == 1.5)
    }

    @Test("every control character and odd text is escaped into valid JSON that reads back the same")
    func escaping() throws {
        let controls = String(decoding: (0..<0x20).map { UInt8($0) } + [0x7F], as: UTF8.self)
        let names = [controls, "\"", "\\", "/", "</script>", "\u{2028}\u{2029}", "日本語", "🏳️‍🌈", ""]
        let spans = names.enumerated().map { index, name -> SpanData in
            var span = Fixtures.unsetInternal
            span.name = name
            span.attributes = [name: .string(name)]
            span.context = SpanContext(traceID: Fixtures.traceA, spanID: SpanID(rawValue: UInt64(index + 1)), isSampled: true)
            return span
        }
        let decoded = try Self.decode(OTLPJSONEncoder().encode(spans, resource: Fixtures.resource))
        let spansBack = decoded.resourceSpans[0].scopeSpans[0].spans
        #expect(spansBack.map(\.name) == names)
        #expect(spansBack.map { $0.attributes[0].key } == names)
        #expect(spansBack.map { $0.attributes[0].value.stringValue } == names)
        #expect(spansBack[0].spanID == Fixtures.data("0000000000000001"))
    }

    @Test("a character needing an escape is found at every position of long and short strings")
    func escapePositions() throws {
        var names: [String] = []
        for special in ["\u{0}", "\u{1F}", "\"", "\\", "\n", " ", "\u{7F}", "é", "~", "!", "#", "[", "]"] {
            for length in [1, 7, 8, 9, 15, 16, 17, 24, 33] {
                for position in 0..<length {
                    names.append(String(repeating: "a", count: position) + special + String(repeating: "b", count: length - position - 1))
                }
            }
        }
        let spans = names.enumerated().map { index, name -> SpanData in
            var span = Fixtures.unsetInternal
            span.name = name
            span.attributes = [:]
            span.context = SpanContext(traceID: Fixtures.traceA, spanID: SpanID(rawValue: UInt64(index + 1)), isSampled: true)
            return span
        }
        let decoded = try Self.decode(OTLPJSONEncoder().encode(spans, resource: Fixtures.resource))
        #expect(decoded.resourceSpans[0].scopeSpans[0].spans.map(\.name) == names)
    }

    @Test("doubles keep their exact value")
    func doublePrecision() throws {
        let samples: [Double] = [0.1, 1.0 / 3.0, Double(bitPattern: 1000), -Double.leastNonzeroMagnitude, 123456789.125, 1e21, 2.5e-7, .pi, -0.0]
        var span = Fixtures.unsetInternal
        span.attributes = ["d": .doubleArray(samples)]
        let decoded = try Self.decode(OTLPJSONEncoder().encode([span], resource: Fixtures.resource))
        let values = decoded.resourceSpans[0].scopeSpans[0].spans[0].attributes[0].value.arrayValue.values.map(\.doubleValue)
        #expect(values.map(\.bitPattern) == samples.map(\.bitPattern))
    }

    @Test("an empty batch is a valid request")
    func empty() throws {
        let text = Self.text([])
        #expect(text == #"{"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"otlp-tests"}},{"key":"service.version","value":{"stringValue":"1.2.3"}},{"key":"deployment.environment","value":{"stringValue":"ci"}},{"key":"deployment.environment.name","value":{"stringValue":"ci"}},{"key":"noveum.project","value":{"stringValue":"otlp-tests"}},{"key":"telemetry.sdk.name","value":{"stringValue":"noveum-trace-swift"}},{"key":"telemetry.sdk.version","value":{"stringValue":"\#(NoveumTrace.version)"}},{"key":"telemetry.sdk.language","value":{"stringValue":"swift"}}]},"scopeSpans":[{"scope":{"name":"noveum-trace-swift","version":"\#(NoveumTrace.version)"},"spans":[]}]}]}"#)
        _ = try Self.decode(Array(text.utf8))
    }
}
