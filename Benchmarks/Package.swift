// swift-tools-version:6.1
// The benchmark suite for NoveumTrace: a package of its own, so that the SDK never depends on a benchmark or
// comparison library. See BENCHMARKS.md in the repository root; `Benchmarks/run.sh` runs everything.
import PackageDescription

let package = Package(
    name: "noveum-trace-benchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "noveum-trace-swift", path: ".."),
        .package(
            url: "https://github.com/ordo-one/package-benchmark.git", from: "1.38.1", traits: ["MallocInterposer"]),
        .package(url: "https://github.com/apple/swift-distributed-tracing.git", from: "1.7.3"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        // The loopback receiver of the delivery benchmarks (already in the graph through swift-otel's OTLP/HTTP).
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        // The baseline exports to nowhere, but swift-otel 1.6.0 does not compile on Linux with no exporter trait
        // (its core relies on Foundation being imported by the OTLP/HTTP files), so keep OTLP/HTTP and leave out
        // gRPC.
        .package(url: "https://github.com/swift-otel/swift-otel.git", from: "1.6.0", traits: ["OTLPHTTP"]),
        // The MCP overhead measurement: the same client and server, traced and not.
        .package(url: "https://github.com/modelcontextprotocol/swift-sdk.git", from: "0.12.1"),
    ],
    targets: [
        // What the benchmarks and the memory tools share: exporters for measuring and client fixtures.
        .target(name: "CHeapStats"),
        .target(
            name: "BenchmarkSupport",
            dependencies: [
                "CHeapStats",
                "CBenchZlib",
                .product(name: "NoveumTrace", package: "noveum-trace-swift"),
                .product(name: "NoveumTraceMacros", package: "noveum-trace-swift"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]
        ),
        // The ordo-one/benchmark suite: per-span cost, allocations, contention, against NoOpTracer and swift-otel.
        .executableTarget(
            name: "NoveumBenchmarks",
            dependencies: [
                "BenchmarkSupport",
                .product(name: "NoveumTrace", package: "noveum-trace-swift"),
                .product(name: "NoveumTraceOTLP", package: "noveum-trace-swift"),
                .product(name: "Benchmark", package: "package-benchmark"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "OTel", package: "swift-otel"),
            ],
            path: "Benchmarks/NoveumBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "package-benchmark")]
        ),
        // Bytes per buffered span, and peak resident memory under a sustained overload.
        .executableTarget(
            name: "noveum-memory",
            dependencies: [
                "BenchmarkSupport",
                .product(name: "NoveumTrace", package: "noveum-trace-swift"),
            ],
            path: "Sources/NoveumMemory"
        ),
        // One workload in a plain loop, for callgrind and perf.
        .executableTarget(
            name: "noveum-profile",
            dependencies: [
                "BenchmarkSupport",
                .product(name: "NoveumTrace", package: "noveum-trace-swift"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
            ],
            path: "Sources/NoveumProfile"
        ),
        // What TracedTransport adds to an MCP tool call, against the same call untraced.
        .executableTarget(
            name: "noveum-mcp-overhead",
            dependencies: [
                "BenchmarkSupport",
                .product(name: "NoveumTrace", package: "noveum-trace-swift"),
                .product(name: "NoveumTraceMCP", package: "noveum-trace-swift"),
                .product(name: "MCP", package: "swift-sdk"),
            ],
            path: "Sources/NoveumMCPOverhead"
        ),
        // zlib for pre-compressing request bodies and reading compressed ones (the SDK's gzip is internal to its
        // package).
        .target(name: "CBenchZlib", linkerSettings: [.linkedLibrary("z")]),
        // How fast `noveum-trace collect` stores OTLP/HTTP exports sent over loopback (spans/s committed).
        .executableTarget(
            name: "noveum-otlp-ingest",
            dependencies: [
                "BenchmarkSupport",
                "CBenchZlib",
                .product(name: "NoveumTrace", package: "noveum-trace-swift"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            path: "Sources/NoveumOTLPIngest"
        ),
        // Whole-pipeline CPU (user+sys) per span delivered to a loopback receiver, one child process per run: our
        // OTLP protobuf and Noveum JSON exporters against swift-otel's batch processor and OTLP/HTTP exporter.
        .executableTarget(
            name: "noveum-pipeline-cpu",
            dependencies: [
                "BenchmarkSupport",
                .product(name: "NoveumTrace", package: "noveum-trace-swift"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "OTel", package: "swift-otel"),
            ],
            path: "Sources/NoveumPipelineCPU"
        ),
    ]
)
