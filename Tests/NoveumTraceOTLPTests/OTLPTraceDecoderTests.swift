import Foundation
@testable import NoveumTrace
import NoveumTraceTestSupport
import SwiftProtobuf
import Testing

/// The OTLP codec read backwards: what this SDK's encoders write decodes to the same spans, what the official
/// protobuf classes write decodes field by field, and damaged bodies throw instead of trapping.
@Suite("OTLP trace decoder")
struct OTLPTraceDecoderTests {
    /// A span as the decoder returns it: the scope attributes it adds removed, the exception read from the event.
    func comparable(_ span: SpanData) -> SpanData {
        var copy = span
        copy.attributes["otel.scope.name"] = nil
        copy.attributes["otel.scope.version"] = nil
        return copy
    }

    /// What the decoder should give back for `span`: the exception it derives from an `exception` event, the
    /// status message OTLP keeps only for errors, and no user attribute named `noveum.status` where the status
    /// took its place.
    func expected(_ span: SpanData) -> SpanData {
        var copy = span
        if let event = span.events.last(where: { $0.name == "exception" }) {
            copy.exception = NoveumSpan.ExceptionInfo(
                type: event.attributes["exception.type"]?.stringValue ?? "",
                message: event.attributes["exception.message"]?.stringValue ?? "",
                stackTrace: event.attributes["exception.stacktrace"]?.stringValue)
        } else {
            copy.exception = nil
        }
        if span.status == .ok || span.status == .unset { copy.statusMessage = nil }
        // The encoder replaces a user's `noveum.status` with the status on spans whose status is set.
        if span.status != .unset { copy.attributes["noveum.status"] = nil }
        return copy
    }

    @Test("protobuf and JSON from this SDK's encoders decode to the same spans, with resource and scope")
    func roundTrip() throws {
        let resource = Fixtures.resource
        let protobuf = try OTLPTraceDecoder.decodeProtobuf(OTLPProtobufEncoder().encode(Fixtures.all, resource: resource)[...])
        let json = try OTLPTraceDecoder.decodeJSON(OTLPJSONEncoder().encode(Fixtures.all, resource: resource))
        for decoded in [protobuf, json] {
            #expect(decoded.rejectedSpans == 0)
            #expect(decoded.records.count == Fixtures.all.count)
            for (record, original) in zip(decoded.records, Fixtures.all) {
                #expect(comparable(record.span) == expected(original))
                #expect(record.resource == resource)
                #expect(record.span.attributes["otel.scope.name"] == .string(Resource.sdkName))
                #expect(record.span.attributes["otel.scope.version"] == .string(NoveumTrace.version))
            }
        }
    }

