// swift-tools-version:6.1
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
        // Test-only dependencies: used by the interop tests, never by a library product.
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
