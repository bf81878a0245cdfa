import Foundation
import Logging
import NoveumTraceOTLP
import NoveumTraceTesting
import NoveumTraceTestSupport
import Testing

@testable import NoveumTrace

/// One way a backend can fail, and what the SDK must make of it.
struct Fault: Sendable, CustomTestStringConvertible {
    enum Target: Sendable {
        /// A server on loopback that behaves this way.
        case server(FaultServer.Behavior)
        /// A port on loopback where nothing listens.
        case refused
        /// A host name that does not resolve.
        case unresolvable
    }

    let name: String
    let target: Target
    /// The reasons spans may be dropped for (besides ``DropReason/shutdown`` at the shutdown deadline); empty when
    /// every span must be delivered.
    let reasons: Set<DropReason>

    var testDescription: String { name }

    static let all: [Fault] = [
        Fault(name: "connection refused", target: .refused, reasons: [.exportFailed]),
        Fault(name: "unresolvable host", target: .unresolvable, reasons: [.exportFailed, .exportTimeout]),
        Fault(name: "500", target: .server(.respond(status: 500)), reasons: [.exportFailed]),
        Fault(name: "502", target: .server(.respond(status: 502)), reasons: [.exportFailed]),
        Fault(name: "503", target: .server(.respond(status: 503)), reasons: [.exportFailed]),
        Fault(
            name: "503 with Retry-After", target: .server(.respond(status: 503, headers: ["Retry-After": "1"])),
            reasons: [.exportFailed]),
        Fault(name: "429", target: .server(.respond(status: 429)), reasons: [.exportFailed]),
        Fault(
            name: "429 with Retry-After", target: .server(.respond(status: 429, headers: ["Retry-After": "1"])),
            reasons: [.exportFailed]),
        Fault(name: "400", target: .server(.respond(status: 400)), reasons: [.exportFailed]),
        Fault(name: "401", target: .server(.respond(status: 401)), reasons: [.exportFailed]),
        // Splitting a batch down to single spans takes 2n-1 requests: a slow machine may hit the export timeout first.
        Fault(name: "413", target: .server(.respond(status: 413)), reasons: [.payloadTooLarge, .exportTimeout]),
        Fault(name: "closed mid-response", target: .server(.closeMidResponse), reasons: [.exportFailed]),
        Fault(name: "closed without an answer", target: .server(.closeWithoutAnswer), reasons: [.exportFailed]),
        Fault(name: "non-HTTP answer", target: .server(.garbage), reasons: [.exportFailed]),
        Fault(name: "answers after 60 s", target: .server(.answerAfter(seconds: 60)), reasons: [.exportTimeout]),
        Fault(
            name: "200 with a garbage body",
            target: .server(.respond(status: 200, headers: ["Content-Type": "application/json"], body: Array("{\"partialSuccess\": [[[\u{1}".utf8))),
            reasons: []),
        Fault(
            name: "200 with a garbage protobuf body",
            target: .server(.respond(status: 200, headers: ["Content-Type": "application/x-protobuf"], body: [0xFF, 0xFF, 0xFF, 0x0F, 0x0A])),
            reasons: []),
    ]
}

/// Which exporter sends to the faulty backend.
enum ExporterKind: String, Sendable, CaseIterable, CustomTestStringConvertible {
    case noveum
    case otlpProtobuf = "otlp-protobuf"
    case otlpJSON = "otlp-json"

    var testDescription: String { rawValue }

    /// Few attempts with tiny backoff, `Retry-After` capped at 200 ms: each case stays short.
    static let retryPolicy = HTTPRetryPolicy(
        maxAttempts: 3, initialBackoff: .milliseconds(1), maxBackoff: .milliseconds(5),
        maxRetryAfter: .milliseconds(200))

    func exporter(baseURL: String) throws -> any SpanExporter {
        switch self {
        case .noveum:
            return NoveumExporter(retryPolicy: Self.retryPolicy, requestTimeout: .seconds(5))
        case .otlpProtobuf, .otlpJSON:
            return try OTLPExporter(
                .init(
                    endpoint: baseURL + "/v1/traces", protocol: self == .otlpJSON ? .httpJSON : .httpProtobuf,
                    timeout: .seconds(5)),
                environment: [:], retryPolicy: Self.retryPolicy)
        }
    }
}

/// The work an application does while tracing: a little hashing inside each span, so that time spent in the SDK
/// on the caller's thread (which must not depend on the backend) is compared with real work.
func tracedWork(_ client: NoveumClient, spans: Int) -> Duration {
    let clock = ContinuousClock()
    let payload = [UInt8](repeating: 7, count: 4_096)
    return clock.measure {
        for i in 0..<spans {
            client.traceOperation("work") { span in
                var hash: UInt64 = 0xCBF2_9CE4_8422_2325
                for byte in payload { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01B3 }
                span.setAttributes(["i": i, "hash": Int(truncatingIfNeeded: hash)])
            }
        }
    }
}

