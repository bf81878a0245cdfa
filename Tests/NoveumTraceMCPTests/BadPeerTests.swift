import Foundation
import MCP
@testable import NoveumTrace
import NoveumTraceMCP
import NoveumTraceTesting
import Testing
import Tracing

/// A traced server fed raw bytes by a peer that is not an MCP SDK: garbage, `_meta` of the wrong shape, trace
/// context that is not W3C. The server keeps answering, and every bad context starts a new trace.
@Suite("MCP: bad peers")
struct BadPeerTests {
    @Test("garbage, malformed _meta and invalid traceparent: answered, new traces, counted; a valid one is continued")
    func malformedInput() async throws {
        let (tracer, exporter) = try makeTracer()
        let (peer, serverSide) = await InMemoryTransport.createConnectedPair()
        let server = Server(name: "weather", version: "1.0", capabilities: .init(tools: .init()))
        await server.withTracedMethodHandler(ListTools.self) { _ in .init(tools: [Peers.weatherTool]) }
        try await server.start(transport: TracedTransport(serverSide, options: MCPTraceOptions(client: tracer)))
        try await peer.connect()
        let replies = await peer.receive()

        let messages = [
            "this is not JSON",
            #"{"jsonrpc":"2.0","id":1,"method":"tools/list","params":{"_meta":"not an object"}}"#,
            #"{"jsonrpc":"2.0","id":2,"method":"tools/list","params":{"_meta":{"traceparent":"00-garbage-01"}}}"#,
            #"{"jsonrpc":"2.0","id":3,"method":"tools/list","params":{"_meta":{"traceparent":7}}}"#,
            #"{"jsonrpc":"2.0","id":4,"method":"tools/list","params":{"_meta":{"traceparent":"00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01","tracestate":"vendor=abc"}}}"#,
            #"[1, "two", {"jsonrpc":"2.0"}]"#,
        ]
        for message in messages { try await peer.send(Data(message.utf8)) }

        // Every well-formed request is answered, whatever its _meta says.
        var answered: Set<Int> = []
        for try await reply in replies {
            let json = try JSONSerialization.jsonObject(with: reply) as? [String: Any]
            if let id = json?["id"] as? Int, json?["result"] != nil { answered.insert(id) }
            if answered == [1, 2, 3, 4] { break }
        }
        #expect(answered == [1, 2, 3, 4])

        _ = await tracer.flush()
        let spans = exporter.spans.filter { $0.name == "tools/list" }
        #expect(spans.count == 4, "\(exporter.spans.map { "\($0.name) \($0.attributes["jsonrpc.request.id"]?.stringValue ?? "-") \($0.status)" })")
        let byID = Dictionary(uniqueKeysWithValues: spans.map { ($0.attributes["jsonrpc.request.id"]?.stringValue ?? "", $0) })
        for id in ["1", "2", "3"] {
            #expect(byID[id]?.parentSpanID == nil, "request \(id) starts a new trace")
        }
        let continued = try #require(byID["4"])
        #expect(continued.traceID.description == "0af7651916cd43dd8448eb211c80319c")
        #expect(continued.parentSpanID?.description == "b7ad6b7169203331")
        #expect(continued.parentIsRemote)
        #expect(continued.context.traceState == "vendor=abc")
        // "00-garbage-01" failed W3C parsing; a number is no traceparent at all.
        #expect(tracer.stats.invalidTraceParents == 1)
        await server.stop()
    }

    @Test("a server that answers with garbage before the real reply: the client connects and the call is traced")
    func garbageFromServer() async throws {
        let (tracer, exporter) = try makeTracer()
        let (clientSide, peer) = await InMemoryTransport.createConnectedPair()
        try await peer.connect()
        let requests = await peer.receive()
        let answering = Task {
            for try await data in requests {
                let json = try JSONSerialization.jsonObject(with: data) as? [String: Any]
                guard let id = json?["id"], let method = json?["method"] as? String else { continue }
                try await peer.send(Data("\u{0}\u{1}garbage{{{".utf8))
                let idText = (id as? Int).map(String.init) ?? "\"\(id)\""
                let result =
                    method == "initialize"
                    ? #"{"protocolVersion":"2025-06-18","capabilities":{"tools":{}},"serverInfo":{"name":"odd","version":"0"}}"#
                    : #"{"tools":[]}"#
                try await peer.send(Data(#"{"jsonrpc":"2.0","id":\#(idText),"result":\#(result)}"#.utf8))
            }
        }
        let client = Client(name: "agent", version: "1.0")
        _ = try await client.connect(transport: TracedTransport(clientSide, options: MCPTraceOptions(client: tracer)))
        _ = try await client.listTools()
        _ = await tracer.flush()
        let list = try #require(exporter.spans.first { $0.name == "tools/list" })
        #expect(list.kind == .client)
        #expect(list.status == .ok)
        #expect(list.attributes["mcp.protocol.version"] == "2025-06-18")
        await client.disconnect()
        answering.cancel()
    }

    func makeTracer() throws -> (NoveumClient, InMemoryExporter) {
        let exporter = InMemoryExporter()
        let tracer = try NoveumClient(
            apiKey: nil, project: "mcp-bad-peers", environment: "test", endpoint: nil, serviceVersion: nil,
            config: Configuration(scheduleDelay: .seconds(600), exporters: [exporter]), processEnvironment: [:])
        return (tracer, exporter)
    }

    @Test("a real process that writes garbage on stdout and never answers: the request times out, nothing hangs")
    func silentProcess() async throws {
        let (tracer, exporter) = try makeTracer()
        let started = ContinuousClock.now
        await #expect(throws: MCPError.self) {
            _ = try await connectOverStdio(
                to: ["sh", "-c", #"printf 'garbage\n{not json\n'; exec sleep 600"#], tracer: tracer,
                options: MCPTraceOptions(requestTimeout: .milliseconds(300)))
        }
        #expect(ContinuousClock.now - started < .seconds(30))
        _ = await tracer.flush()
        let initialize = try #require(exporter.spans.first { $0.name == "initialize" })
        #expect(initialize.kind == .client)
        #expect(initialize.status == .timeout)
        #expect(initialize.attributes["error.type"] == "timeout")
        #expect(initialize.attributes["network.transport"] == "pipe")
    }

    @Test("a real process that writes garbage and exits: the caller fails at once")
    func exitingProcess() async throws {
        let (tracer, exporter) = try makeTracer()
        let started = ContinuousClock.now
        await #expect(throws: MCPError.self) {
            _ = try await connectOverStdio(to: ["sh", "-c", #"printf 'garbage\n\0\n'"#], tracer: tracer)
        }
        #expect(ContinuousClock.now - started < .seconds(30))
        _ = await tracer.flush()
        let initialize = try #require(exporter.spans.first { $0.name == "initialize" })
        #expect(initialize.status == .error)
        // The server's exit shows as the stream closing, or as the write of the request failing: whichever the
        // transport saw first.
        let errorType = initialize.attributes["error.type"]?.stringValue
        #expect(errorType == "connection_closed" || errorType == "transport_error", "\(String(describing: errorType))")
    }
}
