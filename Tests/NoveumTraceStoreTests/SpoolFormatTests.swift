import Foundation
import NoveumTrace
import Testing
import Tracing

@Suite("Local spool format")
struct SpoolFormatTests {
    @Test("a span survives encode and decode exactly: ids, parent, times, status, typed attributes, events, links")
    func roundTrip() throws {
        let link = NoveumSpan.Link(
            context: SpanContext(
                traceID: TraceID(high: 9, low: 8), spanID: SpanID(rawValue: 7), isSampled: true, traceState: "k=v",
                isRemote: true),
            attributes: ["link.kind": "follows"])
        let original = SpanData(
            context: SpanContext(
                traceID: TraceID(high: 1, low: 2), spanID: SpanID(rawValue: 3), isSampled: true, traceState: "a=b"),
            parentSpanID: SpanID(rawValue: 4), parentIsRemote: true, name: "chat \"quoted\"\nname", kind: .client,
            startTimeNanos: 1_795_000_000_123_456_789, endTimeNanos: 1_795_000_001_000_000_000, status: .error,
            statusMessage: "boom",
            attributes: [
                "s": "text ✓", "i": .int(-42), "d": .double(0.5), "one": .double(1), "nan": .double(.nan),
                "b": true, "sa": .stringArray(["x", "y"]), "ia": .intArray([1, 2]), "da": .doubleArray([1.5]),
                "ba": .boolArray([true, false]),
            ],
            events: [NoveumSpan.Event(name: "retry", timeNanos: 1_795_000_000_500_000_000, attributes: ["n": 2])],
            links: [link], exception: NoveumSpan.ExceptionInfo(type: "Timeout", message: "late", stackTrace: "a\nb"),
            droppedAttributeCount: 3, droppedEventCount: 1)
        let encoder = LocalSpanLineEncoder(
            project: "p", environment: "e", resource: Resource(attributes: ["service.name": "svc"]))
        let line = encoder.encodeLine(original)
        #expect(line.last == UInt8(ascii: "\n"))
        #expect(line.dropLast().contains(UInt8(ascii: "\n")) == false)
        let decoded = try LocalSpanLineDecoder.decode(Data(line))
        #expect(decoded.project == "p")
        #expect(decoded.environment == "e")
        #expect(decoded.resource.serviceName == "svc")
        var expected = original
        var actual = decoded.span
        // NaN never equals itself: compare it apart.
        #expect(actual.attributes["nan"]?.doubleValue?.isNaN == true)
        expected.attributes["nan"] = nil
        actual.attributes["nan"] = nil
        #expect(actual == expected)
    }

    @Test("lines that are not spool records are rejected with a reason")
    func malformed() {
        #expect(throws: LocalSpanLineDecoder.Malformed.self) { try LocalSpanLineDecoder.decode(Data("garbage".utf8)) }
        #expect(throws: LocalSpanLineDecoder.Malformed.self) { try LocalSpanLineDecoder.decode(Data("{\"v\":2}".utf8)) }
    }
}
