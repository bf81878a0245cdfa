import Foundation
import MCP
@testable import NoveumTrace
import NoveumTraceMCP
import NoveumTraceTestSupport
import NoveumTraceTesting
import Testing
import Tracing

#if canImport(System)
    import System
#else
    import SystemPackage
#endif

/// The Python interpreter of the venv `Scripts/mcp-python.sh` makes (the official `mcp` 2.3.0 SDK and
/// OpenTelemetry), from `NOVEUM_MCP_PYTHON`; `.ci/run` sets it.
let mcpPython = ProcessInfo.processInfo.environment["NOVEUM_MCP_PYTHON"]

/// An OTLP/HTTP receiver (`Scripts/python/mcp_otlp_sink.py`) writing each span it gets as a JSON line.
final class SpanSink: Sendable {
    let server: ServerProcess
    let file: URL
    let endpoint: String

    init(python: String) async throws {
        file = FileManager.default.temporaryDirectory.appendingPathComponent("mcp-spans-\(UUID().uuidString).jsonl")
        let script = Loopback.packageRoot.appendingPathComponent("Scripts/python/mcp_otlp_sink.py").path
        server = try ServerProcess(executable: python, arguments: [script, "0", file.path])
        let output = server
        let port = await Loopback.poll(timeout: .seconds(30)) { () -> Int? in
            output.output.split(separator: "\n").first { $0.hasPrefix("PORT ") }.flatMap { Int($0.dropFirst(5)) }
        }
        endpoint = "http://127.0.0.1:\(try #require(port))"
    }

    /// The spans received so far.
    var spans: [[String: Any]] {
        guard let data = try? Data(contentsOf: file) else { return [] }
        return data.split(separator: UInt8(ascii: "\n")).compactMap {
            (try? JSONSerialization.jsonObject(with: Data($0))) as? [String: Any]
        }
    }

    /// The spans, waiting until one named `name` of `kind` arrived (the peer exports in the background).
    func spans(waitingFor name: String, kind: String) async -> [[String: Any]] {
        await Loopback.poll(timeout: .seconds(30)) { () -> [[String: Any]]? in
            let spans = self.spans
            return spans.contains { $0["name"] as? String == name && $0["kind"] as? String == kind } ? spans : nil
        } ?? spans
    }

    deinit {
        server.stop()
        try? FileManager.default.removeItem(at: file)
    }
}

extension [[String: Any]] {
    func one(_ name: String, kind: String) throws -> [String: Any] {
        let matches = filter { $0["name"] as? String == name && $0["kind"] as? String == kind }
        try #require(matches.count == 1, "\(matches.count) spans \(name) \(kind): \(map { $0["name"] ?? "" })")
        return matches[0]
    }

    /// The spans as a tree, one line each: name, kind, service.
    func tree(traceID: String) -> String {
        let spans = filter { $0["trace_id"] as? String == traceID }
        let ids = Set(spans.compactMap { $0["span_id"] as? String })
        var lines: [String] = []
        func walk(_ parent: String, depth: Int) {
            let children = spans.filter { ($0["parent_span_id"] as? String ?? "") == parent }
                .sorted { ($0["start_time_unix_nano"] as? Int ?? 0) < ($1["start_time_unix_nano"] as? Int ?? 0) }
            for span in children {
                let kind = (span["kind"] as? String ?? "").replacingOccurrences(of: "SPAN_KIND_", with: "").lowercased()
                let status = (span["status_code"] as? String ?? "").replacingOccurrences(of: "STATUS_CODE_", with: "")
                lines.append(
                    String(repeating: "   ", count: depth)
                        + "└─ \(span["name"] ?? "")  [\(kind), \(span["service_name"] ?? ""), \(status.lowercased())]")
                walk(span["span_id"] as? String ?? "", depth: depth + 1)
            }
        }
        for root in spans where !ids.contains(root["parent_span_id"] as? String ?? "") {
            walk(root["parent_span_id"] as? String ?? "", depth: 0)
            break
        }
        return lines.joined(separator: "\n")
    }
}

