import Foundation
import Hummingbird
import HummingbirdTesting
import NoveumTrace
@testable import NoveumTraceCLI
import NoveumTraceStore
import NoveumTraceTestSupport
import Testing
import Tracing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The Python venv `Scripts/mcp-python.sh` makes (OpenTelemetry SDK and OTLP exporter, `openai`, OpenInference's
/// instrumentation), from `NOVEUM_MCP_PYTHON`; `.ci/run` sets it.
let interopPython = ProcessInfo.processInfo.environment["NOVEUM_MCP_PYTHON"]

func script(_ name: String) -> String { Loopback.packageRoot.appendingPathComponent("Scripts/python/\(name)").path }

/// The viewer and the OTLP receiver on a live port over a fresh folder, as `serve` runs them.
func withLiveReceiver(
    _ body: @escaping @Sendable (_ folder: String, _ store: TraceStore, _ port: Int, any TestClientProtocol) async throws -> Void
) async throws {
    let folder = try temporaryFolder()
    let store = try TraceStore(directory: LocalTraceDirectory(path: folder))
    let app = Application(
        router: ViewerAPI.router(store: store, allowedHosts: [], receiver: OTLPReceiver(store: store)),
        configuration: .init(address: .hostname("127.0.0.1", port: 0)))
    try await app.test(.live) { client in try await body(folder, store, try #require(client.port), client) }
}

func jsonLine(_ output: String) throws -> [String: Any] {
    let line = try #require(output.split(separator: "\n").last { $0.hasPrefix("{") })
    return try #require(try jsonObject(String(line)) as? [String: Any])
}

@Suite("OTLP receiver with real senders", .enabled(if: interopPython != nil, "needs NOVEUM_MCP_PYTHON (Scripts/mcp-python.sh)"))
struct ReceiverTests {
    @Test("the official Python OpenTelemetry SDK's export: every span, attribute, event, link and status read back")
    func pythonSDK() async throws {
        try await withLiveReceiver { _, _, port, client in
            let (status, output) = try await runToEnd(
                try #require(interopPython), [script("otlp_sender.py"), "http://127.0.0.1:\(port)"])
            #expect(status == 0)
            let sent = try jsonLine(output)
            let traceID = try #require(sent["trace_id"] as? String)
            let ids = try #require(sent["spans"] as? [String: String])
            try await client.execute(uri: "/api/traces/\(traceID)", method: .get) { response in
                #expect(response.status == .ok)
                let trace = try #require(try jsonObject(String(buffer: response.body)) as? [String: Any])
                let summary = try #require(trace["summary"] as? [String: Any])
                #expect(summary["service"] as? String == "python-rag" && summary["span_count"] as? Int == 3)
                let spans = try #require(trace["spans"] as? [[String: Any]])
                let byName = Dictionary(uniqueKeysWithValues: spans.map { ($0["name"] as! String, $0) })
                #expect(Set(byName.keys) == ["handle request", "load documents", "call tool"])
                let root = try #require(byName["handle request"])
                #expect(root["span_id"] as? String == ids["handle request"] && root["parent_span_id"] == nil)
                #expect(root["kind"] as? String == "server" && root["status"] as? String == "ok")
                #expect(root["service"] as? String == "python-rag")
                #expect((root["sdk"] as? String)?.hasPrefix("python opentelemetry") == true)
                let attributes = (root["attributes"] as! [[String: String]]).map { [$0["key"]!, $0["type"]!, $0["value"]!] }
                #expect(attributes == [
                    ["http.route", "s", "/answer"], ["retry.count", "i", "2"], ["score", "d", "0.75"],
                    ["cached", "b", "false"], ["tags", "sa", "[\"a\",\"b\"]"], ["sizes", "ia", "[1,2,3]"],
                    ["weights", "da", "[0.5,1.5]"], ["flags", "ba", "[true,false]"],
                    ["otel.scope.name", "s", "receiver-test"], ["otel.scope.version", "s", "0.1"],
                ])
                let event = try #require((root["events"] as? [[String: Any]])?.first)
                #expect(event["name"] as? String == "request.accepted")
                #expect((event["attributes"] as? [[String: String]])?.first?["value"] == "3")
                let link = try #require((root["links"] as? [[String: Any]])?.first)
                #expect(link["trace_id"] as? String == "0af7651916cd43dd8448eb211c80319c")
                #expect(link["span_id"] as? String == "b7ad6b7169203331")
                #expect((link["attributes"] as? [[String: String]])?.first?["value"] == "retry-of")
                let load = try #require(byName["load documents"])
                #expect(load["parent_span_id"] as? String == ids["handle request"])
                #expect(load["kind"] as? String == "client" && load["status"] as? String == "unset")
                #expect((load["events"] as? [[String: Any]])?.first?["name"] as? String == "documents.loaded")
                let tool = try #require(byName["call tool"])
                #expect(tool["status"] as? String == "error" && tool["status_message"] as? String == "tool exploded")
                #expect(tool["exception_type"] as? String == "ValueError")
                #expect(tool["exception_message"] as? String == "tool exploded")
                #expect(summary["status"] as? String == "error" && summary["error_count"] as? Int == 1)
            }
        }
    }

    @Test("one trace across languages: Swift spans through the spool, Python spans through OTLP, one tree")
    func crossLanguage() async throws {
        try await withLiveReceiver { folder, store, port, _ in
            let python = try ServerProcess(
                executable: try #require(interopPython),
                arguments: [script("otel_http_service.py"), "http://127.0.0.1:\(port)", "python-rag"])
            defer { python.stop() }
            let servicePort = try #require(await Loopback.poll(timeout: .seconds(30)) { () -> Int? in
                python.output.split(separator: "\n").first { $0.hasPrefix("PORT ") }.flatMap { Int($0.dropFirst(5)) }
            })
            let gateway = try NoveumClient(
                apiKey: nil, project: "gateway", environment: "dev",
                config: Configuration(
                    scheduleDelay: .seconds(600),
                    exporters: [LocalSpoolExporter(directory: LocalTraceDirectory(path: folder))]))
            let (traceID, answer) = try await gateway.traceOperation("gateway request", kind: .server) { root in
                try await gateway.traceOperation("call rag service", kind: .client) { _ in
                    var request = URLRequest(url: URL(string: "http://127.0.0.1:\(servicePort)/answer")!)
                    request.httpMethod = "POST"
                    request.httpBody = Data("{\"question\":\"what is 6 x 7?\"}".utf8)
                    gateway.inject(ServiceContext.current ?? .topLevel, into: &request, using: URLRequestInjector())
                    let (data, _) = try await URLSession.shared.data(for: request)
                    return (root.spanContext.traceID.description, try jsonObject(String(decoding: data, as: UTF8.self)))
                }
            }
            #expect(await gateway.shutdown() == 0)
            #expect((answer as? [String: Any])?["trace_id"] as? String == traceID)

            let shown = try await run(["show", "--dir", folder, traceID])
            let lines = shown.split(separator: "\n").map(String.init)
            #expect(shown.contains("services gateway (swift), python-rag (python)"))
            let order = ["gateway request [gateway]", "└─ call rag service [gateway]", "└┄ POST /answer [python-rag]",
                "├─ retrieve documents [python-rag]", "└─ chat gpt-4o-mini [python-rag]"]
            let positions = order.map { name in lines.firstIndex { $0.contains(name) } }
            #expect(positions.allSatisfy { $0 != nil }, "show printed:\n\(shown)")
            #expect(positions.compactMap { $0 } == positions.compactMap { $0 }.sorted())
            if ProcessInfo.processInfo.environment["NOVEUM_PRINT_TREE"] != nil { print(shown) }

            let trace = try store.trace(traceID)
            #expect(trace.spans.count == 5 && trace.summary.services == ["gateway", "python-rag"])
            let server = try #require(trace.spans.first { $0.name == "POST /answer" })
            let callSpan = try #require(trace.spans.first { $0.name == "call rag service" })
            #expect(server.parentSpanID == callSpan.spanID && server.parentRemote)
            let chat = try #require(trace.spans.first { $0.name == "chat gpt-4o-mini" })
            #expect(chat.model == "gpt-4o-mini" && chat.operation == "llm" && chat.inputTokens == 120)
            #expect(chat.cost != nil && chat.cost! > 0)  // priced from the table: the span carried no cost

            try await checkInBrowser(port: port, traceID: traceID)
        }
    }

    /// Loads the trace page in headless Chromium (when installed): the DOM holds both services' spans, their labels
    /// and the dashed edge into the Python process. `NOVEUM_SCREENSHOT` names a file to save a screenshot to.
    func checkInBrowser(port: Int, traceID: String) async throws {
        guard let chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].first(where: {
            FileManager.default.isExecutableFile(atPath: $0)
        }) else { return }
        let profile = try temporaryFolder()
        let page = "http://127.0.0.1:\(port)/#/trace/\(traceID)"
        let common = ["--headless", "--no-sandbox", "--disable-gpu", "--user-data-dir=\(profile)", "--hide-scrollbars",
            "--virtual-time-budget=4000"]
        let (status, dom) = try await runToEnd(chromium, common + ["--dump-dom", page])
        #expect(status == 0)
        for text in ["gateway request", "call rag service", "POST /answer", "chat gpt-4o-mini", "python-rag", "└┄"] {
            #expect(dom.contains(text), "the trace page lacks \(text)")
        }
        if let shot = ProcessInfo.processInfo.environment["NOVEUM_SCREENSHOT"] {
            _ = try await runToEnd(chromium, common + ["--window-size=1400,700", "--screenshot=\(shot)", page])
            #expect(FileManager.default.fileExists(atPath: shot))
        }
    }
}

