import Foundation
import MCP
@testable import NoveumTrace
import NoveumTraceMCP
import NoveumTraceTesting
import Testing
import Tracing

/// A swift-sdk client and server connected in memory, both through ``TracedTransport``, recording on one client.
struct Peers {
    let tracer: NoveumClient
    let exporter: InMemoryExporter
    let client: MCP.Client
    let server: MCP.Server
    /// What the slow tool's handler says: `started`, then `cancelled` when its task is cancelled.
    let slowTool: AsyncStream<String>

    static let weatherTool = Tool(
        name: "get_weather", description: "Weather in a city",
        inputSchema: .object(["type": "object", "properties": .object(["city": .object(["type": "string"])])]))

    /// Connects a client to a server with a few tools: `get_weather` (calls a model inside), `fail_tool` (an
    /// `isError` result), `slow_tool` (waits a minute), `throwing_tool` (throws a Swift error); any other name
    /// is answered with JSON-RPC `invalidParams`.
    static func connect(options: MCPTraceOptions = MCPTraceOptions()) async throws -> Peers {
        let exporter = InMemoryExporter()
        let tracer = try NoveumClient(
            apiKey: nil, project: "mcp-tests", environment: "test", endpoint: nil, serviceVersion: nil,
            config: Configuration(scheduleDelay: .seconds(600), exporters: [exporter]), processEnvironment: [:])
        var options = options
        options.client = tracer
        let (clientSide, serverSide) = await InMemoryTransport.createConnectedPair()
        let (slowTool, slowToolSays) = AsyncStream<String>.makeStream()

        let server = Server(
            name: "weather", version: "1.0",
            capabilities: .init(resources: .init(), tools: .init()))
        await server.withMethodHandler(ListTools.self) { _ in .init(tools: [weatherTool]) }
        await server.withTracedMethodHandler(ReadResource.self) { params in
            .init(contents: [.text("notes", uri: params.uri)])
        }
        await server.withTracedMethodHandler(CallTool.self) { params in
            switch params.name {
            case "get_weather":
                let city = params.arguments?["city"]?.stringValue ?? "?"
                let forecast = tracer.traceLLM(model: "gpt-5.4-mini", provider: "openai") { _ in "Sunny in \(city)" }
                return .init(content: [text(forecast)])
            case "fail_tool":
                return .init(content: [text("the tool failed")], isError: true)
            case "slow_tool":
                slowToolSays.yield("started")
                do {
                    try await Task.sleep(for: .seconds(60))
                } catch {
                    slowToolSays.yield("cancelled")
                    throw error
                }
                return .init(content: [text("late")])
            case "throwing_tool":
                throw DiskFull()
            case "progress_tool":
                if let token = params._meta?.progressToken {
                    try await server.notify(
                        ProgressNotification.message(.init(progressToken: token, progress: 1, total: 2, message: "half")))
                }
                return .init(content: [text("done")])
            default:
                throw MCPError.invalidParams("Unknown tool: \(params.name)")
            }
        }
        try await server.start(transport: TracedTransport(serverSide, options: options))

        let client = Client(name: "agent", version: "1.0")
        _ = try await client.connect(transport: TracedTransport(clientSide, options: options))
        return Peers(tracer: tracer, exporter: exporter, client: client, server: server, slowTool: slowTool)
    }

    func spans() async -> [SpanData] {
        _ = await tracer.flush()
        return exporter.spans
    }

    func stop() async {
        await client.disconnect()
        await server.stop()
    }
}

struct DiskFull: Error {}

/// A text content block.
func text(_ text: String) -> Tool.Content {
    .text(text: text, annotations: nil, _meta: nil)
}

extension [SpanData] {
    func one(_ name: String, kind: SpanKind) throws -> SpanData {
        let matches = filter { $0.name == name && $0.kind == kind }
        try #require(matches.count == 1, "\(matches.count) spans \(name) \(kind) in \(map { "\($0.name) \($0.kind)" })")
        return matches[0]
    }
}

