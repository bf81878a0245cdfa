import Foundation
@testable import NoveumTrace
import Testing

/// The exporters' gzip writer, read back by zlib (Python reads it in the export tests, `GzipPythonTests`).
///
/// Serialized: its tests compress megabytes, slow in a debug build, and would otherwise hold every thread of the
/// test run's pool at once on a two-core machine, stalling the tests that bound a wait.
@Suite("gzip writer", .serialized)
struct GzipWriterTests {
    /// A Noveum JSON body of `count` LLM spans, each its own trace, as the exporter sends them.
    static func exportBody(spans count: Int, seed: UInt64 = 11) -> [UInt8] {
        var generator = SplitMix64(seed: seed)
        let start: UInt64 = 1_795_750_786_000_000_000
        let spans = (0..<count).map { index in
            let begin = start + UInt64(index) * 7_000
            return SpanData(
                context: SpanContext(
                    traceID: TraceID(high: generator.next() | 1, low: generator.next()),
                    spanID: SpanID(rawValue: generator.next() | 1), isSampled: true),
                parentSpanID: nil, name: "chat gpt-4o", kind: .client, startTimeNanos: begin,
                endTimeNanos: begin + 150_000 + UInt64(generator.next(below: 40_000)), status: .ok,
                attributes: [
                    "llm.model": "gpt-4o", "llm.provider": "openai", "gen_ai.operation.name": "chat",
                    "llm.input_tokens": .int(Int64(generator.next(below: 4_000))), "llm.output_tokens": 300,
                    "llm.total_tokens": 1500, "llm.cost.total": 0.0105, "llm.finish_reason": "stop",
                ])
        }
        let encoder = NoveumJSONEncoder(
            project: "gzip", environment: "test", resource: Resource(attributes: ["service.name": "gzip-test"]))
        return encoder.encode(spans, timestampNanos: start)
    }

    /// Inputs that reach every path: nothing, fewer bytes than a match, long runs (matches at distance 1 and 2 of
    /// the longest length), bytes that do not compress (stored blocks), bytes above 143 (9-bit fixed codes), blocks
    /// that end at the token limit, and export bodies.
    static let inputs: [(name: String, bytes: [UInt8])] = {
        var generator = SplitMix64(seed: 3)
        func random(_ count: Int) -> [UInt8] { generator.bytes(count) }
        let hex = Array("0123456789abcdef".utf8)
        var mixed: [UInt8] = []
        while mixed.count < 400_000 {
            mixed += random(generator.next(below: 60))
            mixed += Array(repeating: Array("hello, world ".utf8), count: generator.next(below: 30)).joined()
        }
        let body = exportBody(spans: 512)
        return [
            ("empty", []), ("one byte", [7]), ("three bytes", Array("abc".utf8)), ("four bytes", Array("abcd".utf8)),
            ("five bytes", Array("abcda".utf8)), ("zeros", [UInt8](repeating: 0, count: 1_000_000)),
            ("two-byte repeat", Array(repeating: Array("ab".utf8), count: 300_000).joined().map { $0 }),
            ("random", random(100_000)), ("random, short", random(100)),
            ("high bytes", (0..<5_000).map { _ in UInt8(128 + generator.next(below: 128)) }),
            ("hex digits", (0..<100_000).map { _ in hex[generator.next(below: 16)] }),
            ("random and repeats, many blocks", mixed), ("export body", body),
            ("export body six times", Array(repeating: body, count: 6).joined().map { $0 }),
        ]
    }()

    @Test("zlib inflates every input back to its bytes, in standard gzip")
    func zlibReadsIt() throws {
        for (name, input) in Self.inputs {
            let compressed = try #require(GzipWriter.compress(input), "\(name)")
            #expect(compressed.prefix(4) == [0x1F, 0x8B, 0x08, 0x00], "\(name): gzip magic, deflate, no flags")
            #expect(Gzip.decompress(compressed) == input, "\(name)")
        }
    }

    @Test("a random mix of lengths, alphabets and repeats round trips (800 inputs)")
    func randomInputsRoundTrip() throws {
        var generator = SplitMix64(seed: 29)
        for round in 0..<800 {
            let alphabet = generator.next(below: 256) + 1
            var input: [UInt8] = []
            let target = generator.next(below: 6_000)
            while input.count < target {
                if generator.next(below: 3) == 0, input.count > 4 {
                    // A repeat of earlier input, at a distance up to the whole input.
                    let from = generator.next(below: input.count)
                    let length = min(generator.next(below: 300), input.count - from)
                    input += input[from..<(from + length)]
                } else {
                    input.append(UInt8(generator.next(below: alphabet)))
                }
            }
            let compressed = try #require(GzipWriter.compress(input))
            #expect(Gzip.decompress(compressed) == input, "round \(round), \(input.count) bytes")
        }
    }

    @Test("the CRC-32 in the trailer is right for every length up to 400 bytes")
    func checkValueEveryLength() throws {
        // On x86-64 Linux the CRC is folded 64 bytes at a time by carry-less multiplication, the rest by zlib: these
        // lengths reach below, at and above the fold, with each remainder of 16. zlib's inflate checks the trailer.
        var generator = SplitMix64(seed: 41)
        let buffer = generator.bytes(404)
        for offset in 0..<4 {
            for length in 0...400 {
                let input = Array(buffer[offset..<(offset + length)])
                let compressed = try #require(GzipWriter.compress(input))
                #expect(Gzip.decompress(compressed) == input, "\(length) bytes from \(offset)")
            }
        }
    }

    @Test("never larger than the input by more than 5 bytes per 16 KiB and the gzip framing")
    func bounded() throws {
        for (name, input) in Self.inputs {
            let compressed = try #require(GzipWriter.compress(input))
            #expect(compressed.count <= input.count + 6 * (input.count / 16_384 + 2) + 18, "\(name)")
        }
        var generator = SplitMix64(seed: 5)
        let random = generator.bytes(1_000_000)
        // Stored blocks, one per 32,768 literals (a block's worth of tokens): 5 bytes each, then the header and
        // trailer.
        #expect(try #require(GzipWriter.compress(random)).count == random.count + 5 * (random.count / 32_768 + 1) + 18)
    }

    @Test("an export body compresses at least as well as zlib's fastest level, within 10%")
    func compressesExportBodies() throws {
        let body = Self.exportBody(spans: 512)
        let ours = try #require(GzipWriter.compress(body))
        let zlib = try #require(Gzip.compress(body, level: 1))
        #expect(Double(ours.count) <= Double(zlib.count) * 1.1, "ours \(ours.count) bytes, zlib \(zlib.count)")
        #expect(ours.count * 10 < body.count)
    }
}
