import Foundation
import Logging
import NoveumTraceOTLP
import NoveumTraceTestSupport
import NoveumTraceTesting
import Testing

@testable import NoveumTrace

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A key no pattern would recognise, so only the SDK's own care keeps it out of logs and payloads.
private let distinctiveKey = "nvk-RELIABILITY-7f3a9c0e51d24b8e-KEY"
/// A password carried in endpoint URLs.
private let urlPassword = "pw-RELIABILITY-44b1e0"

@Suite("Security: secrets stay out of logs, errors, descriptions and payloads", .serialized)
struct SecurityTests {
    @Test("the API key is sent only in the Authorization header: never in logs, descriptions, stats or bodies")
    func apiKeyNeverLeaks() async throws {
        let logs = LogCapture()
        // Refused first (401), then failing (500), then accepted: every warning path runs.
        try await withCaptureServer(script: { index, _ in
            index == 0 ? .status(401) : index < 3 ? .status(500, headers: ["Retry-After": "0"]) : .status(200)
        }) { noveumServer in
            try await withCaptureServer { otlpServer in
                var config = Configuration(
                    batchSize: 5, maxQueueSize: 100, scheduleDelay: .seconds(600), exportTimeout: .seconds(10),
                    exporters: [
                        NoveumExporter(retryPolicy: fastRetries, requestTimeout: .seconds(5)),
                        try OTLPExporter(
                            .init(
                                endpoint: "http://127.0.0.1:\(otlpServer.port)/v1/traces",
                                headers: ["x-api-key": distinctiveKey]),
                            environment: [:], retryPolicy: fastRetries),
                        InMemoryExporter(),
                    ])
                config.logger = logs.logger
                let client = try NoveumClient(
                    apiKey: distinctiveKey, project: "security", environment: "ci", endpoint: noveumServer.endpoint,
                    serviceVersion: nil, config: config, processEnvironment: [:])
                for i in 0..<20 {
                    client.traceLLM(model: "gpt-4o", provider: "openai") { span in
                        span.setAttribute("i", i)
                        span.recordException(ValueError())
                    }
                }
                await client.flush()
                await client.shutdown()

                var produced: [String] = logs.all.map(\.text)
                produced.append(String(describing: client))
                produced.append(String(describing: client.settings))
                produced.append(String(reflecting: client.settings))
                produced.append(String(describing: client.stats))
                produced.append(String(describing: client.configuration.exporters ?? []))
                // Errors raised while a key is configured.
                for endpoint in ["ftp://example.com", "http://", "https://example.com:0"] {
                    do {
                        _ = try NoveumClient(
                            apiKey: distinctiveKey, project: "p", environment: nil, endpoint: endpoint,
                            serviceVersion: nil, config: Configuration(exporters: []), processEnvironment: [:])
                    } catch {
                        produced.append(String(describing: error))
                        produced.append(String(reflecting: error))
                    }
                }
                for request in noveumServer.requests + otlpServer.requests {
                    produced.append(String(decoding: request.body ?? request.rawBody, as: UTF8.self))
                    produced.append(request.path)
                    for (name, value) in request.headers where name != "authorization" && name != "x-api-key" {
                        produced.append("\(name): \(value)")
                    }
                }
                for text in produced {
                    #expect(!text.contains(distinctiveKey), "the key leaked: \(text.prefix(300))")
                    #expect(!text.contains(String(distinctiveKey.dropFirst(4).prefix(20))))
                }
                // It did go where it belongs.
                #expect(noveumServer.requests.first?.headers["authorization"] == "Bearer \(distinctiveKey)")
                #expect(otlpServer.requests.first?.headers["x-api-key"] == distinctiveKey)
                #expect(!logs.all.isEmpty)  // the failures were logged, without the key
                ReliabilitySummary.record(
                    "security", "API key in \(produced.count) logs, descriptions, errors and bodies", tried: produced.count,
                    lost: 0)
            }
        }
    }

