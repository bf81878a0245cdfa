// swift-tools-version:6.1
// The concurrency suites, built on their own so that `swift test --sanitize=thread` and `--sanitize=address`
// compile only the core library (NoveumTrace, NoveumTraceTesting and their two small dependencies), not the HTTP
// servers and protobuf runtime the other test targets need.
//
//     swift test --package-path Tests/SanitizerSuite --sanitize=thread
//     swift test --package-path Tests/SanitizerSuite --sanitize=address
//
// The test files are symbolic links to the files in Tests/NoveumTraceTests: one copy of each test.
import PackageDescription

let package = Package(
    name: "SanitizerSuite",
    platforms: [.macOS(.v15), .iOS(.v18), .tvOS(.v18), .watchOS(.v11)],
    dependencies: [
        // No traits: only the core and its two dependencies are resolved.
        .package(name: "noveum-trace-swift", path: "../..", traits: []),
    ],
    targets: [
        .testTarget(
            name: "SanitizerTests",
            dependencies: [
                .product(name: "NoveumTrace", package: "noveum-trace-swift"),
                .product(name: "NoveumTraceTesting", package: "noveum-trace-swift"),
            ]
        ),
    ]
)
