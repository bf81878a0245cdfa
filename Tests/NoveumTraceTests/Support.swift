@testable import NoveumTrace
import NoveumTraceTesting

/// A client that exports to memory and reads no process environment, for deterministic tests.
func makeClient(
    samplingRate: Double = 1, batchSize: Int = 512, maxQueueSize: Int = 4096, asyncExport: Bool = true,
    limits: SpanLimits = SpanLimits(), environment: [String: String] = [:]
) throws -> (NoveumClient, InMemoryExporter) {
    let exporter = InMemoryExporter()
    let client = try NoveumClient(
        apiKey: nil, project: "test-project", environment: "test", endpoint: nil, serviceVersion: nil,
        config: Configuration(
            samplingRate: samplingRate, batchSize: batchSize, asyncExport: asyncExport, maxQueueSize: maxQueueSize,
            // Export happens on flush (or a full batch), never because a timer fired while a loaded machine
            // delayed the test: what each test sees does not depend on timing.
            scheduleDelay: .seconds(600), limits: limits, exporters: [exporter]),
        processEnvironment: environment)
    return (client, exporter)
}

struct TestError: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}

enum TypedFailure: Error, Equatable {
    case rateLimited(retryAfter: Int)
}

extension Array where Element == SpanData {
    /// The first span named `name`.
    func named(_ name: String) -> SpanData? { first { $0.name == name } }
}

/// What the core's tests draw from the test-support target's seeded generator (`SplitMix64.swift` here is a link to
/// it: this target and the sanitizer suite build without that target). The same inputs on every run, so a failure
/// names the seed and round that reproduce it.
extension SplitMix64 {
    /// A value in `0..<bound` (`bound` > 0).
    mutating func next(below bound: Int) -> Int { Int(next() % UInt64(bound)) }

    mutating func bytes(_ count: Int) -> [UInt8] { (0..<count).map { _ in UInt8(truncatingIfNeeded: next()) } }
}
