// swift-tools-version:6.1
// An app that uses only the core and OTLP, with no package traits: what it resolves is the lean graph
// (Scripts/consumer-checks.sh fails if it fetches more than six packages), and its binary, copied alone into an
// empty folder with no resource bundle beside it, must still price an LLM span and exit 0.
import PackageDescription

let package = Package(
    name: "LeanConsumer",
    platforms: [.macOS(.v15), .iOS(.v18)],
    dependencies: [
        .package(name: "noveum-trace-swift", path: "../..", traits: []),
    ],
    targets: [
        .executableTarget(
            name: "lean-consumer",
            dependencies: [
                .product(name: "NoveumTrace", package: "noveum-trace-swift"),
                .product(name: "NoveumTraceOTLP", package: "noveum-trace-swift"),
            ]
        ),
    ]
)
