import Foundation
import NoveumTrace
import NoveumTraceOTLP
import NoveumTraceTestSupport
import SwiftProtobuf
import Testing

@Suite("OTLP protobuf encoder")
struct OTLPProtobufEncoderTests {
    let bytes = OTLPProtobufEncoder().encode(Fixtures.all, resource: Fixtures.resource)

    func decode() throws -> PBRequest {
        try PBRequest(serializedBytes: bytes)
    }

    func span(_ request: PBRequest, _ index: Int) -> PBSpan {
        request.resourceSpans[0].scopeSpans[0].spans[index]
    }

    @Test("one ResourceSpans with the resource, one ScopeSpans with the SDK's scope")
    func envelope() throws {
        let request = try decode()
        #expect(request.resourceSpans.count == 1)
        let resourceSpans = request.resourceSpans[0]
        #expect(resourceSpans.hasResource)
        #expect(resourceSpans.resource.attributes.map(\.key) == Fixtures.resource.attributes.map(\.key))
        #expect(attributeList(resourceSpans.resource.attributes) == Fixtures.resource.attributes)
        let resource = attributeList(resourceSpans.resource.attributes)
        #expect(resource["service.name"] == .string("otlp-tests"))
        #expect(resource["service.version"] == .string("1.2.3"))
        #expect(resource["deployment.environment"] == .string("ci"))
        #expect(resource["telemetry.sdk.name"] == .string("noveum-trace-swift"))
        #expect(resource["telemetry.sdk.language"] == .string("swift"))
        #expect(resource["telemetry.sdk.version"] == .string(NoveumTrace.version))
        #expect(resourceSpans.schemaURL == "")
        #expect(resourceSpans.scopeSpans.count == 1)
        let scopeSpans = resourceSpans.scopeSpans[0]
        #expect(scopeSpans.scope.name == "noveum-trace-swift")
        #expect(scopeSpans.scope.version == NoveumTrace.version)
        #expect(scopeSpans.scope.attributes.isEmpty)
        #expect(scopeSpans.spans.count == Fixtures.all.count)
        #expect(scopeSpans.spans.map(\.name) == ["GET /chat", "chat gpt-4", "queue.receive", "queue.send", "internal-step", ""])
    }

    @Test("ids, trace state, parents, kinds, times and flags")
    func identity() throws {
        let request = try decode()
        let root = span(request, 0)
        #expect(root.traceID == Fixtures.data("0af7651916cd43dd8448eb211c80319c"))
        #expect(root.spanID == Fixtures.data("b7ad6b7169203331"))
        #expect(root.parentSpanID.isEmpty)
        #expect(root.traceState == "")
        #expect(root.kind == .server)
        #expect(root.startTimeUnixNano == 1_700_000_000_123_456_789)
        #expect(root.endTimeUnixNano == 1_700_000_001_987_654_321)
        #expect(root.flags == 0x101)  // sampled, parent remoteness known (no parent: not remote)

        let client = span(request, 1)
        #expect(client.traceID == Fixtures.data("0af7651916cd43dd8448eb211c80319c"))
        #expect(client.spanID == Fixtures.data("00f067aa0ba902b7"))
        #expect(client.parentSpanID == Fixtures.data("b7ad6b7169203331"))
        #expect(client.kind == .client)
        #expect(client.startTimeUnixNano == Fixtures.start + 100)
        #expect(client.endTimeUnixNano == Fixtures.end - 100)
        #expect(client.flags == 0x101)

        let consumer = span(request, 2)
        #expect(consumer.traceID == Fixtures.data("4bf92f3577b34da6a3ce929d0e0e4736"))
        #expect(consumer.parentSpanID == Fixtures.data("53995c3f42cd8ad8"))
        #expect(consumer.traceState == "rojo=00f067aa0ba902b7,congo=t61rcWkgMzE")
        #expect(consumer.kind == .consumer)
        #expect(consumer.flags == 0x301)  // sampled, parent is remote

        #expect(span(request, 3).kind == .producer)
        #expect(span(request, 3).parentSpanID == Fixtures.data("1111111111111111"))
        #expect(span(request, 4).kind == .internal)
        let unsampled = span(request, 5)
        #expect(unsampled.kind == .internal)
        #expect(unsampled.flags == 0x100)
        #expect(unsampled.spanID == Fixtures.data("fedcba9876543210"))
    }

