import Testing

@testable import NoveumTrace

/// The fast paths of the JSON encoders' number, id and time writing, against the plain text they stand for.
@Suite("JSON writing")
struct JSONWritingTests {
    static func written(_ write: (inout ByteSink) -> Void) -> String {
        var sink = ByteSink(capacity: 64)
        write(&sink)
        return String(decoding: sink.bytes(), as: UTF8.self)
    }

    @Test("ids: 16 hex digits a word at a time, as the digit-by-digit form writes them")
    func hexWords() {
        var random = SplitMix64(seed: 41)
        var values: [UInt64] = [0, 1, 9, 10, 15, 0xA, 0x0123_4567_89AB_CDEF, 0xFEDC_BA98_7654_3210, .max, 1 << 63]
        values += (0..<64).map { UInt64(1) << $0 }
        values += (0..<10_000).map { _ in random.next() }
        for value in values {
            let plain = String(value, radix: 16)
            let expected = String(repeating: "0", count: 16 - plain.count) + plain
            #expect(Hex.string(value, width: 16) == expected)
            #expect(Self.written { $0.appendHex(value, width: 16) } == expected)
        }
        // Other widths keep the digit loop.
        #expect(Hex.string(0xAB, width: 2) == "ab" && Hex.string(0x1F, width: 4) == "001f")
    }

    @Test("duration_ms from the integer: the text Double's description gives, from 0 ns to UInt64.max")
    func millisecondsMatchDescription() {
        var random = SplitMix64(seed: 42)
        var values: [UInt64] = [
            0, 1, 5, 100, 999, 1_000, 1_001, 1_010, 1_500, 999_999, 1_000_000, 1_000_001, 1_500_000, 2_000_000,
            123_456_789, 1_000_000_000_000_000 - 1, 1_000_000_000_000_000, 1 << 53, .max,
        ]
        for digits in 3...19 {
            var bound: UInt64 = 1
            for _ in 0..<digits { bound = bound &* 10 }
            values += (0..<2_000).map { _ in random.next() % bound }
            // Round values: trailing zeros in the fraction, and none at all.
            values += (0..<200).map { _ in random.next() % bound / 1_000 * 1_000 }
        }
        for nanos in values {
            let expected = (Double(nanos) / 1_000_000).description
            #expect(Self.written { $0.milliseconds(nanos: nanos) } == expected, "\(nanos) ns")
        }
    }

    @Test("ISO 8601 times from a cache of the last second: every hit and miss as if written afresh")
    func isoTimesAcrossSeconds() {
        func reference(_ nanos: UInt64) -> String {
            let f = CivilTime.fields(fromSeconds: Int64(nanos / 1_000_000_000))
            func padded(_ value: Int, _ width: Int) -> String {
                let text = String(value)
                return String(repeating: "0", count: width - text.count) + text
            }
            return "\"\(padded(f.year, 4))-\(padded(f.month, 2))-\(padded(f.day, 2))T\(padded(f.hour, 2)):"
                + "\(padded(f.minute, 2)):\(padded(f.second, 2)).\(padded(Int(nanos % 1_000_000_000 / 1_000), 6))+00:00\""
        }
        var random = SplitMix64(seed: 43)
        let base: UInt64 = 1_795_750_786_000_000_000
        var times: [UInt64] = [0, 951_868_799_999_999_999, 951_868_800_000_000_000, .max, 4_102_444_800_000_001_000]
        for _ in 0..<5_000 {
            // Mostly the same or a neighbouring second, now and then far away, and back.
            switch random.next(below: 4) {
            case 0: times.append(random.next())
            case 1: times.append(times[times.count - 1])
            default: times.append(base + UInt64(random.next(below: 3_000_000)) * 1_000)
            }
        }
        var sink = ByteSink(capacity: 64)
        for nanos in times { sink.isoTime(nanos: nanos) }
        let expected = times.map(reference).joined()
        #expect(String(decoding: sink.bytes(), as: UTF8.self) == expected)
    }
}
