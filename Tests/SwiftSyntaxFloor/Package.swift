// swift-tools-version:6.1
// An app whose other macro packages hold swift-syntax at the oldest release NoveumTraceMacros accepts: CI builds
// and runs it (Scripts/consumer-checks.sh), so the range in the root manifest stays true.
import PackageDescription

let package = Package(
    name: "SwiftSyntaxFloor",
    platforms: [.macOS(.v15), .iOS(.v18)],
    dependencies: [
        .package(name: "noveum-trace-swift", path: "../..", traits: ["Macros"]),
        .package(url: "https://github.com/swiftlang/swift-syntax.git", exact: "600.0.1"),
    ],
    targets: [
        .executableTarget(
            name: "swift-syntax-floor",
            dependencies: [
                .product(name: "NoveumTrace", package: "noveum-trace-swift"),
                .product(name: "NoveumTraceMacros", package: "noveum-trace-swift"),
            ]
        ),
    ]
)
