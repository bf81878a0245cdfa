import Foundation
#if canImport(Glibc)
import Glibc
#endif
import NoveumTrace
import NoveumTraceOTLP
import NoveumTraceTestSupport
import SwiftProtobuf
import Testing

@Suite("OTLP exporter")
struct OTLPExporterTests {
    static func partialSuccessBody(rejected: Int64, message: String) throws -> [UInt8] {
        var response = Opentelemetry_Proto_Collector_Trace_V1_ExportTraceServiceResponse()
        response.partialSuccess.rejectedSpans = rejected
        response.partialSuccess.errorMessage = message
        return try response.serializedBytes()
    }

    @Test("protobuf request: method, URL, exact Content-Type, headers, body, timeout")
    func protobufRequest() async throws {
        let transport = StubTransport()
        let exporter = try OTLPExporter(
            .init(endpoint: "http://127.0.0.1:9/v1/traces", headers: ["x-api-key": "k", "Content-Type": "text/plain"], timeout: .seconds(3)),
            environment: [:], transport: transport)
        exporter.start(.standalone(project: "svc", environment: "prod"))
        let result = await exporter.export(Fixtures.all)
        #expect(result == .success)
        #expect(exporter.name == "otlp")
        let request = try #require(transport.requests.first)
        #expect(transport.requests.count == 1)
        #expect(request.method == "POST")
        #expect(request.url == "http://127.0.0.1:9/v1/traces")
        #expect(request.headers.map(\.name) == ["Content-Type", "User-Agent", "x-api-key"])
        #expect(request.headers.map(\.value) == ["application/x-protobuf", "noveum-trace-swift/\(NoveumTrace.version)", "k"])
        #expect(transport.timeouts == [.seconds(3)])
        let decoded = try PBRequest(serializedBytes: request.body)
        let resource = attributeList(decoded.resourceSpans[0].resource.attributes)
        #expect(resource["service.name"] == .string("svc"))
        #expect(resource["deployment.environment"] == .string("prod"))
        #expect(decoded.resourceSpans[0].scopeSpans[0].spans.count == 6)
    }

    @Test("JSON request: exact Content-Type and an OTLP/JSON body")
    func jsonRequest() async throws {
        let transport = StubTransport()
        let exporter = try OTLPExporter(.init(protocol: .httpJSON), environment: [:], transport: transport)
        let result = await exporter.export([Fixtures.client])
        #expect(result == .success)
        let request = try #require(transport.requests.first)
        #expect(request.url == "http://localhost:4318/v1/traces")
        #expect(request.headers[0].name == "Content-Type")
        #expect(request.headers[0].value == "application/json")
        let decoded = try OTLPJSONEncoderTests.decode(request.body)
        #expect(decoded.resourceSpans[0].scopeSpans[0].spans[0].name == "chat gpt-4")
        // Without start(_:) the exporter falls back to a standalone context's resource.
        #expect(attributeList(decoded.resourceSpans[0].resource.attributes)["service.name"] == .string("default"))
    }

    @Test("an empty batch sends nothing")
    func emptyBatch() async throws {
        let transport = StubTransport()
        let exporter = try OTLPExporter(.init(), environment: [:], transport: transport)
        #expect(await exporter.export([]) == .success)
        #expect(transport.requests.isEmpty)
    }

    @Test("a protobuf partial success counts the rejected spans as dropped (export failed)")
    func partialSuccessProtobuf() async throws {
        let body = try Self.partialSuccessBody(rejected: 2, message: "2 spans too old")
        let transport = StubTransport { _ in
            HTTPTransport.Response(status: 200, headers: ["content-type": "application/x-protobuf"], body: body)
        }
        let exporter = try OTLPExporter(.init(), environment: [:], transport: transport)
        let result = await exporter.export(Fixtures.all)
        #expect(result.dropped == [.exportFailed: 2])
    }