/// Starts `command` with its stdin and stdout as an MCP stdio transport and connects a traced client to it;
/// `stop` disconnects, closes the child's stdin and waits for it to exit.
func connectOverStdio(
    to command: [String], tracer: NoveumClient, options: MCPTraceOptions = MCPTraceOptions(),
    environment: [String: String] = [:]
) async throws -> (Client, @Sendable () async -> Void) {
    // A write to a server that already exited must fail with EPIPE, not end the test process: the MCP SDK's
    // stdio transport leaves SIGPIPE to the app, as the DocC article says.
    signal(SIGPIPE, SIG_IGN)
    let child = Process()
    child.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    child.arguments = command
    child.environment = ProcessInfo.processInfo.environment.merging(environment) { _, given in given }
    let toServer = Pipe()
    let fromServer = Pipe()
    child.standardInput = toServer
    child.standardOutput = fromServer
    try child.run()
    let transport = StdioTransport(
        input: FileDescriptor(rawValue: fromServer.fileHandleForReading.fileDescriptor),
        output: FileDescriptor(rawValue: toServer.fileHandleForWriting.fileDescriptor))
    var options = options
    options.client = tracer
    let client = Client(name: "swift-agent", version: "1.0")
    let stop: @Sendable () async -> Void = {
        await client.disconnect()
        // Closing its stdin ends an MCP server; a process that does not read it is killed after 5 seconds.
        try? toServer.fileHandleForWriting.close()
        _ = await Loopback.poll(timeout: .seconds(5)) { child.isRunning ? nil : true }
        if child.isRunning { kill(child.processIdentifier, SIGKILL) }
        child.waitUntilExit()
    }
    do {
        _ = try await client.connect(transport: TracedTransport(transport, options: options))
    } catch {
        await stop()
        throw error
    }
    return (client, stop)
}

@Suite("MCP across languages: the official Python SDK over stdio", .enabled(if: mcpPython != nil))
struct CrossLanguageTests {
    let peer = Loopback.packageRoot.appendingPathComponent("Scripts/python/mcp_peer.py").path

    @Test("a Swift client calling a Python server: the Python server span is the child of our client span")
    func swiftClientPythonServer() async throws {
        let python = try #require(mcpPython)
        let sink = try await SpanSink(python: python)
        let (tracer, exporter) = try makeTracer(OTLPExporter(.init(endpoint: sink.endpoint + "/v1/traces"), environment: [:]))

        let (client, stop) = try await connectOverStdio(
            to: [python, peer, "server"], tracer: tracer,
            environment: ["OTEL_EXPORTER_OTLP_ENDPOINT": sink.endpoint, "OTEL_SERVICE_NAME": "python-mcp-server"])
        let traceID = try await tracer.traceAgent("swift_agent") { span in
            let weather = try await client.callTool(name: "get_weather", arguments: ["city": "Paris"])
            #expect(weather.isError != true)
            let failed = try await client.callTool(name: "fail_tool")
            #expect(failed.isError == true)
            return span.spanContext.traceID.description
        }
        await stop()
        _ = await tracer.flush()

        let ours = exporter.spans
        let call = try #require(ours.first { $0.name == "tools/call get_weather" && $0.kind == .client })
        #expect(call.attributes["network.transport"] == "pipe")
        let failedCall = try #require(ours.first { $0.name == "tools/call fail_tool" && $0.kind == .client })
        #expect(failedCall.attributes["error.type"] == "tool_error")

        let spans = await sink.spans(waitingFor: "tools/call fail_tool", kind: "SPAN_KIND_SERVER")
        let server = try spans.one("tools/call get_weather", kind: "SPAN_KIND_SERVER")
        #expect(server["trace_id"] as? String == traceID)
        #expect(server["parent_span_id"] as? String == call.spanID.description)
        let attributes = try #require(server["attributes"] as? [String: Any])
        #expect(attributes["mcp.method.name"] as? String == "tools/call")
        #expect(attributes["gen_ai.tool.name"] as? String == "get_weather")
        #expect(attributes["jsonrpc.request.id"] as? String == call.attributes["jsonrpc.request.id"]?.stringValue)
        let pythonFailed = try spans.one("tools/call fail_tool", kind: "SPAN_KIND_SERVER")
        #expect(pythonFailed["parent_span_id"] as? String == failedCall.spanID.description)
        #expect((pythonFailed["attributes"] as? [String: Any])?["error.type"] as? String == "tool_error")
        print("Swift client → Python server, trace \(traceID):\n" + spans.tree(traceID: traceID))
    }