    @Test("what the official protobuf classes write: ids, kinds, flags, status, every AnyValue, two resources")
    func officialClasses() throws {
        var request = PBRequest()
        for service in ["python-rag", "ts-gateway"] {
            var resourceSpans = Opentelemetry_Proto_Trace_V1_ResourceSpans()
            resourceSpans.resource.attributes = [keyValue("service.name", string: service)]
            var scopeSpans = Opentelemetry_Proto_Trace_V1_ScopeSpans()
            scopeSpans.scope.name = "openinference.instrumentation.openai"
            var span = PBSpan()
            span.traceID = Fixtures.data("0af7651916cd43dd8448eb211c80319c")
            span.spanID = Fixtures.data(service == "python-rag" ? "b7ad6b7169203331" : "00f067aa0ba902b7")
            span.parentSpanID = Fixtures.data("53995c3f42cd8ad8")
            span.flags = 0x301
            span.name = "ChatCompletion"
            span.kind = .client
            span.startTimeUnixNano = 10
            span.endTimeUnixNano = 20
            var map = Opentelemetry_Proto_Common_V1_KeyValueList()
            map.values = [keyValue("role", string: "user")]
            var mapValue = PBAnyValue()
            mapValue.kvlistValue = map
            var mixed = Opentelemetry_Proto_Common_V1_ArrayValue()
            var one = PBAnyValue()
            one.intValue = 1
            var two = PBAnyValue()
            two.stringValue = "two"
            mixed.values = [one, two]
            var mixedValue = PBAnyValue()
            mixedValue.arrayValue = mixed
            var bytesValue = PBAnyValue()
            bytesValue.bytesValue = Data([1, 2, 3])
            var mixedNumbers = Opentelemetry_Proto_Common_V1_ArrayValue()
            var half = PBAnyValue()
            half.doubleValue = 0.5
            mixedNumbers.values = [one, half]
            var numbersValue = PBAnyValue()
            numbersValue.arrayValue = mixedNumbers
            var empty = PBKeyValue()
            empty.key = "no.value"
            span.attributes = [
                keyValue("llm.model_name", string: "gpt-4o-mini"), pair("map", mapValue), pair("mixed", mixedValue),
                pair("bytes", bytesValue), pair("numbers", numbersValue), empty,
            ]
            span.droppedAttributesCount = 2
            span.status.code = .error
            span.status.message = "rate limited"
            var invalid = PBSpan()
            invalid.traceID = Data(repeating: 0, count: 16)
            invalid.spanID = Fixtures.data("1111111111111111")
            scopeSpans.spans = [span, invalid]
            resourceSpans.scopeSpans = [scopeSpans]
            request.resourceSpans.append(resourceSpans)
        }
        let bytes: [UInt8] = Array(try request.serializedData())
        let decoded = try OTLPTraceDecoder.decodeProtobuf(bytes[...])
        #expect(decoded.rejectedSpans == 2)
        #expect(decoded.rejectionReason == "invalid trace id")
        #expect(decoded.records.map(\.resource.serviceName) == ["python-rag", "ts-gateway"])
        let span = try #require(decoded.records.first?.span)
        #expect(span.traceID.description == "0af7651916cd43dd8448eb211c80319c")
        #expect(span.parentSpanID?.description == "53995c3f42cd8ad8")
        #expect(span.parentIsRemote && span.context.isSampled)
        #expect(span.kind == .client && span.status == .error && span.statusMessage == "rate limited")
        #expect(span.startTimeNanos == 10 && span.endTimeNanos == 20)
        #expect(span.attributes["llm.model_name"] == .string("gpt-4o-mini"))
        #expect(span.attributes["map"] == .string("{\"role\":\"user\"}"))
        #expect(span.attributes["mixed"] == .string("[1,\"two\"]"))
        #expect(span.attributes["bytes"] == .string("AQID"))
        #expect(span.attributes["numbers"] == .doubleArray([1, 0.5]))
        #expect(span.attributes["no.value"] == nil)
        #expect(span.droppedAttributeCount == 3)
        #expect(span.attributes["otel.scope.name"] == .string("openinference.instrumentation.openai"))
        #expect(span.attributes["otel.scope.version"] == nil)
    }

    @Test("OTLP/JSON as other SDKs write it: snake_case, base64 ids, enum names, numbers for 64-bit integers")
    func jsonVariants() throws {
        let body = """
            {"resource_spans":[{"resource":{"attributes":[{"key":"service.name","value":{"string_value":"ts"}}]},
             "scope_spans":[{"scope":{"name":"js"},"spans":[{"trace_id":"CvdlGRbNQ92ESOshHIAxnA==",
             "span_id":"t61rcWkgMzE=","name":"fetch","kind":"SPAN_KIND_CLIENT","start_time_unix_nano":5,
             "end_time_unix_nano":"9","status":{"code":"STATUS_CODE_OK"},
             "attributes":[{"key":"n","value":{"int_value":7}},{"key":"d","value":{"doubleValue":"NaN"}}]}]}]}]}
            """
        let decoded = try OTLPTraceDecoder.decodeJSON(Array(body.utf8))
        let span = try #require(decoded.records.first?.span)
        #expect(span.traceID.description == "0af7651916cd43dd8448eb211c80319c")
        #expect(span.spanID.description == "b7ad6b7169203331")
        #expect(span.kind == .client && span.status == .ok && span.startTimeNanos == 5 && span.endTimeNanos == 9)
        #expect(span.attributes["n"] == .int(7))
        #expect(span.attributes["d"]?.doubleValue?.isNaN == true)
        #expect(decoded.records.first?.resource.serviceName == "ts")
    }