/// Writes trace context into a `URLRequest`'s header fields.
struct URLRequestInjector: Injector {
    func inject(_ value: String, forKey key: String, into request: inout URLRequest) {
        request.setValue(value, forHTTPHeaderField: key)
    }
}

@Suite(
    "OTLP receiver with a real model (ReceiverLLMServerTests)",
    .enabled(
        if: interopPython != nil && ProcessInfo.processInfo.environment["NOVEUM_LLM_SERVER_URL"] != nil,
        "needs NOVEUM_MCP_PYTHON and NOVEUM_LLM_SERVER_URL (Scripts/llm-server.sh start)"))
struct ReceiverLLMServerTests {
    @Test("openai + OpenInference against llama-server: model and the server's token counts, listed by stats")
    func openInference() async throws {
        let llm = try #require(ProcessInfo.processInfo.environment["NOVEUM_LLM_SERVER_URL"])
        try await withLiveReceiver { folder, store, port, _ in
            let (status, output) = try await runToEnd(
                try #require(interopPython), [script("openinference_chat.py"), "http://127.0.0.1:\(port)", llm])
            #expect(status == 0)
            let sent = try jsonLine(output)
            let model = try #require(sent["model"] as? String)
            let trace = try store.trace(try #require(sent["trace_id"] as? String))
            let call = try #require(trace.spans.first { $0.model != nil })
            #expect(call.model == model && call.operation == "llm" && call.provider == "openai")
            #expect(call.inputTokens == (sent["prompt_tokens"] as? NSNumber)?.int64Value)
            #expect(call.outputTokens == (sent["completion_tokens"] as? NSNumber)?.int64Value)
            #expect(call.parentSpanID == trace.spans.first { $0.name == "answer question" }?.spanID)
            #expect(call.service == "python-openai")
            let stats = try #require(try jsonObject(try await run(["stats", "--dir", folder, "--json"])) as? [String: Any])
            let byModel = try #require(stats["by_model"] as? [[String: Any]])
            #expect(byModel.map { $0["key"] as? String } == [model])
            #expect((byModel.first?["input_tokens"] as? NSNumber)?.int64Value == call.inputTokens)
            let listed = try await run(["list", "--dir", folder])
            #expect(listed.contains(String(model.prefix(12))))
        }
    }
}

/// The first IPv4 address of this machine that is not loopback, else nil.
func nonLoopbackAddress() -> String? {
    var list: UnsafeMutablePointer<ifaddrs>?
    guard getifaddrs(&list) == 0, let first = list else { return nil }
    defer { freeifaddrs(list) }
    var cursor: UnsafeMutablePointer<ifaddrs>? = first
    while let entry = cursor {
        defer { cursor = entry.pointee.ifa_next }
        guard let address = entry.pointee.ifa_addr, address.pointee.sa_family == sa_family_t(AF_INET) else { continue }
        var host = [CChar](repeating: 0, count: 64)
        let length = socklen_t(MemoryLayout<sockaddr_in>.size)
        guard getnameinfo(address, length, &host, socklen_t(host.count), nil, 0, NI_NUMERICHOST) == 0 else { continue }
        let text = String(decoding: host.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        if !text.hasPrefix("127.") { return text }
    }
    return nil
}

@Suite("Access token off loopback")
struct AccessTokenTests {
    @Test(
        "bound to this machine's own address, serve and collect refuse requests without the printed token",
        .enabled(if: commandBinary != nil, "needs the noveum-trace executable (swift build --build-tests builds it)"))
    func enforced() async throws {
        // The machine's own interface when it has one; otherwise every interface (still not loopback), reached
        // through 127.0.0.1.
        let bind = nonLoopbackAddress() ?? "0.0.0.0"
        let connect = bind == "0.0.0.0" ? "127.0.0.1" : bind
        for command in ["collect", "serve"] {
            let folder = try temporaryFolder()
            let server = try ServerProcess(
                executable: try #require(commandBinary), arguments: [command, "--dir", folder, "--host", bind, "--port", "0"])
            defer { server.stop() }
            let started = try #require(await Loopback.poll(timeout: .seconds(30)) { () -> (port: Int, token: String)? in
                let text = server.output
                guard let portRange = text.range(of: #":(\d+)/"#, options: .regularExpression),
                    let tokenRange = text.range(of: #"[0-9a-f]{32}"#, options: .regularExpression)
                else { return nil }
                let port = Int(text[portRange].dropFirst().dropLast())
                return port.map { ($0, String(text[tokenRange])) }
            })
            let base = "http://\(connect):\(started.port)"
            func status(_ path: String, method: String = "GET", headers: [String: String] = [:]) async throws -> Int {
                var request = URLRequest(url: URL(string: base + path)!)
                request.httpMethod = method
                if method == "POST" {
                    request.httpBody = Data("{}".utf8)
                    request.setValue("application/json", forHTTPHeaderField: "Content-Type")
                }
                for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
                let configuration = URLSessionConfiguration.ephemeral
                configuration.httpCookieStorage = nil
                let (_, response) = try await URLSession(configuration: configuration).data(for: request)
                return (response as? HTTPURLResponse)?.statusCode ?? 0
            }
            #expect(try await status("/v1/traces", method: "POST") == 401, "\(command)")
            #expect(try await status("/v1/traces", method: "POST", headers: ["Authorization": "Bearer wrong"]) == 401)
            #expect(try await status("/v1/traces", method: "POST", headers: ["Authorization": "Bearer \(started.token)"]) == 200)
            #expect(try await status("/v1/traces", method: "POST", headers: ["X-Noveum-Token": started.token]) == 200)
            if command == "serve" {
                #expect(try await status("/api/traces") == 401)
                #expect(try await status("/api/traces", headers: ["Cookie": "noveum_token=\(started.token)"]) == 200)
                #expect(try await status("/?token=wrong") == 401)
            }
        }
    }
}