    @Test("every attribute type, in order, with exact values")
    func attributes() throws {
        let root = span(try decode(), 0)
        var expectedKeys = Fixtures.allAttributes.map(\.key)
        expectedKeys.append("noveum.status")
        #expect(root.attributes.map(\.key) == expectedKeys)
        let byKey = Dictionary(uniqueKeysWithValues: root.attributes.map { ($0.key, $0.value) })
        #expect(byKey["str"]?.value == .stringValue("hello"))
        #expect(byKey["str.empty"]?.value == .stringValue(""))
        #expect(byKey["str.escapes"]?.stringValue == "quote \" backslash \\ newline \n tab \t nul \u{0} bell \u{7} é 😀 \u{2028}")
        #expect(byKey["int"]?.value == .intValue(42))
        #expect(byKey["int.zero"]?.value == .intValue(0))
        #expect(byKey["int.negative"]?.value == .intValue(-7))
        #expect(byKey["int.max"]?.value == .intValue(.max))
        #expect(byKey["int.min"]?.value == .intValue(.min))
        #expect(byKey["double"]?.value == .doubleValue(3.25))
        #expect(byKey["double.zero"]?.value == .doubleValue(0))
        #expect(byKey["double.negative"]?.value == .doubleValue(-1e-300))
        #expect(byKey["double.big"]?.value == .doubleValue(1.7976931348623157e308))
        #expect(byKey["bool.true"]?.value == .boolValue(true))
        #expect(byKey["bool.false"]?.value == .boolValue(false))
        #expect(byKey["strings"]?.arrayValue.values.map(\.value) == [.stringValue("a"), .stringValue(""), .stringValue("c\"d")])
        #expect(byKey["ints"]?.arrayValue.values.map(\.value) == [.intValue(1), .intValue(-2), .intValue(.max)])
        #expect(byKey["doubles"]?.arrayValue.values.map(\.value) == [.doubleValue(0.5), .doubleValue(-2), .doubleValue(0)])
        #expect(byKey["bools"]?.arrayValue.values.map(\.value) == [.boolValue(true), .boolValue(false)])
        #expect(byKey["strings.empty"]?.value == .arrayValue(.init()))
        #expect(byKey["long"]?.stringValue == String(repeating: "x", count: 300))
        #expect(byKey["noveum.status"]?.value == .stringValue("ok"))
        #expect(root.droppedAttributesCount == 0)
    }

    @Test("events and links")
    func eventsAndLinks() throws {
        let request = try decode()
        let root = span(request, 0)
        #expect(root.events.count == 2)
        #expect(root.events[0].name == "cache.miss")
        #expect(root.events[0].timeUnixNano == Fixtures.start + 10)
        #expect(root.events[0].attributes.map(\.key) == ["key", "size"])
        #expect(root.events[0].attributes[0].value.value == .stringValue("user:1"))
        #expect(root.events[0].attributes[1].value.value == .intValue(3))
        #expect(root.events[1].name == "bare")
        #expect(root.events[1].timeUnixNano == Fixtures.start + 20)
        #expect(root.events[1].attributes.isEmpty)
        #expect(root.droppedEventsCount == 0)

        #expect(root.links.count == 2)
        let remote = root.links[0]
        #expect(remote.traceID == Fixtures.data("4bf92f3577b34da6a3ce929d0e0e4736"))
        #expect(remote.spanID == Fixtures.data("aaaaaaaaaaaaaaaa"))
        #expect(remote.traceState == "vendor=abc")
        #expect(remote.attributes.count == 1)
        #expect(remote.attributes[0].key == "link.reason")
        #expect(remote.attributes[0].value.value == .stringValue("caused-by"))
        #expect(remote.flags == 0x301)
        let local = root.links[1]
        #expect(local.traceID == Fixtures.data("0af7651916cd43dd8448eb211c80319c"))
        #expect(local.spanID == Fixtures.data("3333333333333333"))
        #expect(local.traceState == "")
        #expect(local.attributes.isEmpty)
        #expect(local.flags == 0x100)
        #expect(root.droppedLinksCount == 0)
    }

