import Foundation
import NoveumTrace
import NoveumTraceTestSupport
import Testing

@Suite("gzip")
struct GzipTests {
    @Test("round trips empty, small and 1 MB inputs and writes the gzip format")
    func roundTrip() throws {
        var generator = SplitMix64(seed: 7)
        let random = (0..<1_000_000).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
        for input in [[], Array("hello, world".utf8), random, [UInt8](repeating: 65, count: 1_000_000)] {
            let compressed = try #require(Gzip.compress(input))
            #expect(compressed.prefix(3) == [0x1F, 0x8B, 0x08])  // gzip magic, deflate
            #expect(Gzip.decompress(compressed) == input)
        }
        #expect(try #require(Gzip.compress([UInt8](repeating: 65, count: 1_000_000))).count < 10_000)
    }

    @Test("rejects data that is not gzip, truncated, or larger than the limit")
    func rejectsBadInput() throws {
        #expect(Gzip.decompress(Array("not gzip".utf8)) == nil)
        let compressed = try #require(Gzip.compress(Array(repeating: 1, count: 10_000)))
        #expect(Gzip.decompress(Array(compressed.dropLast(12))) == nil)
        #expect(Gzip.decompress(compressed, limit: 9_999) == nil)
        #expect(Gzip.decompress(compressed, limit: 10_000)?.count == 10_000)
    }
}

@Suite("retry policy")
struct RetryPolicyTests {
    @Test("full-jitter backoff doubles from the initial value up to the maximum")
    func backoff() {
        let policy = HTTPRetryPolicy(maxAttempts: 10, initialBackoff: .seconds(1), maxBackoff: .seconds(30))
        #expect((1...7).map { policy.backoffCeiling(beforeRetry: $0) }
            == [.seconds(1), .seconds(2), .seconds(4), .seconds(8), .seconds(16), .seconds(30), .seconds(30)])
        #expect(policy.delay(beforeRetry: 3, retryAfter: nil, unitRandom: 0) == .zero)
        #expect(policy.delay(beforeRetry: 3, retryAfter: nil, unitRandom: 0.5) == .seconds(2))
        #expect(policy.delay(beforeRetry: 1_000, retryAfter: nil, unitRandom: 0.999) <= .seconds(30))
        for _ in 0..<100 {
            let delay = policy.delay(beforeRetry: 2, retryAfter: nil, unitRandom: Double.random(in: 0..<1))
            #expect(delay >= .zero && delay < .seconds(2))
        }
    }

    @Test("Retry-After wins over backoff and is capped")
    func retryAfterWins() {
        let policy = HTTPRetryPolicy(initialBackoff: .seconds(1), maxRetryAfter: .seconds(60))
        #expect(policy.delay(beforeRetry: 1, retryAfter: .seconds(7), unitRandom: 0.9) == .seconds(7))
        #expect(policy.delay(beforeRetry: 1, retryAfter: .seconds(3_600), unitRandom: 0.9) == .seconds(60))
    }

    @Test("Retry-After parses seconds and HTTP dates", arguments: [
        ("120", Duration.seconds(120)),
        ("0", Duration.zero),
        (" 5 ", Duration.seconds(5)),
        ("99999999999999999999999", Duration.seconds(Int64.max)),
        // 1994-11-06T08:49:37Z is 784111777; "now" below is 10 s earlier.
        ("Sun, 06 Nov 1994 08:49:37 GMT", Duration.seconds(10)),
        ("Sunday, 06-Nov-94 08:49:37 GMT", Duration.seconds(10)),
        ("Sun Nov  6 08:49:37 1994", Duration.seconds(10)),
        ("Sat, 05 Nov 1994 08:49:37 GMT", Duration.zero),
    ])
    func parseRetryAfter(value: String, expected: Duration) {
        #expect(HTTPRetryPolicy.parseRetryAfter(value, nowSeconds: 784_111_767) == expected)
    }

    @Test("invalid Retry-After values are ignored", arguments: ["", "soon", "-5", "1.5", "Sun, 32 Nov 1994 08:49:37 GMT"])
    func invalidRetryAfter(value: String) {
        #expect(HTTPRetryPolicy.parseRetryAfter(value, nowSeconds: 0) == nil)
    }

    @Test("attempts below one mean one attempt")
    func clamps() {
        #expect(HTTPRetryPolicy(maxAttempts: 0).maxAttempts == 1)
        #expect(HTTPRetryPolicy.none.maxAttempts == 1)
    }
}
