import Testing
@testable import NoveumTrace

@Suite("Trace and span ids")
struct IdentifierTests {
    @Test("ids are lowercase W3C hex of the right width")
    func hexFormat() {
        for _ in 0..<1000 {
            let trace = IDGenerator.traceID().description
            let span = IDGenerator.spanID().description
            #expect(trace.count == 32)
            #expect(span.count == 16)
            #expect(trace.allSatisfy { "0123456789abcdef".contains($0) })
            #expect(span.allSatisfy { "0123456789abcdef".contains($0) })
        }
    }

    @Test("hex round-trips and rejects malformed or all-zero ids")
    func parsing() {
        let trace = TraceID(high: 0x4bf9_2f35_77b3_4da6, low: 0xa3ce_929d_0e0e_4736)
        #expect(trace.description == "4bf92f3577b34da6a3ce929d0e0e4736")
        #expect(TraceID(hex: "4bf92f3577b34da6a3ce929d0e0e4736") == trace)
        #expect(TraceID(hex: "4BF92F3577B34DA6A3CE929D0E0E4736") == trace)
        #expect(TraceID(hex: "00000000000000000000000000000000") == nil)
        #expect(TraceID(hex: "4bf92f3577b34da6a3ce929d0e0e473") == nil)
        #expect(TraceID(hex: "4bf92f3577b34da6a3ce929d0e0e47zz") == nil)
        #expect(SpanID(hex: "00f067aa0ba902b7")?.rawValue == 0x00f0_67aa_0ba9_02b7)
        #expect(SpanID(hex: "0000000000000000") == nil)
        #expect(SpanID(hex: "00f067aa0ba902b") == nil)
        #expect(SpanID(rawValue: 0xff).description == "00000000000000ff")
        #expect(trace.bytes.count == 16 && trace.bytes.first == 0x4b && trace.bytes.last == 0x36)
        #expect(SpanID(rawValue: 0x0102_0304_0506_0708).bytes == [1, 2, 3, 4, 5, 6, 7, 8])
    }

    @Test("a million generated span ids are unique and non-zero")
    func uniqueness() {
        var seen = Set<UInt64>()
        seen.reserveCapacity(1_000_000)
        for _ in 0..<1_000_000 { seen.insert(IDGenerator.next()) }
        #expect(seen.count == 1_000_000)
        #expect(!seen.contains(0))
    }

    @Test("generated ids spread evenly enough for ratio sampling")
    func distribution() {
        let sampler = Sampler(policy: SamplingPolicy(rate: 0.25))
        var kept = 0
        for _ in 0..<100_000 where sampler.shouldSample(IDGenerator.traceID()) { kept += 1 }
        #expect((23_500...26_500).contains(kept))
    }
}

@Suite("W3C traceparent")
struct TraceParentTests {
    let context = SpanContext(
        traceID: TraceID(hex: "4bf92f3577b34da6a3ce929d0e0e4736")!, spanID: SpanID(hex: "00f067aa0ba902b7")!,
        isSampled: true)

    @Test("formats version 00")
    func format() {
        #expect(TraceParent.format(context) == "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
        let unsampled = SpanContext(traceID: context.traceID, spanID: context.spanID, isSampled: false)
        #expect(TraceParent.format(unsampled) == "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00")
    }

    @Test("parses valid headers, keeping tracestate")
    func parseValid() throws {
        let parsed = try #require(
            TraceParent.parse("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", traceState: "congo=t61rcWkgMzE"))
        #expect(parsed.traceID == context.traceID)
        #expect(parsed.spanID == context.spanID)
        #expect(parsed.isSampled)
        #expect(parsed.isRemote)
        #expect(parsed.traceState == "congo=t61rcWkgMzE")
        let future = try #require(TraceParent.parse("01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00-extra"))
        #expect(!future.isSampled)
    }

    @Test(
        "rejects malformed headers",
        arguments: [
            "", "00", "garbage", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra",
            "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
            "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",
            "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",
            "00-4bf92f3577b34da6a3ce929d0e0e473-00f067aa0ba902b7-01",
            "00_4bf92f3577b34da6a3ce929d0e0e4736_00f067aa0ba902b7_01",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-0g",
            "01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01x",
        ])
    func parseInvalid(header: String) {
        #expect(TraceParent.parse(header) == nil)
    }
}
