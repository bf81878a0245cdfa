import Foundation
import MCP
import NoveumTrace
import NoveumTraceMCP

#if canImport(System)
    import System
#else
    import SystemPackage
#endif

// An MCP server with two tools and an agent calling them over stdio, both traced: one trace from the agent's
// span through the MCP client span to the server's span and the model call inside the tool.
//
//   swift run noveum-mcp-example           # the agent: starts the server as a child process, prints the trace
//   swift run noveum-mcp-example server    # the server alone, on stdin/stdout (for any MCP client)
//
// Spans go to the local store folder (.noveum, or NOVEUM_LOCAL_DIR), which `noveum-trace` reads; with
// OTEL_EXPORTER_OTLP_ENDPOINT set they go there instead.

let environment = ProcessInfo.processInfo.environment
let directory = LocalTraceDirectory.resolve(environment: environment)
let exportsOTLP = environment["OTEL_EXPORTER_OTLP_ENDPOINT"] != nil

if CommandLine.arguments.dropFirst().first == "server" {
    // stdout carries the protocol: nothing else may be printed there.
    let config = exportsOTLP ? Configuration() : Configuration(exporters: [LocalSpoolExporter(directory: directory)])
    try NoveumTrace.initialize(project: "mcp-weather", environment: "example", config: config)
    let server = await WeatherServer.make()
    try await server.start(transport: TracedTransport(StdioTransport()))
    await server.waitUntilCompleted()
    _ = await NoveumTrace.shutdown(timeout: .seconds(5))
} else {
    let config = exportsOTLP ? Configuration() : Configuration(exporters: [LocalSpoolExporter(directory: directory)])
    try NoveumTrace.initialize(project: "mcp-weather", environment: "example", config: config)
    let (traceID, answers) = try await Agent.run()
    for answer in answers { print(answer) }
    _ = await NoveumTrace.shutdown(timeout: .seconds(5))
    if exportsOTLP {
        print("\ntrace \(traceID) sent to \(environment["OTEL_EXPORTER_OTLP_ENDPOINT"] ?? "")")
    } else {
        print("\ntrace \(traceID), from both processes (\(directory.spoolPath)):\n")
        print(try TraceFile.tree(of: traceID, in: directory))
    }
}

/// The server: `get_weather` asks a (stand-in) model to phrase the forecast, `convert_temperature` computes.
enum WeatherServer {
    static let tools = [
        Tool(
            name: "get_weather", description: "Today's weather in a city",
            inputSchema: .object([
                "type": "object", "properties": .object(["city": .object(["type": "string"])]), "required": ["city"],
            ])),
        Tool(
            name: "convert_temperature", description: "Celsius to Fahrenheit",
            inputSchema: .object([
                "type": "object", "properties": .object(["celsius": .object(["type": "number"])]),
                "required": ["celsius"],
            ])),
    ]

    static func make() async -> Server {
        let server = Server(name: "weather", version: "1.0", capabilities: .init(tools: .init()))
        await server.withMethodHandler(ListTools.self) { _ in .init(tools: tools) }
        await server.withTracedMethodHandler(CallTool.self) { params in
            switch params.name {
            case "get_weather":
                let city = params.arguments?["city"]?.stringValue ?? "somewhere"
                // A model call inside the tool: a child of the server span, in the caller's trace.
                let sentence = try await NoveumTrace.traceLLM(model: "gpt-5.4-mini", provider: "openai") { span in
                    try await Task.sleep(for: .milliseconds(8))
                    span.setUsage(input: 42, output: 9)
                    return "Sunny in \(city), 21 °C."
                }
                return .init(content: [.text(text: sentence, annotations: nil, _meta: nil)])
            case "convert_temperature":
                let celsius = params.arguments?["celsius"]?.doubleValue
                    ?? params.arguments?["celsius"]?.intValue.map(Double.init) ?? 0
                let fahrenheit = celsius * 9 / 5 + 32
                return .init(content: [.text(text: "\(celsius) °C is \(fahrenheit) °F", annotations: nil, _meta: nil)])
            default:
                throw MCPError.invalidParams("Unknown tool: \(params.name)")
            }
        }
        return server
    }
}

/// The agent: starts this program as the server, connects over its stdin and stdout, calls both tools.
enum Agent {
    static func run() async throws -> (TraceID, [String]) {
        // Writing to a server that exited must fail the call, not end this process.
        signal(SIGPIPE, SIG_IGN)
        let child = Process()
        child.executableURL = URL(fileURLWithPath: executablePath())
        child.arguments = ["server"]
        let toServer = Pipe()
        let fromServer = Pipe()
        child.standardInput = toServer
        child.standardOutput = fromServer
        try child.run()

        let transport = StdioTransport(
            input: FileDescriptor(rawValue: fromServer.fileHandleForReading.fileDescriptor),
            output: FileDescriptor(rawValue: toServer.fileHandleForWriting.fileDescriptor))
        let client = Client(name: "weather-agent", version: "1.0")
        _ = try await client.connect(transport: TracedTransport(transport))

        let result = try await NoveumTrace.traceAgent("weather_agent") { span -> (TraceID, [String]) in
            let tools = try await client.listTools().tools.map(\.name)
            let weather = try await client.callTool(name: "get_weather", arguments: ["city": "Lisbon"])
            let converted = try await client.callTool(name: "convert_temperature", arguments: ["celsius": 21])
            let answers = ["tools: \(tools.joined(separator: ", "))"] + (weather.content + converted.content).map {
                if case .text(let text, _, _) = $0 { return text }
                return "\($0)"
            }
            return (span.spanContext.traceID, answers)
        }
        await client.disconnect()
        try? toServer.fileHandleForWriting.close()
        child.waitUntilExit()
        return result
    }

    /// This program's path, to start it again as the server.
    static func executablePath() -> String {
        let argument = CommandLine.arguments[0]
        if argument.hasPrefix("/") { return argument }
        return FileManager.default.currentDirectoryPath + "/" + argument
    }
}

/// The spans of one trace read back from the local spool both processes wrote.
enum TraceFile {
    static func tree(of traceID: TraceID, in directory: LocalTraceDirectory) throws -> String {
        let contents = try Data(contentsOf: URL(fileURLWithPath: directory.spoolPath))
        let spans = contents.split(separator: UInt8(ascii: "\n")).compactMap { line -> SpanData? in
            guard let record = try? LocalSpanLineDecoder.decode(Data(line)), record.span.traceID == traceID
            else { return nil }
            return record.span
        }
        return TraceTreeRenderer().render(spans)
    }
}