@Suite("MCP: a traced client and server in one process")
struct InProcessTests {
    @Test("a tool call is one trace: agent → client span → server span → the handler's model call")
    func oneTrace() async throws {
        let peers = try await Peers.connect()
        let result = try await peers.tracer.traceAgent("planner") { _ in
            try await peers.client.callTool(name: "get_weather", arguments: ["city": "Paris"])
        }
        #expect(result.content == [text("Sunny in Paris")])
        let spans = await peers.spans()
        let agent = try spans.one("invoke_agent planner", kind: .internal)
        let client = try spans.one("tools/call get_weather", kind: .client)
        let server = try spans.one("tools/call get_weather", kind: .server)
        let llm = try spans.one("chat gpt-5.4-mini", kind: .client)
        #expect(Set([agent, client, server, llm].map(\.traceID)).count == 1)
        #expect(client.parentSpanID == agent.spanID)
        #expect(server.parentSpanID == client.spanID)
        #expect(server.parentIsRemote)
        #expect(llm.parentSpanID == server.spanID)
        #expect(client.status == .ok && server.status == .ok)

        let id = try #require(client.attributes["jsonrpc.request.id"]?.stringValue)
        for span in [client, server] {
            #expect(span.attributes["mcp.method.name"] == "tools/call")
            #expect(span.attributes["jsonrpc.request.id"]?.stringValue == id)
            #expect(span.attributes["gen_ai.tool.name"] == "get_weather")
            #expect(span.attributes["gen_ai.operation.name"] == "execute_tool")
            #expect(span.attributes["mcp.protocol.version"] == .string(Version.latest))
            #expect(span.attributes["gen_ai.tool.call.arguments"] == #"{"city":"Paris"}"#)
            #expect(span.attributes["gen_ai.tool.call.result"] == #"[{"text":"Sunny in Paris","type":"text"}]"#)
            #expect(span.attributes["network.transport"] == nil)
        }
        // The handshake is traced too, and every span of the connection shares the negotiated version.
        let initialize = try spans.one("initialize", kind: .client)
        #expect(initialize.attributes["mcp.protocol.version"] == .string(Version.latest))
        _ = try spans.one("initialize", kind: .server)
        await peers.stop()
    }

    @Test("inside traceTool for the same tool, the call adds its MCP attributes to that span instead of a second one")
    func reusesExecuteToolSpan() async throws {
        let peers = try await Peers.connect()
        _ = try await peers.tracer.traceTool("get_weather") { _ in
            try await peers.client.callTool(name: "get_weather", arguments: ["city": "Oslo"])
        }
        let spans = await peers.spans()
        let tool = try spans.one("execute_tool get_weather", kind: .internal)
        #expect(spans.filter { $0.name == "tools/call get_weather" && $0.kind == .client }.isEmpty)
        #expect(tool.attributes["mcp.method.name"] == "tools/call")
        #expect(tool.attributes["jsonrpc.request.id"] != nil)
        let server = try spans.one("tools/call get_weather", kind: .server)
        #expect(server.parentSpanID == tool.spanID)
        await peers.stop()
    }

    @Test("a tool's isError result is status error with error.type tool_error on both sides")
    func toolError() async throws {
        let peers = try await Peers.connect()
        let result = try await peers.client.callTool(name: "fail_tool")
        #expect(result.isError == true)
        let spans = await peers.spans()
        for kind in [SpanKind.client, .server] {
            let span = try spans.one("tools/call fail_tool", kind: kind)
            #expect(span.status == .error)
            #expect(span.attributes["error.type"] == "tool_error")
        }
        await peers.stop()
    }

    @Test("a JSON-RPC error: the client span fails with the code; the server span records it without failing")
    func jsonRPCError() async throws {
        let peers = try await Peers.connect()
        await #expect(throws: MCPError.self) { try await peers.client.callTool(name: "no_such_tool") }
        let spans = await peers.spans()
        let client = try spans.one("tools/call no_such_tool", kind: .client)
        #expect(client.status == .error)
        #expect(client.attributes["error.type"] == "-32602")
        #expect(client.attributes["rpc.response.status_code"] == "-32602")
        #expect(client.statusMessage?.contains("Unknown tool: no_such_tool") == true)
        // -32602 says the caller asked for something the server cannot serve: not the server's failure.
        let server = try spans.one("tools/call no_such_tool", kind: .server)
        #expect(server.status == .unset)
        #expect(server.attributes["rpc.response.status_code"] == "-32602")
        #expect(server.attributes["error.type"] == nil)
        #expect(server.events.isEmpty)

        // A Swift error from the handler: the server answers -32603, and the span keeps what was thrown.
        await #expect(throws: MCPError.self) { try await peers.client.callTool(name: "throwing_tool") }
        let failed = try await peers.spans().one("tools/call throwing_tool", kind: .server)
        #expect(failed.status == .error)
        #expect(failed.attributes["error.type"] == "-32603")
        #expect(failed.attributes["rpc.response.status_code"] == "-32603")
        #expect(failed.events.first?.attributes["exception.type"] == "NoveumTraceMCPTests.DiskFull")
        await peers.stop()
    }