/// A client with one exporter, reading no environment, exporting only when a batch fills, on flush and on
/// shutdown. The export timeout is short so that a backend that never answers costs each case only a second; the
/// healthy baseline passes a long one, so that a loaded machine cannot turn its exports into timeouts.
func faultClient(
    endpoint: String, exporter: any SpanExporter, apiKey: String = "test-key", logger: Logger? = nil,
    exportTimeout: Duration = .seconds(1)
) throws -> NoveumClient {
    var config = Configuration(
        batchSize: 50, asyncExport: true, maxQueueSize: 2_048, scheduleDelay: .seconds(600),
        exportTimeout: exportTimeout, exporters: [exporter])
    if let logger {
        config.logger = logger
    } else {
        config.logger.logLevel = .critical
    }
    return try NoveumClient(
        apiKey: apiKey, project: "reliability", environment: "ci", endpoint: endpoint, serviceVersion: nil,
        config: config, processEnvironment: [:])
}

@Suite("Fault injection: every backend failure, every exporter", .serialized)
struct FaultInjectionTests {
    static let spanCount = 200
    static let shutdownDeadline = Duration.seconds(3)

    @Test("the app is not slowed, nothing crashes, shutdown keeps its deadline, every span is accounted for",
          arguments: Fault.all, ExporterKind.allCases)
    func fault(_ fault: Fault, kind: ExporterKind) async throws {
        // Baseline: the same work against a healthy backend.
        let healthy = try FaultServer(.respond(status: 200))
        defer { healthy.stop() }
        let baselineClient = try faultClient(
            endpoint: healthy.baseURL + "/api", exporter: try kind.exporter(baseURL: healthy.baseURL),
            exportTimeout: .seconds(15))
        let baseline = tracedWork(baselineClient, spans: Self.spanCount)
        #expect(await baselineClient.shutdown(timeout: .seconds(20)) == 0)
        #expect(baselineClient.stats.spansExported == Self.spanCount)

        // The same work against the fault.
        var server: FaultServer?
        var refused: RefusedPort?
        let baseURL: String
        switch fault.target {
        case .server(let behavior):
            server = try FaultServer(behavior)
            baseURL = server!.baseURL
        case .refused:
            refused = try RefusedPort()
            baseURL = "http://127.0.0.1:\(refused!.port)"
        case .unresolvable:
            baseURL = "http://noveum-reliability-test.invalid"
        }
        defer {
            server?.stop()
            refused?.release()
        }
        let client = try faultClient(endpoint: baseURL + "/api", exporter: try kind.exporter(baseURL: baseURL))
        let faulty = tracedWork(client, spans: Self.spanCount)

        let clock = ContinuousClock()
        let started = clock.now
        let undelivered = await client.shutdown(timeout: Self.shutdownDeadline)
        let shutdownTime = clock.now - started

        // The caller's time does not depend on the backend (generous bound: the machine is shared).
        #expect(faulty < baseline * 5 + .milliseconds(300), "traced work: \(faulty) with the fault, \(baseline) without")
        // Shutdown keeps its deadline (plus scheduling slack).
        #expect(shutdownTime < Self.shutdownDeadline + .milliseconds(1_500), "shutdown took \(shutdownTime)")

        // Every span is exported, dropped with an expected reason, or still in flight and reported by shutdown.
        let stats = client.stats
        let exporter = stats.exporters[0]
        #expect(stats.spansStarted == Self.spanCount)
        #expect(stats.spansEnded == Self.spanCount)
        let accounted = exporter.exported + exporter.dropped.values.reduce(0, +) + exporter.buffered
        #expect(accounted == Self.spanCount)
        #expect(exporter.buffered <= undelivered)
        #expect(Set(exporter.dropped.keys).isSubset(of: fault.reasons.union([.shutdown])), "dropped: \(exporter.dropped)")
        if fault.reasons.isEmpty {
            #expect(exporter.exported == Self.spanCount)
            #expect(undelivered == 0)
        } else {
            #expect(exporter.exported == 0)
        }
        if case .server = fault.target { #expect((server?.requests ?? 0) > 0) }

        ReliabilitySummary.record(
            "faults", "\(fault.name) via \(kind.rawValue)", tried: Self.spanCount,
            lost: Self.spanCount - accounted,
            note: "work \(faulty.milliseconds) ms (healthy \(baseline.milliseconds) ms), shutdown \(shutdownTime.milliseconds) ms, dropped \(exporter.dropped)")
    }
}

extension Duration {
    /// Whole milliseconds, for messages.
    var milliseconds: Int64 { components.seconds * 1_000 + components.attoseconds / 1_000_000_000_000_000 }
}