    @Test("a password in an endpoint URL is masked in descriptions, configuration errors and logs")
    func urlCredentialsMasked() async throws {
        let logs = LogCapture()
        let refused = try RefusedPort()
        defer { refused.release() }
        let endpoint = "http://user:\(urlPassword)@127.0.0.1:\(refused.port)/api"
        var config = Configuration(
            batchSize: 5, maxQueueSize: 100, scheduleDelay: .seconds(600), exportTimeout: .seconds(10),
            exporters: [
                NoveumExporter(retryPolicy: .none),
                try OTLPExporter(.init(endpoint: endpoint + "/v1/traces?token=\(urlPassword)"), environment: [:], retryPolicy: .none),
            ])
        config.logger = logs.logger
        let client = try NoveumClient(
            apiKey: "k", project: "security", environment: "ci", endpoint: endpoint, serviceVersion: nil, config: config,
            processEnvironment: [:])
        for _ in 0..<5 { client.traceOperation("op") { _ in } }
        await client.flush()
        await client.shutdown()
        var produced = logs.all.map(\.text)
        produced.append(String(describing: client))
        produced.append(String(describing: client.settings))
        let otlp = try OTLPExporter(.init(endpoint: endpoint + "/v1/traces?token=\(urlPassword)"), environment: [:])
        produced.append(String(describing: otlp.settings))
        for bad in [
            "ftp://user:\(urlPassword)@example.com", "http://user:\(urlPassword)@example.com:99999/api",
            "http://user:\(urlPassword)@:80/api", "http://user:\(urlPassword)@exa mple.com/api",
        ] {
            do {
                _ = try NoveumClient(
                    apiKey: nil, project: "p", environment: nil, endpoint: bad, serviceVersion: nil,
                    config: Configuration(exporters: []), processEnvironment: [:])
                Issue.record("accepted \(bad)")
            } catch {
                produced.append(String(describing: error))
            }
            do {
                _ = try OTLPExporter(.init(endpoint: bad), environment: [:])
                Issue.record("accepted \(bad)")
            } catch {
                produced.append(String(describing: error))
            }
        }
        #expect(logs.all.count > 0)
        for text in produced {
            #expect(!text.contains(urlPassword), "the password leaked: \(text.prefix(300))")
        }
        ReliabilitySummary.record("security", "URL credentials in \(produced.count) texts", tried: produced.count, lost: 0)
    }

    @Test("secrets in attributes, events, status and exception messages are redacted before every exporter")
    func redactionBeforeEveryExporter() async throws {
        let secrets = [
            "sk-proj-ABCDEFGHIJKLMNOPQRSTUVWXyz0123456789", "AKIAIOSFODNN7EXAMPLE", "ghp_0123456789abcdefghijABCDEFGHIJ012345",
            "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl", "jane.doe@example.com",
        ]
        try await withCaptureServer { noveumServer in
            try await withCaptureServer { otlpServer in
                let memory = InMemoryExporter()
                let config = Configuration(
                    batchSize: 50, maxQueueSize: 100, scheduleDelay: .seconds(600),
                    exporters: [
                        NoveumExporter(retryPolicy: .none), memory,
                        try OTLPExporter(.init(endpoint: "http://127.0.0.1:\(otlpServer.port)/v1/traces", protocol: .httpJSON), environment: [:]),
                        try OTLPExporter(.init(endpoint: "http://127.0.0.1:\(otlpServer.port)/v1/traces"), environment: [:]),
                    ])
                let client = try NoveumClient(
                    apiKey: "k", project: "security", environment: "ci", endpoint: noveumServer.endpoint,
                    serviceVersion: nil, config: config, processEnvironment: [:])
                client.traceOperation("leaky") { span in
                    span.setAttributes([
                        "openai.key": secrets[0], "aws": "key=\(secrets[1])", "note": "token \(secrets[2]) here",
                        "auth": "Bearer \(secrets[3])", "user.email": secrets[4], "list": [secrets[0], "fine"],
                    ])
                    span.addEvent("login", attributes: ["who": secrets[4], "auth": "Bearer \(secrets[3])"])
                    span.setStatus(.error, "failed for \(secrets[4]) with \(secrets[0])")
                    span.recordException(SecretError(message: "bad key \(secrets[0])"))
                }
                #expect(await client.flush() == 0)
                await client.shutdown()
                var outputs: [String] = []
                for span in memory.spans { outputs.append(String(describing: span)) }
                for request in noveumServer.requests + otlpServer.requests {
                    outputs.append(String(decoding: request.body ?? [], as: UTF8.self))
                }
                #expect(noveumServer.requests.count == 1)
                #expect(otlpServer.requests.count == 2)
                #expect(outputs.count == 4)
                for output in outputs {
                    for secret in secrets {
                        #expect(!output.contains(secret), "\(secret) reached an exporter")
                    }
                }
                #expect(outputs.allSatisfy { $0.contains("REDACTED") })
                ReliabilitySummary.record("security", "secrets through 4 exporters", tried: secrets.count * 4, lost: 0)
            }
        }
    }