    @Test("a Python client calling a Swift server: our server span continues the Python client's trace")
    func pythonClientSwiftServer() async throws {
        let python = try #require(mcpPython)
        let sink = try await SpanSink(python: python)
        let example = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
            .appendingPathComponent("noveum-mcp-example").path
        try #require(FileManager.default.isExecutableFile(atPath: example), "build noveum-mcp-example first")

        let client = Process()
        client.executableURL = URL(fileURLWithPath: python)
        client.arguments = [peer, "client", "--", example, "server"]
        var environment = ProcessInfo.processInfo.environment
        environment["OTEL_EXPORTER_OTLP_ENDPOINT"] = sink.endpoint
        environment["OTEL_SERVICE_NAME"] = "python-mcp-client"
        environment["MCP_PEER_SERVER_SERVICE_NAME"] = "swift-mcp-server"
        client.environment = environment
        let output = Pipe()
        client.standardOutput = output
        try client.run()
        let printed = output.fileHandleForReading.readDataToEndOfFile()
        client.waitUntilExit()
        #expect(client.terminationStatus == 0)
        let lines = printed.split(separator: UInt8(ascii: "\n")).compactMap {
            (try? JSONSerialization.jsonObject(with: Data($0))) as? [String: Any]
        }
        let traceID = try #require(lines.compactMap { $0["trace_id"] as? String }.first)
        #expect(lines.first { $0["call"] as? String == "get_weather" }?["text"] as? String == "Sunny in Paris, 21 °C.")

        let spans = await sink.spans(waitingFor: "chat gpt-5.4-mini", kind: "SPAN_KIND_CLIENT")
        let pythonCall = try spans.one("MCP send tools/call get_weather", kind: "SPAN_KIND_CLIENT")
        let server = try spans.one("tools/call get_weather", kind: "SPAN_KIND_SERVER")
        #expect(server["trace_id"] as? String == traceID)
        #expect(server["parent_span_id"] as? String == pythonCall["span_id"] as? String)
        let attributes = try #require(server["attributes"] as? [String: Any])
        #expect(attributes["mcp.method.name"] as? String == "tools/call")
        #expect(attributes["gen_ai.tool.name"] as? String == "get_weather")
        #expect(attributes["gen_ai.operation.name"] as? String == "execute_tool")
        #expect(attributes["network.transport"] as? String == "pipe")
        #expect(attributes["jsonrpc.request.id"] as? String == (pythonCall["attributes"] as? [String: Any])?["jsonrpc.request.id"] as? String)
        // The model call inside our tool handler is a child of our server span.
        let llm = try spans.one("chat gpt-5.4-mini", kind: "SPAN_KIND_CLIENT")
        #expect(llm["parent_span_id"] as? String == server["span_id"] as? String)
        // Unknown tools: the Python client sees a JSON-RPC error; our server span records the code, unfailed.
        let unknown = try spans.one("tools/call no_such_tool", kind: "SPAN_KIND_SERVER")
        #expect((unknown["attributes"] as? [String: Any])?["rpc.response.status_code"] as? String == "-32602")
        #expect(unknown["status_code"] as? String != "STATUS_CODE_ERROR")
        print("Python client → Swift server, trace \(traceID):\n" + spans.tree(traceID: traceID))
    }

    @Test("a 300 KB tool result from the Python server: the caller gets all of it, the span a bounded part")
    func hugeResult() async throws {
        let python = try #require(mcpPython)
        let (tracer, exporter) = try makeTracer(nil)
        let (client, stop) = try await connectOverStdio(to: [python, peer, "server"], tracer: tracer)
        let result = try await client.callTool(name: "big_result", arguments: ["size": 300_000])
        guard case .text(let text, _, _) = try #require(result.content.first) else {
            Issue.record("not text: \(result.content)")
            return
        }
        #expect(text.utf8.count == 300_000)
        await stop()
        _ = await tracer.flush()
        let span = try #require(exporter.spans.first { $0.name == "tools/call big_result" && $0.kind == .client })
        let recorded = try #require(span.attributes["gen_ai.tool.call.result"]?.stringValue)
        // Cut to 64 KiB when recorded, then to the redaction policy's 32,768 characters at export.
        #expect(recorded.utf8.count <= 65_536 + 40)
        #expect(recorded.contains("…[truncated "))
    }

    func makeTracer(_ exporter: OTLPExporter?) throws -> (NoveumClient, InMemoryExporter) {
        let memory = InMemoryExporter()
        let tracer = try NoveumClient(
            apiKey: nil, project: "mcp-interop", environment: "test", endpoint: nil, serviceVersion: nil,
            config: Configuration(scheduleDelay: .seconds(600), exporters: [memory] + (exporter.map { [$0] } ?? [])),
            processEnvironment: ["OTEL_SERVICE_NAME": "swift-mcp-client"])
        return (tracer, memory)
    }
}
