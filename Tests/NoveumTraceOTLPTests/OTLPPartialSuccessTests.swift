import NoveumTraceTestSupport
import SwiftProtobuf
import Testing

@testable import NoveumTrace

/// The exporter reads `partial_success` by hand; the protobuf runtime (tests only) is the reference it must agree
/// with.
@Suite("OTLP partial success, read without a protobuf runtime")
struct OTLPPartialSuccessTests {
    typealias Response = Opentelemetry_Proto_Collector_Trace_V1_ExportTraceServiceResponse

    @Test("agrees with SwiftProtobuf on 500 generated responses, unknown fields included")
    func agreesWithReference() throws {
        var random = SplitMix64(seed: 42)
        for _ in 0..<500 {
            var response = Response()
            let kind = random.next() % 4
            if kind != 0 {
                response.partialSuccess.rejectedSpans = Int64(bitPattern: random.next() >> (random.next() % 64))
                let length = Int(random.next() % 40)
                response.partialSuccess.errorMessage = String(
                    (0..<length).map { _ in Character(UnicodeScalar(UInt8(32 + random.next() % 90))) })
            }
            var bytes: [UInt8] = try response.serializedBytes()
            if kind == 3 {
                // An unknown varint field (7) and an unknown length-delimited field (9) before the known one.
                bytes = [0x38, 0x96, 0x01, 0x4A, 0x02, 0x61, 0x62] + bytes
            }
            let reference = try Response(serializedBytes: bytes)
            let decoded = OTLPPartialSuccess.decodeProtobuf(bytes)
            if reference.hasPartialSuccess {
                #expect(decoded == OTLPPartialSuccess(
                    rejectedSpans: reference.partialSuccess.rejectedSpans,
                    errorMessage: reference.partialSuccess.errorMessage))
            } else {
                #expect(decoded == nil)
            }
        }
    }

    @Test("every truncation of a valid response and random bytes decode to a value or nil, never a trap")
    func malformedProtobuf() throws {
        var response = Response()
        response.partialSuccess.rejectedSpans = 3
        response.partialSuccess.errorMessage = "3 spans too old"
        let bytes: [UInt8] = try response.serializedBytes()
        #expect(OTLPPartialSuccess.decodeProtobuf(bytes) == OTLPPartialSuccess(rejectedSpans: 3, errorMessage: "3 spans too old"))
        for length in 0..<bytes.count {
            let cut = Array(bytes.prefix(length))
            #expect((try? Response(serializedBytes: cut)) == nil || OTLPPartialSuccess.decodeProtobuf(cut) != nil || length == 0)
        }
        var random = SplitMix64(seed: 7)
        for _ in 0..<2_000 {
            let garbage = (0..<Int(random.next() % 64)).map { _ in UInt8(truncatingIfNeeded: random.next()) }
            _ = OTLPPartialSuccess.decodeProtobuf(garbage)
        }
        // An eleven-byte varint, a length past the end, a group wire type, field number zero.
        #expect(OTLPPartialSuccess.decodeProtobuf([0x0A, 0x0B] + [UInt8](repeating: 0xFF, count: 10) + [0x01]) == nil)
        #expect(OTLPPartialSuccess.decodeProtobuf([0x0A, 0x7F, 0x08]) == nil)
        #expect(OTLPPartialSuccess.decodeProtobuf([0x0B]) == nil)
        #expect(OTLPPartialSuccess.decodeProtobuf([0x00, 0x01]) == nil)
    }

    @Test("OTLP/JSON: camelCase and proto names, int64 as string or number, unknown fields ignored")
    func json() {
        func decode(_ text: String) -> OTLPPartialSuccess? { OTLPPartialSuccess.decodeJSON(Array(text.utf8)) }
        #expect(decode(#"{"partialSuccess":{"rejectedSpans":"99","errorMessage":"quota"},"extra":1}"#)
            == OTLPPartialSuccess(rejectedSpans: 99, errorMessage: "quota"))
        #expect(decode(#"{"partial_success":{"rejected_spans":2,"error_message":"old"}}"#)
            == OTLPPartialSuccess(rejectedSpans: 2, errorMessage: "old"))
        #expect(decode(#"{"partialSuccess":{}}"#) == OTLPPartialSuccess())
        #expect(decode(#"{}"#) == nil)
        #expect(decode(#"{"partialSuccess":{"rejectedSpans":"many"}}"#) == nil)
        #expect(decode("not json") == nil)
        #expect(decode("") == nil)
    }
}