    @Test("a cancelled call ends both spans cancelled, with the notification as an event")
    func cancellation() async throws {
        let peers = try await Peers.connect()
        let context: RequestContext<CallTool.Result> = try await peers.client.callTool(name: "slow_tool")
        var says = peers.slowTool.makeAsyncIterator()
        #expect(await says.next() == "started")
        try await peers.client.cancelRequest(context.requestID, reason: "user gave up")
        await #expect(throws: (any Error).self) { _ = try await context.value }
        // The handler sees its cancellation after the server's transport read the notification.
        #expect(await says.next() == "cancelled")
        let spans = await peers.spans()
        for kind in [SpanKind.client, .server] {
            let span = try spans.one("tools/call slow_tool", kind: kind)
            #expect(span.status == .cancelled)
            #expect(span.statusMessage == "user gave up")
            #expect(span.events.map(\.name).contains("notifications/cancelled"))
        }
        await peers.stop()
    }

    @Test("a server that does not answer in time: the span ends timeout and the caller gets an error")
    func timeout() async throws {
        let peers = try await Peers.connect(options: MCPTraceOptions(requestTimeout: .milliseconds(200)))
        let started = ContinuousClock.now
        await #expect(throws: MCPError.self) { try await peers.client.callTool(name: "slow_tool") }
        #expect(ContinuousClock.now - started < .seconds(30))
        let spans = await peers.spans()
        let client = try spans.one("tools/call slow_tool", kind: .client)
        #expect(client.status == .timeout)
        #expect(client.attributes["error.type"] == "timeout")
        await peers.stop()
    }

    @Test("a progress notification is an event of the request's span on both sides")
    func progress() async throws {
        let peers = try await Peers.connect()
        _ = try await peers.client.callTool(name: "progress_tool", meta: Metadata(progressToken: .string("p1")))
        let spans = await peers.spans()
        for kind in [SpanKind.client, .server] {
            let span = try spans.one("tools/call progress_tool", kind: kind)
            let event = try #require(span.events.first { $0.name == "notifications/progress" }, "\(kind)")
            #expect(event.attributes == ["message": "half", "progress": 1.0, "total": 2.0])
        }
        await peers.stop()
    }

    @Test("a resource read records its URI; the span name keeps it out unless asked")
    func resource() async throws {
        let peers = try await Peers.connect()
        _ = try await peers.client.readResource(uri: "file:///notes.txt")
        var spans = await peers.spans()
        let read = try spans.one("resources/read", kind: .client)
        #expect(read.attributes["mcp.resource.uri"] == "file:///notes.txt")
        await peers.stop()

        let named = try await Peers.connect(options: MCPTraceOptions(resourceURIInSpanName: true))
        _ = try await named.client.readResource(uri: "file:///notes.txt")
        spans = await named.spans()
        _ = try spans.one("resources/read file:///notes.txt", kind: .server)
        await named.stop()
    }

    @Test("tool content is cut to maxContentBytes on the span; the caller still gets all of it")
    func hugeResult() async throws {
        let peers = try await Peers.connect(options: MCPTraceOptions(maxContentBytes: 64))
        let city = String(repeating: "é", count: 500)
        let result = try await peers.client.callTool(name: "get_weather", arguments: ["city": .string(city)])
        #expect(result.content == [text("Sunny in \(city)")])
        let spans = await peers.spans()
        let client = try spans.one("tools/call get_weather", kind: .client)
        let arguments = try #require(client.attributes["gen_ai.tool.call.arguments"]?.stringValue)
        #expect(arguments.utf8.count < 64 + 40)
        #expect(arguments.contains("…[truncated "))
        let resultText = try #require(client.attributes["gen_ai.tool.call.result"]?.stringValue)
        #expect(resultText.utf8.count < 64 + 40)
        #expect(resultText.hasSuffix("bytes]"))
        await peers.stop()
    }
}
