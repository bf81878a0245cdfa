// swift-tools-version:6.1
import CompilerPluginSupport
import PackageDescription

let package = Package(
    name: "noveum-trace-swift",
    platforms: [.macOS(.v15), .iOS(.v18), .tvOS(.v18), .watchOS(.v11)],
    products: [
        .library(name: "NoveumTrace", targets: ["NoveumTrace"]),
        .library(name: "NoveumTraceTesting", targets: ["NoveumTraceTesting"]),
        .library(name: "NoveumTraceOTLP", targets: ["NoveumTraceOTLP"]),
        .library(name: "NoveumTraceLifecycle", targets: ["NoveumTraceLifecycle"]),
        .executable(name: "noveum-examples", targets: ["NoveumTraceExamples"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-distributed-tracing.git", from: "1.7.3"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-protobuf.git", from: "1.39.0"),
        // Hummingbird: tests and the local viewer (`noveum-trace serve`); AsyncHTTPClient: tests and HTTP-level capture.
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
    ],
    targets: [
        .target(
            name: "NoveumTrace",
            dependencies: [
                "CNoveumZlib",
                .product(name: "Tracing", package: "swift-distributed-tracing"),
                .product(name: "Logging", package: "swift-log"),
            ],
            resources: [.process("Resources")]
        ),
        // zlib (gzip request bodies): the system library, `zlib1g-dev` on Debian/Ubuntu, part of the SDK on
        // Apple platforms.
        .target(
            name: "CNoveumZlib",
            linkerSettings: [.linkedLibrary("z")]
        ),
        .target(
            name: "NoveumTraceTesting",
            dependencies: ["NoveumTrace"]
        ),
        .target(
            name: "NoveumTraceLifecycle",
            dependencies: [
                "NoveumTrace",
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .target(
            name: "NoveumTraceOTLP",
            dependencies: [
                "NoveumTrace",
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "NoveumTraceExamples",
            dependencies: ["NoveumTrace"],
            path: "Examples/FlexibleTracing"
        ),
        .testTarget(
            name: "NoveumTraceTests",
            dependencies: ["NoveumTrace", "NoveumTraceTesting"]
        ),
        .testTarget(
            name: "NoveumTraceInteropTests",
            dependencies: [
                "NoveumTrace",
                "NoveumTraceTesting",
                "NoveumTraceLifecycle",
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ]
        ),
        .testTarget(
            name: "NoveumTraceExportTests",
            dependencies: [
                "NoveumTrace",
                "NoveumTraceTesting",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Hummingbird", package: "hummingbird"),
            ]
        ),
        .testTarget(
            name: "NoveumTraceOTLPTests",
            dependencies: [
                "NoveumTraceOTLP",
                "NoveumTrace",
                "NoveumTraceTesting",
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ]
        ),
    ]
)

// Reliability suite (issue 8): fault injection, bad input, security and interop tests (see RELIABILITY.md).
// Test-only: no library product depends on these.
package.dependencies += [
    .package(url: "https://github.com/x-sheep/swift-property-based.git", from: "2.0.1"),
]
package.targets += [
    .testTarget(
        name: "NoveumTraceReliabilityTests",
        dependencies: [
            "NoveumTrace",
            "NoveumTraceTesting",
            "NoveumTraceOTLP",
            .product(name: "Logging", package: "swift-log"),
            .product(name: "Tracing", package: "swift-distributed-tracing"),
            .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
            .product(name: "PropertyBased", package: "swift-property-based"),
        ]
    ),
]

// Local store, CLI and viewer (issue 7)
//
// `NoveumTraceStore` (SQLite through GRDB) ingests the JSON-lines spool that the core's `LocalSpoolExporter` writes
// and answers queries; the core never depends on it. `noveum-trace` is the command (`demo`, `list`, `show`, `tail`,
// `stats`, `export`, `prune`, `serve`); its logic lives in the `NoveumTraceCLI` library so tests run it in-process.
// Hummingbird (the local viewer) is a dependency of the CLI target only.
package.dependencies += [
    .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
    .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
]
package.products += [
    .library(name: "NoveumTraceStore", targets: ["NoveumTraceStore"]),
    .executable(name: "noveum-trace", targets: ["NoveumTraceCommand"]),
]
package.targets += [
    .target(
        name: "NoveumTraceStore",
        dependencies: ["NoveumTrace", .product(name: "GRDB", package: "GRDB.swift")]
    ),
    .target(
        name: "NoveumTraceCLI",
        dependencies: [
            "NoveumTrace",
            "NoveumTraceStore",
            "NoveumTraceOTLP",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Hummingbird", package: "hummingbird"),
        ]
    ),
    .executableTarget(
        name: "NoveumTraceCommand",
        dependencies: ["NoveumTraceCLI"]
    ),
    .testTarget(
        name: "NoveumTraceStoreTests",
        dependencies: ["NoveumTrace", "NoveumTraceStore"]
    ),
    .testTarget(
        name: "NoveumTraceCLITests",
        dependencies: [
            "NoveumTrace",
            "NoveumTraceStore",
            "NoveumTraceCLI",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "HummingbirdTesting", package: "hummingbird"),
        ]
    ),
]

// Macros (issue 6): `@Trace`, `@TraceLLM`, `@TraceAgent`, `@TraceTool`, `@TraceRetrieval`. Only code that imports
// the `NoveumTraceMacros` product builds swift-syntax.
package.dependencies += [
    .package(url: "https://github.com/swiftlang/swift-syntax.git", from: "603.0.1"),
]
package.products += [
    .library(name: "NoveumTraceMacros", targets: ["NoveumTraceMacros"]),
]
package.targets += [
    .macro(
        name: "NoveumTraceMacrosPlugin",
        dependencies: [
            .product(name: "SwiftSyntax", package: "swift-syntax"),
            .product(name: "SwiftSyntaxMacros", package: "swift-syntax"),
            .product(name: "SwiftSyntaxBuilder", package: "swift-syntax"),
            .product(name: "SwiftCompilerPlugin", package: "swift-syntax"),
            .product(name: "SwiftDiagnostics", package: "swift-syntax"),
        ]
    ),
    .target(
        name: "NoveumTraceMacros",
        dependencies: ["NoveumTrace", "NoveumTraceMacrosPlugin"]
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


// HTTP-level capture (issue 5): model calls traced at the HTTP level for code that cannot be edited.
// `NoveumTraceAsyncHTTPClient` wraps AsyncHTTPClient; the URLSession wrapper lives in the core.
package.products.append(.library(name: "NoveumTraceAsyncHTTPClient", targets: ["NoveumTraceAsyncHTTPClient"]))
package.targets.append(contentsOf: [
    .target(
        name: "NoveumTraceAsyncHTTPClient",
        dependencies: [
            "NoveumTrace",
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
        ]
    ),
    .testTarget(
        name: "NoveumTraceCaptureTests",
        dependencies: [
            "NoveumTrace",
            "NoveumTraceTesting",
            "NoveumTraceAsyncHTTPClient",
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
            .product(name: "Hummingbird", package: "hummingbird"),
        ]
    ),
])
// Real model tests (issue 9): `LLMServerTests` in NoveumTraceCaptureTests, enabled by NOVEUM_LLM_SERVER_URL
// (see Scripts/llm-server.sh); no target of their own.
