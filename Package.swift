// swift-tools-version:6.1
// NoveumTrace for Swift: tracing for LLM and agent applications.
//
// The core product, `NoveumTrace`, depends on swift-distributed-tracing and swift-log alone; it carries the API,
// the export pipeline and every exporter (Noveum, OTLP/HTTP, the console, the local spool). Each heavier
// dependency sits behind a package trait named after what it brings. The default traits enable them all, so
// `swift run noveum-trace demo` and a plain `.package(url:from:)` get everything; an app that writes `traits: []`
// and names only the traits it uses resolves only the packages those traits need:
//
//     .package(url: "https://github.com/Noveum/noveum-trace-swift.git", from: "0.1.0", traits: ["Macros"])
//
// Sections, in the order a reader needs them: traits, dependencies, then targets by layer (core, exporters,
// integrations, testing support, local tools, macros, examples, tests). Shared Swift settings are applied to every
// target in one loop at the end.
import CompilerPluginSupport
import PackageDescription

let package = Package(
    name: "noveum-trace-swift",
    platforms: [.macOS(.v15), .iOS(.v18), .tvOS(.v18), .watchOS(.v11)],
    products: [
        // Core and exporters
        .library(name: "NoveumTrace", targets: ["NoveumTrace"]),
        .library(name: "NoveumTraceOTLP", targets: ["NoveumTraceOTLP"]),
        // Integrations
        .library(name: "NoveumTraceAsyncHTTPClient", targets: ["NoveumTraceAsyncHTTPClient"]),
        .library(name: "NoveumTraceLifecycle", targets: ["NoveumTraceLifecycle"]),
        .library(name: "NoveumTraceOpenAPI", targets: ["NoveumTraceOpenAPI"]),
        .library(name: "NoveumTraceMetrics", targets: ["NoveumTraceMetrics"]),
        .library(name: "NoveumTraceMCP", targets: ["NoveumTraceMCP"]),
        // Testing support
        .library(name: "NoveumTraceTesting", targets: ["NoveumTraceTesting"]),
        // Local tools
        .library(name: "NoveumTraceStore", targets: ["NoveumTraceStore"]),
        .executable(name: "noveum-trace", targets: ["NoveumTraceCommand"]),
        // Macros
        .library(name: "NoveumTraceMacros", targets: ["NoveumTraceMacros"]),
        // Examples
        .executable(name: "noveum-examples", targets: ["NoveumTraceExamples"]),
        .executable(name: "noveum-mcp-example", targets: ["NoveumTraceMCPExample"]),
    ],
    traits: [
        .trait(
            name: "Macros",
            description: "The NoveumTraceMacros product: @Trace, @TraceLLM, @TraceAgent, @TraceTool, @TraceRetrieval (swift-syntax)."),
        .trait(
            name: "LocalStore",
            description: "The NoveumTraceStore product: the local SQLite store of traces (GRDB)."),
        .trait(
            name: "CLI",
            description: "The noveum-trace command and its local web viewer (swift-argument-parser, Hummingbird).",
            enabledTraits: ["LocalStore"]),
        .trait(
            name: "AsyncHTTPClient",
            description: "The NoveumTraceAsyncHTTPClient product: LLM calls captured at AsyncHTTPClient's level."),
        .trait(
            name: "ServiceLifecycle",
            description: "The NoveumTraceLifecycle product: the client run as a swift-service-lifecycle Service."),
        .trait(
            name: "OpenAPI",
            description: "The NoveumTraceOpenAPI product: LLM calls of swift-openapi-generator clients captured by a middleware."),
        .trait(
            name: "Metrics",
            description: "The NoveumTraceMetrics product: GenAI client metrics and delivery counters through swift-metrics."),
        .trait(
            name: "MCP",
            description: "The NoveumTraceMCP product: Model Context Protocol calls traced on both sides (modelcontextprotocol/swift-sdk)."),
        .default(
            enabledTraits: ["Macros", "LocalStore", "CLI", "AsyncHTTPClient", "ServiceLifecycle", "OpenAPI", "Metrics", "MCP"]),
    ],
    dependencies: [
        // Core
        .package(url: "https://github.com/apple/swift-distributed-tracing.git", from: "1.7.3"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        // Traits: AsyncHTTPClient, ServiceLifecycle, OpenAPI, LocalStore, CLI (Hummingbird is also a test server).
        // OpenAPI's swift-http-types is swift-openapi-runtime's own dependency, named because the middleware
        // imports its request and response types.
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-openapi-runtime.git", from: "1.13.4"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        // Trait: Metrics
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        // Trait: MCP
        .package(url: "https://github.com/modelcontextprotocol/swift-sdk.git", from: "0.12.1"),
        .package(url: "https://github.com/apple/swift-system.git", from: "1.8.1"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        // Trait: Macros. Every swift-syntax from 600 (Swift 6.0) through 603 builds the macros; CI builds them
        // against the oldest (Tests/SwiftSyntaxFloor).
        .package(url: "https://github.com/swiftlang/swift-syntax.git", "600.0.0"..<"604.0.0"),
        // Documentation: `swift package generate-documentation` (no target depends on it, so apps never fetch it)
        .package(url: "https://github.com/swiftlang/swift-docc-plugin.git", from: "1.5.0"),
        // Tests only: the OTLP reference messages, property-based tests, the transport of the generated OpenAPI
        // client (the generator itself is not a dependency: its output is committed)
        .package(url: "https://github.com/apple/swift-protobuf.git", from: "1.39.0"),
        .package(url: "https://github.com/x-sheep/swift-property-based.git", from: "2.0.1"),
        .package(url: "https://github.com/swift-server/swift-openapi-async-http-client.git", from: "1.5.0"),
        // Tests only: the metrics as a Prometheus backend prints them
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
    ],
    targets: [
        // MARK: Core

        // The API, the span model, context, sampling, the export pipeline and its exporters (Noveum JSON, OTLP/HTTP,
        // console, local spool), LLM conventions, usage and cost, redaction, HTTP capture over URLSession, and the
        // swift-distributed-tracing `Tracer`.
        .target(
            name: "NoveumTrace",
            dependencies: [
                "CNoveumZlib",
                .product(name: "Tracing", package: "swift-distributed-tracing"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The system's zlib (`zlib1g-dev` on Debian and Ubuntu, part of the SDK on Apple platforms), to read gzip
        // bodies, and the gzip writer's CRC-32 (by carry-less multiplication on x86-64 Linux, zlib's elsewhere).
        .target(
            name: "CNoveumZlib",
            linkerSettings: [.linkedLibrary("z")]
        ),

        // MARK: Exporters

        // The OTLP exporter lives in the core; this module re-exports it so `import NoveumTraceOTLP` keeps working.
        .target(
            name: "NoveumTraceOTLP",
            dependencies: ["NoveumTrace"]
        ),

        // MARK: Integrations

        // LLM calls captured at the HTTP level for code that uses AsyncHTTPClient.
        .target(
            name: "NoveumTraceAsyncHTTPClient",
            dependencies: [
                "NoveumTrace",
                .product(name: "AsyncHTTPClient", package: "async-http-client", condition: .when(traits: ["AsyncHTTPClient"])),
            ]
        ),
        // The client as a swift-service-lifecycle `Service`: flushed and shut down with the app.
        .target(
            name: "NoveumTraceLifecycle",
            dependencies: [
                "NoveumTrace",
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle", condition: .when(traits: ["ServiceLifecycle"])),
            ]
        ),
        // LLM calls captured by a swift-openapi-runtime `ClientMiddleware`, for clients made by
        // swift-openapi-generator.
        .target(
            name: "NoveumTraceOpenAPI",
            dependencies: [
                "NoveumTrace",
                .product(name: "OpenAPIRuntime", package: "swift-openapi-runtime", condition: .when(traits: ["OpenAPI"])),
                .product(name: "HTTPTypes", package: "swift-http-types", condition: .when(traits: ["OpenAPI"])),
            ]
        ),
        // GenAI client metrics (token usage, operation duration, time to first chunk) recorded from finished LLM
        // spans on the export side, and the client's delivery counters, through swift-metrics.
        .target(
            name: "NoveumTraceMetrics",
            dependencies: [
                "NoveumTrace",
                .product(name: "CoreMetrics", package: "swift-metrics", condition: .when(traits: ["Metrics"])),
            ]
        ),
        // Model Context Protocol calls as spans on both sides, with the trace carried in `params._meta`: a
        // transport wrapper for swift-sdk's clients and servers, and traced handler registration.
        .target(
            name: "NoveumTraceMCP",
            dependencies: [
                "NoveumTrace",
                .product(name: "MCP", package: "swift-sdk", condition: .when(traits: ["MCP"])),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),

        // MARK: Testing support

        // `InMemoryExporter`: the spans a test produced, exactly as exported.
        .target(
            name: "NoveumTraceTesting",
            dependencies: ["NoveumTrace"]
        ),

        // MARK: Local tools

        // The local SQLite store: ingests the spool the core's `LocalSpoolExporter` writes, and answers queries.
        .target(
            name: "NoveumTraceStore",
            dependencies: [
                "NoveumTrace",
                .product(name: "GRDB", package: "GRDB.swift", condition: .when(traits: ["LocalStore"])),
                .product(name: "GRDBSQLite", package: "GRDB.swift", condition: .when(traits: ["LocalStore"])),
            ]
        ),
        // The `noveum-trace` command's logic (`demo`, `list`, `show`, `tail`, `stats`, `export`, `prune`, `serve`)
        // and the local web viewer, as a library so tests run it in-process.
        .target(
            name: "NoveumTraceCLI",
            dependencies: [
                "NoveumTrace",
                "NoveumTraceStore",
                .product(name: "ArgumentParser", package: "swift-argument-parser", condition: .when(traits: ["CLI"])),
                .product(name: "Hummingbird", package: "hummingbird", condition: .when(traits: ["CLI"])),
            ]
        ),
        .executableTarget(
            name: "NoveumTraceCommand",
            dependencies: ["NoveumTraceCLI"]
        ),

        // MARK: Macros

        // `@Trace`, `@TraceLLM`, `@TraceAgent`, `@TraceTool`, `@TraceRetrieval`: the declarations, and the
        // compiler plugin that expands them.
        .target(
            name: "NoveumTraceMacros",
            dependencies: ["NoveumTrace", "NoveumTraceMacrosPlugin"]
        ),
        .macro(
            name: "NoveumTraceMacrosPlugin",
            dependencies: [
                .product(name: "SwiftSyntax", package: "swift-syntax", condition: .when(traits: ["Macros"])),
                .product(name: "SwiftSyntaxMacros", package: "swift-syntax", condition: .when(traits: ["Macros"])),
                .product(name: "SwiftSyntaxBuilder", package: "swift-syntax", condition: .when(traits: ["Macros"])),
                .product(name: "SwiftCompilerPlugin", package: "swift-syntax", condition: .when(traits: ["Macros"])),
                .product(name: "SwiftDiagnostics", package: "swift-syntax", condition: .when(traits: ["Macros"])),
            ]
        ),

        // MARK: Examples

        // The product document's examples, runnable: `swift run noveum-examples`.
        .executableTarget(
            name: "NoveumTraceExamples",
            dependencies: ["NoveumTrace"],
            path: "Examples/FlexibleTracing"
        ),
        // An MCP server with two tools and an agent calling it over stdio, one trace across both processes:
        // `swift run noveum-mcp-example`.
        .executableTarget(
            name: "NoveumTraceMCPExample",
            dependencies: [
                "NoveumTrace",
                "NoveumTraceMCP",
                .product(name: "MCP", package: "swift-sdk", condition: .when(traits: ["MCP"])),
                .product(name: "SystemPackage", package: "swift-system", condition: .when(traits: ["MCP"])),
            ],
            path: "Examples/MCPWeather"
        ),

        // MARK: Tests

        // What the test targets share, written once: the OTLP protobuf messages (generated once, committed) that
        // decode what the exporter sends, the loopback servers (capturing, provider, fault-injecting), transports
        // and log capture, loopback helpers, the seeded generator and the product document's workloads.
        .target(
            name: "NoveumTraceTestSupport",
            dependencies: [
                "NoveumTrace",
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Tests/NoveumTraceTestSupport"
        ),
        // A process that produces spans through a disk-buffered exporter: the durability tests kill and restart it.
        .executableTarget(
            name: "SpanProducer",
            dependencies: ["NoveumTrace"],
            path: "Tests/SpanProducer"
        ),
        .testTarget(
            name: "NoveumTraceTests",
            dependencies: ["NoveumTrace", "NoveumTraceTesting"]
        ),
        .testTarget(
            name: "NoveumTraceExportTests",
            dependencies: [
                "NoveumTrace",
                "NoveumTraceTesting",
                "NoveumTraceTestSupport",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "NoveumTraceOTLPTests",
            dependencies: [
                "NoveumTrace",
                "NoveumTraceOTLP",
                "NoveumTraceTesting",
                "NoveumTraceTestSupport",
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ]
        ),
        .testTarget(
            name: "NoveumTraceCaptureTests",
            dependencies: [
                "NoveumTrace",
                "NoveumTraceTesting",
                "NoveumTraceTestSupport",
                "NoveumTraceAsyncHTTPClient",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ]
        ),
        // The middleware under a client generated from a trimmed OpenAI chat-completions document
        // (openai-chat.yaml; the generated code is committed, Scripts/generate-openapi-client.sh remakes it).
        .testTarget(
            name: "NoveumTraceOpenAPITests",
            dependencies: [
                "NoveumTrace",
                "NoveumTraceTesting",
                "NoveumTraceTestSupport",
                "NoveumTraceOpenAPI",
                .product(name: "OpenAPIRuntime", package: "swift-openapi-runtime"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "OpenAPIAsyncHTTPClient", package: "swift-openapi-async-http-client"),
            ],
            exclude: ["openai-chat.yaml", "openapi-generator-config.yaml"]
        ),
        .testTarget(
            name: "NoveumTraceMetricsTests",
            dependencies: [
                "NoveumTrace",
                "NoveumTraceTesting",
                "NoveumTraceMetrics",
                .product(name: "MetricsTestKit", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ]
        ),
        // A swift-sdk client and server traced in-process, and over stdio against the Python MCP SDK's own
        // tracing (Scripts/mcp-python.sh, Scripts/python/mcp_peer.py).
        .testTarget(
            name: "NoveumTraceMCPTests",
            dependencies: [
                "NoveumTrace",
                "NoveumTraceTesting",
                "NoveumTraceTestSupport",
                "NoveumTraceMCP",
                .product(name: "MCP", package: "swift-sdk"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
            ]
        ),
        .testTarget(
            name: "NoveumTraceInteropTests",
            dependencies: [
                "NoveumTrace",
                "NoveumTraceTesting",
                "NoveumTraceTestSupport",
                "NoveumTraceLifecycle",
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ]
        ),
        // Fault injection, bad input, security and interop with real backends (see RELIABILITY.md).
        .testTarget(
            name: "NoveumTraceReliabilityTests",
            dependencies: [
                "NoveumTrace",
                "NoveumTraceOTLP",
                "NoveumTraceTesting",
                "NoveumTraceTestSupport",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "PropertyBased", package: "swift-property-based"),
            ]
        ),
        .testTarget(
            name: "NoveumTraceStoreTests",
            dependencies: [
                "NoveumTrace", "NoveumTraceStore",
                .product(name: "GRDB", package: "GRDB.swift"),
            ]
        ),
        .testTarget(
            name: "NoveumTraceCLITests",
            dependencies: [
                "NoveumTrace",
                "NoveumTraceStore",
                "NoveumTraceCLI",
                "NoveumTraceTestSupport",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ]
        ),
        .testTarget(
            name: "NoveumTraceMacrosTests",
            dependencies: [
                "NoveumTraceMacros",
                "NoveumTraceMacrosPlugin",
                "NoveumTraceTesting",
                .product(name: "SwiftSyntax", package: "swift-syntax"),
                .product(name: "SwiftSyntaxMacros", package: "swift-syntax"),
                .product(name: "SwiftSyntaxMacroExpansion", package: "swift-syntax"),
                .product(name: "SwiftSyntaxMacrosGenericTestSupport", package: "swift-syntax"),
            ]
        ),
    ]
)

// Settings every target shares.
for target in package.targets {
    var settings = target.swiftSettings ?? []
    settings.append(.enableUpcomingFeature("ExistentialAny"))
    target.swiftSettings = settings
}