    @Test("TLS certificates are verified by default: a self-signed server is refused before the body is sent")
    func tlsVerifiedByDefault() async throws {
        let server = try SelfSignedTLSServer()
        defer { server.stop() }
        let transport = URLSessionTransport()
        let request = HTTPTransport.Request(
            method: "POST", url: "https://127.0.0.1:\(server.port)/api/v1/traces",
            headers: [("Authorization", "Bearer \(distinctiveKey)")], body: Array("{}".utf8))
        await #expect(throws: (any Error).self) {
            _ = try await transport.send(request, timeout: .seconds(10))
        }
        // The exporter's default transport: same verdict, counted as a failed export, the key not sent in clear.
        let client = try NoveumClient(
            apiKey: distinctiveKey, project: "tls", environment: nil, endpoint: "https://127.0.0.1:\(server.port)/api",
            serviceVersion: nil,
            config: {
                var config = Configuration(
                    batchSize: 10, scheduleDelay: .seconds(600),
                    exporters: [NoveumExporter(retryPolicy: .none)])
                config.logger.logLevel = .critical
                return config
            }(), processEnvironment: [:])
        client.traceOperation("over tls") { _ in }
        #expect(await client.flush() == 1)
        #expect(client.stats.exporters[0].dropped == [.exportFailed: 1])
        await client.shutdown()
        #expect(!server.output.contains(distinctiveKey))
        ReliabilitySummary.record("security", "self-signed TLS refused", tried: 2, lost: 0)
    }
}

private struct SecretError: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}

/// `openssl s_server` with a fresh self-signed certificate on a free loopback port.
final class SelfSignedTLSServer {
    let port: Int
    private let server: ServerProcess
    private let folder: URL

    init() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("noveum-tls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let key = folder.appendingPathComponent("key.pem").path
        let cert = folder.appendingPathComponent("cert.pem").path
        let generated = Loopback.run("openssl", [
            "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=127.0.0.1", "-days", "1",
            "-keyout", key, "-out", cert,
        ])
        guard generated == 0 else { throw ServerError.openssl }
        let probe = try RefusedPort()
        port = probe.port
        probe.release()
        server = try ServerProcess(
            executable: "openssl",
            arguments: ["s_server", "-accept", "127.0.0.1:\(port)", "-cert", cert, "-key", key, "-www", "-quiet"])
        // Ready when the port accepts connections.
        for _ in 0..<200 {
            if Loopback.canConnect(port) { return }
            Thread.sleep(forTimeInterval: 0.05)
        }
        server.stop()
        throw ServerError.notReady
    }

    enum ServerError: Error { case notReady, openssl }

    /// What the server printed (it logs request lines it could read).
    var output: String { server.output }

    /// Kills the server (SIGKILL: the child inherits the test process's blocked signals, SIGTERM included).
    func stop() {
        server.stop()
        try? FileManager.default.removeItem(at: folder)
    }
}