    @Test("damaged bodies throw, at every truncation, and never trap")
    func damaged() throws {
        let bytes = OTLPProtobufEncoder().encode(Fixtures.all, resource: Fixtures.resource)
        var thrown = 0
        for length in stride(from: 1, to: bytes.count, by: 7) {
            do {
                _ = try OTLPTraceDecoder.decodeProtobuf(bytes[..<length])
            } catch {
                thrown += 1
            }
        }
        // Every cut inside the one ResourceSpans message leaves a length running past the end.
        #expect(thrown == (bytes.count - 1 + 6) / 7)
        #expect(throws: OTLPTraceDecoder.Malformed.self) { try OTLPTraceDecoder.decodeProtobuf([0x0A, 0xFF][...]) }
        #expect(throws: OTLPTraceDecoder.Malformed.self) { try OTLPTraceDecoder.decodeProtobuf([0x0F][...]) }
        #expect(throws: OTLPTraceDecoder.Malformed.self) { try OTLPTraceDecoder.decodeJSON(Array("{\"resourceSpans\":".utf8)) }
        #expect(throws: OTLPTraceDecoder.Malformed.self) { try OTLPTraceDecoder.decodeJSON(Array("[1]".utf8)) }
        #expect(throws: OTLPTraceDecoder.Malformed.self) {
            try OTLPTraceDecoder.decodeJSON(Array("{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"startTimeUnixNano\":\"x\"}]}]}]}".utf8))
        }
        // Random bytes: either a clean error or spans, never a trap.
        var generator = SplitMix64(seed: 7)
        for _ in 0..<2_000 {
            let random = (0..<Int(generator.next() % 64)).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
            _ = try? OTLPTraceDecoder.decodeProtobuf(random[...])
        }
    }

    @Test("the receiver's responses: partial success and google.rpc.Status in both encodings")
    func responses() throws {
        #expect(OTLPResponseEncoder.exportResponse(rejectedSpans: 0, errorMessage: "", json: false) == [])
        #expect(String(decoding: OTLPResponseEncoder.exportResponse(rejectedSpans: 0, errorMessage: "", json: true), as: UTF8.self) == "{}")
        let protobuf = OTLPResponseEncoder.exportResponse(rejectedSpans: 3, errorMessage: "invalid trace id", json: false)
        let response = try Opentelemetry_Proto_Collector_Trace_V1_ExportTraceServiceResponse(serializedBytes: protobuf)
        #expect(response.partialSuccess.rejectedSpans == 3)
        #expect(response.partialSuccess.errorMessage == "invalid trace id")
        #expect(OTLPPartialSuccess.decodeJSON(
            OTLPResponseEncoder.exportResponse(rejectedSpans: 3, errorMessage: "x \"y\"", json: true))
            == OTLPPartialSuccess(rejectedSpans: 3, errorMessage: "x \"y\""))
        #expect(String(decoding: OTLPResponseEncoder.status(code: 3, message: "bad", json: true), as: UTF8.self)
            == "{\"code\":3,\"message\":\"bad\"}")
        #expect(OTLPResponseEncoder.status(code: 14, message: "busy", json: false) == [0x08, 14, 0x12, 4] + Array("busy".utf8))
    }

    func keyValue(_ key: String, string: String) -> PBKeyValue {
        var value = PBAnyValue()
        value.stringValue = string
        return pair(key, value)
    }

    func pair(_ key: String, _ value: PBAnyValue) -> PBKeyValue {
        var pair = PBKeyValue()
        pair.key = key
        pair.value = value
        return pair
    }
}