    @Test("status: ok, error, timeout, cancelled, unset; noveum.status on every set status")
    func statuses() throws {
        let request = try decode()
        let root = span(request, 0)
        #expect(root.hasStatus)
        #expect(root.status.code == .ok)
        #expect(root.status.message == "")  // only ERROR carries a message

        let client = span(request, 1)
        #expect(client.status.code == .error)
        #expect(client.status.message == "rate limited")
        #expect(client.attributes.map(\.key) == ["llm.model", "llm.input_tokens", "noveum.status"])
        #expect(client.attributes[2].value.value == .stringValue("error"))
        #expect(client.droppedAttributesCount == 3)
        #expect(client.droppedEventsCount == 2)

        let consumer = span(request, 2)
        #expect(consumer.status.code == .error)
        #expect(consumer.status.message == "timeout")
        #expect(consumer.attributes.map(\.key) == ["noveum.status"])
        #expect(consumer.attributes[0].value.value == .stringValue("timeout"))

        let producer = span(request, 3)
        #expect(producer.status.code == .error)
        #expect(producer.status.message == "task cancelled")
        #expect(producer.attributes[0].value.value == .stringValue("cancelled"))

        let unset = span(request, 4)
        #expect(unset.status.code == .unset)
        #expect(unset.status.message == "")
        #expect(unset.attributes.count == 1)
        #expect(unset.attributes[0].key == "noveum.status")
        #expect(unset.attributes[0].value.value == .stringValue("kept"))

        let unsampled = span(request, 5)
        #expect(unsampled.status.code == .error)
        #expect(unsampled.status.message == "")
        #expect(unsampled.attributes[0].value.value == .stringValue("error"))
    }

    @Test("the bytes are canonical: SwiftProtobuf re-encodes the decoded request to the same bytes")
    func canonical() throws {
        let reencoded: [UInt8] = try decode().serializedBytes()
        #expect(reencoded == bytes)
        #expect(try decode().unknownFields.data.isEmpty)
    }

    @Test("an empty batch and a batch with a large span decode")
    func sizes() throws {
        let empty = try PBRequest(serializedBytes: OTLPProtobufEncoder().encode([], resource: Fixtures.resource))
        #expect(empty.resourceSpans.count == 1)
        #expect(empty.resourceSpans[0].scopeSpans[0].spans.isEmpty)

        // Lengths that need 1, 2, 3 and 4 byte varints, at every nesting level.
        for size in [0, 100, 127, 128, 200, 16_383, 16_384, 100_000, 2_100_000] {
            var big = Fixtures.client
            big.attributes["blob"] = .string(String(repeating: "y", count: size))
            big.events = [NoveumSpan.Event(name: "e", timeNanos: 1, attributes: ["blob": .string(String(repeating: "z", count: size))])]
            let bytes = OTLPProtobufEncoder().encode([big, Fixtures.root], resource: Fixtures.resource)
            let request = try PBRequest(serializedBytes: bytes)
            let spans = request.resourceSpans[0].scopeSpans[0].spans
            #expect(spans.count == 2)
            #expect(spans[0].attributes.first { $0.key == "blob" }?.value.stringValue.utf8.count == size)
            #expect(spans[0].events[0].attributes[0].value.stringValue.utf8.count == size)
            #expect(spans[1].name == "GET /chat")
            let reencoded: [UInt8] = try request.serializedBytes()
            #expect(reencoded == bytes)
        }
    }

    @Test("many spans round-trip")
    func manySpans() throws {
        let spans = (0..<1_000).map { i -> SpanData in
            var span = Fixtures.all[i % Fixtures.all.count]
            span.name = "span-\(i)"
            return span
        }
        let request = try PBRequest(serializedBytes: OTLPProtobufEncoder().encode(spans, resource: Fixtures.resource))
        #expect(request.resourceSpans[0].scopeSpans[0].spans.map(\.name) == spans.map(\.name))
    }

    @Test("a custom scope")
    func customScope() throws {
        let encoder = OTLPProtobufEncoder(scope: OTLPScope(name: "my-lib", version: "9.9"))
        let request = try PBRequest(serializedBytes: encoder.encode([Fixtures.root], resource: Fixtures.resource))
        #expect(request.resourceSpans[0].scopeSpans[0].scope.name == "my-lib")
        #expect(request.resourceSpans[0].scopeSpans[0].scope.version == "9.9")
    }
}