    @Test("a JSON partial success counts the rejected spans as dropped; more than sent is clamped")
    func partialSuccessJSON() async throws {
        let transport = StubTransport { _ in
            HTTPTransport.Response(
                status: 200, headers: ["Content-Type": "application/json"],
                body: Array(#"{"partialSuccess":{"rejectedSpans":"99","errorMessage":"quota"},"extra":1}"#.utf8))
        }
        let exporter = try OTLPExporter(.init(protocol: .httpJSON), environment: [:], transport: transport)
        #expect(await exporter.export(Fixtures.all).dropped == [.exportFailed: 6])

        let numeric = StubTransport { _ in
            HTTPTransport.Response(status: 200, body: Array(#"{"partialSuccess":{"rejectedSpans":1}}"#.utf8))
        }
        let jsonExporter = try OTLPExporter(.init(protocol: .httpJSON), environment: [:], transport: numeric)
        #expect(await jsonExporter.export(Fixtures.all).dropped == [.exportFailed: 1])
    }

    @Test("success bodies without rejected spans are success")
    func fullSuccess() async throws {
        let bodies: [(String, [UInt8])] = [
            ("application/x-protobuf", []),
            ("application/x-protobuf", try Self.partialSuccessBody(rejected: 0, message: "warning only")),
            ("application/json", Array("{}".utf8)),
            ("application/json", Array("not json".utf8)),
            ("text/plain", Array("ok".utf8)),
        ]
        for (contentType, body) in bodies {
            let transport = StubTransport { _ in HTTPTransport.Response(status: 200, headers: ["Content-Type": contentType], body: body) }
            let exporter = try OTLPExporter(.init(), environment: [:], transport: transport)
            #expect(await exporter.export(Fixtures.all) == .success)
        }
    }

    @Test("HTTP errors and unreachable endpoints drop the whole batch")
    func failures() async throws {
        let serverError = StubTransport { _ in HTTPTransport.Response(status: 503, body: Array("busy".utf8)) }
        #expect(await (try OTLPExporter(.init(), environment: [:], transport: serverError, retryPolicy: .none)).export(Fixtures.all).dropped == [.exportFailed: 6])
        let badRequest = StubTransport { _ in HTTPTransport.Response(status: 400) }
        #expect(await (try OTLPExporter(.init(), environment: [:], transport: badRequest)).export(Fixtures.all).dropped == [.exportFailed: 6])
        let tooLarge = StubTransport { _ in HTTPTransport.Response(status: 413) }
        #expect(await (try OTLPExporter(.init(), environment: [:], transport: tooLarge)).export(Fixtures.all).dropped == [.payloadTooLarge: 6])
        let unreachable = StubTransport { _ in throw StubTransport.Failure() }
        #expect(await (try OTLPExporter(.init(), environment: [:], transport: unreachable, retryPolicy: .none)).export(Fixtures.all).dropped == [.exportFailed: 6])
    }

    @Test("through a client: flush delivers, and rejected spans show in the stats")
    func throughClient() async throws {
        let body = try Self.partialSuccessBody(rejected: 1, message: "one rejected")
        let transport = StubTransport { _ in HTTPTransport.Response(status: 200, headers: ["Content-Type": "application/x-protobuf"], body: body) }
        let exporter = try OTLPExporter(.init(), environment: [:], transport: transport)
        let client = try NoveumClient(
            project: "stats", environment: "test", config: .init(scheduleDelay: .seconds(600), exporters: [exporter]))
        client.traceOperation("parent") { _ in
            client.traceOperation("child") { span in span.setStatus(.ok) }
        }
        let undelivered = await client.flush()
        #expect(undelivered == 1)
        #expect(client.stats.spansDropped == [.exportFailed: 1])
        let spans = try transport.requests.flatMap {
            try PBRequest(serializedBytes: $0.body).resourceSpans[0].scopeSpans[0].spans
        }
        #expect(Set(spans.map(\.name)) == ["parent", "child"])
        let resource = try attributeList(PBRequest(serializedBytes: transport.requests[0].body).resourceSpans[0].resource.attributes)
        #expect(resource["service.name"] == .string("stats"))
        await client.shutdown()
    }

    @Test("the built-in transport without retries: a refused connection drops the batch at once")
    func fallbackRefused() async throws {
        let port = Loopback.freePort()
        let exporter = try OTLPExporter(
            .init(endpoint: "http://127.0.0.1:\(port)/v1/traces"), environment: [:], retryPolicy: .none)
        let started = ContinuousClock.now
        #expect(await exporter.export(Fixtures.all).dropped == [.exportFailed: 6])
        #expect(ContinuousClock.now - started < .seconds(15))
    }

    @Test("the built-in transport without retries: an endpoint that never answers times out after the configured timeout")
    func fallbackTimeout() async throws {
        let listener = Loopback.silentListener()
        defer { close(listener.fd) }
        let exporter = try OTLPExporter(
            .init(endpoint: "http://127.0.0.1:\(listener.port)/v1/traces", timeout: .milliseconds(500)), environment: [:],
            retryPolicy: .none)
        let started = ContinuousClock.now
        #expect(await exporter.export(Fixtures.all).dropped == [.exportFailed: 6])
        let elapsed = ContinuousClock.now - started
        #expect(elapsed >= .milliseconds(400))
        #expect(elapsed < .seconds(10))
    }

    @Test("the built-in transport: cancelling the export cancels the request")
    func fallbackCancellation() async throws {
        let listener = Loopback.silentListener()
        defer { close(listener.fd) }
        let exporter = try OTLPExporter(
            .init(endpoint: "http://127.0.0.1:\(listener.port)/v1/traces", timeout: .seconds(60)), environment: [:])
        let started = ContinuousClock.now
        let task = Task { await exporter.export(Fixtures.all) }
        try await Task.sleep(for: .milliseconds(200))
        task.cancel()
        #expect(await task.value.dropped == [.exportFailed: 6])
        #expect(ContinuousClock.now - started < .seconds(10))
    }
}
