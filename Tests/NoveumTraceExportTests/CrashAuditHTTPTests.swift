import Foundation
import NoveumTraceTestSupport
import Testing

@testable import NoveumTrace

/// The sites of the crash audit (RELIABILITY.md, "Crash audit") on the HTTP export path: retry and backoff
/// arithmetic, `Retry-After` and request timeouts. Each is fed the exact value that used to trap.
@Suite("Crash audit: HTTP export never traps on backoff, Retry-After or timeouts")
struct CrashAuditHTTPTests {
    static let longestSleep = Duration.seconds(Int64(UInt32.max))

    /// `ceiling * 2` overflowed `Duration` when the policy's durations were near the largest one.
    @Test("backoff ceilings near the largest Duration stop at the maximum instead of overflowing")
    func hugeBackoff() {
        let policy = HTTPRetryPolicy(maxAttempts: 10, initialBackoff: .seconds(1e20), maxBackoff: .seconds(1.5e20))
        #expect(policy.backoffCeiling(beforeRetry: 1) == .seconds(1e20))
        #expect(policy.backoffCeiling(beforeRetry: 3) == .seconds(1.5e20))
        #expect(policy.delay(beforeRetry: 3, retryAfter: nil, unitRandom: 0.999) <= Self.longestSleep)
        // Valid policies keep their exact ceilings, including odd maxima reached by doubling.
        let odd = HTTPRetryPolicy(initialBackoff: .milliseconds(3), maxBackoff: .milliseconds(25))
        #expect(
            (1...6).map { odd.backoffCeiling(beforeRetry: $0) }
                == [3, 6, 12, 24, 25, 25].map { Duration.milliseconds($0) })
    }

    /// `Int64(wait * 1000)` trapped for a `nowSeconds` of -infinity or far in the past.
    @Test("Retry-After dates relative to a non-finite or extreme now saturate or count as past", arguments: [
        (-Double.infinity, Duration.seconds(Int64.max)),
        (-1e300, Duration.seconds(Int64.max)),
        (Double.nan, Duration.zero),
        (Double.infinity, Duration.zero),
    ])
    func retryAfterAgainstExtremeNow(now: Double, expected: Duration) {
        #expect(HTTPRetryPolicy.parseRetryAfter("Sun, 06 Nov 1994 08:49:37 GMT", nowSeconds: now) == expected)
    }

    @Test("a Retry-After beyond what a task can sleep is cut to UInt32.max seconds")
    func retryAfterBeyondSleep() {
        let policy = HTTPRetryPolicy(maxRetryAfter: .seconds(Int64.max))
        let parsed = HTTPRetryPolicy.parseRetryAfter("99999999999999999999", nowSeconds: 0)
        #expect(policy.delay(beforeRetry: 1, retryAfter: parsed, unitRandom: 0.5) == Self.longestSleep)
        #expect(policy.delay(beforeRetry: 1, retryAfter: .seconds(7), unitRandom: 0.5) == .seconds(7))
    }

    /// A server answering `503` with a `Retry-After` of 10^20 seconds to a policy that honours any wait: the
    /// sender slept for it, and `Task.sleep` trapped. Now it sleeps until the export timeout cancels it.
    @Test("a 503 with an endless Retry-After ends at the export timeout, not in a trap")
    func endlessRetryAfter() async throws {
        let transport = StubTransport(HTTPTransport.Response(status: 503, headers: ["Retry-After": "99999999999999999999"]))
        let exporter = NoveumExporter(
            transport: transport, retryPolicy: HTTPRetryPolicy(maxAttempts: 3, maxRetryAfter: .seconds(Int64.max)))
        var config = Configuration(
            scheduleDelay: .seconds(600), exportTimeout: .milliseconds(200), exporters: [exporter])
        config.logger.logLevel = .error
        let client = try NoveumClient(
            apiKey: "key", project: "p", environment: "test", endpoint: nil, serviceVersion: nil, config: config,
            processEnvironment: [:])
        client.startSpan(name: "span").end()
        #expect(await client.flush(timeout: .seconds(30)) == 1)
        #expect(client.stats.exporters[0].dropped == [.exportTimeout: 1])
        #expect(transport.requests.count == 1)
        await client.shutdown(timeout: .seconds(5))
    }

    /// The transport's own timer slept for the request timeout.
    @Test("URLSessionTransport with a request timeout of .seconds(Int64.max) fails a refused request normally")
    func foreverRequestTimeout() async throws {
        let refused = try RefusedPort()
        await #expect(throws: (any Error).self) {
            _ = try await URLSessionTransport().send(
                HTTPTransport.Request(url: "http://127.0.0.1:\(refused.port)/v1/traces", body: [1]), timeout: .seconds(Int64.max))
        }
    }
}

