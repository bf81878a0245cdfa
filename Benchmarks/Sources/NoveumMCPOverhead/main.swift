import BenchmarkSupport
import Foundation
import MCP
import NoveumTrace
import NoveumTraceMCP

// What TracedTransport adds to one MCP tool call: the same swift-sdk client and server connected in memory, a
// `tools/call` with a small argument and result, untraced, traced on both sides (two spans per call, to an
// exporter that discards), and traced without recording the tool's arguments and result. Rounds alternate untraced and traced so both see the same machine; the medians of
// the rounds are compared.
//
//   swift run -c release --package-path Benchmarks noveum-mcp-overhead [calls-per-round] [rounds]

let arguments = CommandLine.arguments.dropFirst().compactMap { Int($0) }
let callsPerRound = arguments.first ?? 2_000
let rounds = arguments.dropFirst().first ?? 7

let exporter = DiscardingExporter()
let tracer = Fixtures.client(exporters: [exporter])

/// A connected client and server; `traced` wraps both transports.
func connect(traced: Bool, content: Bool = true) async throws -> (Client, Server) {
    let (clientSide, serverSide) = await InMemoryTransport.createConnectedPair()
    let server = Server(name: "bench", version: "1.0", capabilities: .init(tools: .init()))
    let handler: @Sendable (CallTool.Parameters) async throws -> CallTool.Result = { params in
        let city = params.arguments?["city"]?.stringValue ?? "?"
        return .init(content: [.text(text: "Sunny in \(city)", annotations: nil, _meta: nil)])
    }
    if traced {
        await server.withTracedMethodHandler(CallTool.self, handler: handler)
    } else {
        await server.withMethodHandler(CallTool.self, handler: handler)
    }
    let options = MCPTraceOptions(client: tracer, captureContent: content)
    try await server.start(transport: traced ? TracedTransport(serverSide, options: options) : serverSide)
    let client = Client(name: "bench", version: "1.0")
    _ = try await client.connect(transport: traced ? TracedTransport(clientSide, options: options) : clientSide)
    return (client, server)
}

/// Nanoseconds per call over one round of `callsPerRound` calls.
func round(_ client: Client) async throws -> Double {
    let start = ContinuousClock.now
    for _ in 0..<callsPerRound {
        _ = try await client.callTool(name: "get_weather", arguments: ["city": "Paris"])
    }
    let elapsed = ContinuousClock.now - start
    let nanos = Double(elapsed.components.seconds) * 1e9 + Double(elapsed.components.attoseconds) / 1e9
    return nanos / Double(callsPerRound)
}

func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    return sorted[sorted.count / 2]
}

let (plainClient, plainServer) = try await connect(traced: false)
let (tracedClient, tracedServer) = try await connect(traced: true)
let (bareClient, bareServer) = try await connect(traced: true, content: false)
// Warm-up: first calls, the price table, the pipeline's threads.
_ = try await round(plainClient)
_ = try await round(tracedClient)
_ = try await round(bareClient)

var plain: [Double] = []
var traced: [Double] = []
var bare: [Double] = []
for _ in 0..<rounds {
    plain.append(try await round(plainClient))
    traced.append(try await round(tracedClient))
    bare.append(try await round(bareClient))
}
_ = await tracer.flush()

let plainMedian = median(plain)
let tracedMedian = median(traced)
let bareMedian = median(bare)
print("MCP tools/call in memory, \(callsPerRound) calls x \(rounds) rounds (median of rounds)")
print(String(format: "  untraced:           %8.1f µs per call", plainMedian / 1000))
print(String(format: "  traced both sides:  %8.1f µs per call", tracedMedian / 1000))
print(String(format: "  traced, no content: %8.1f µs per call", bareMedian / 1000))
print(String(format: "  added by tracing:   %8.1f µs per call (%.2fx); without content %.1f µs (%.2fx); spans exported: %d",
    (tracedMedian - plainMedian) / 1000, tracedMedian / plainMedian, (bareMedian - plainMedian) / 1000,
    bareMedian / plainMedian, exporter.spans))
await plainClient.disconnect()
await tracedClient.disconnect()
await plainServer.stop()
await tracedServer.stop()
await bareClient.disconnect()
await bareServer.stop()
_ = await tracer.shutdown()
