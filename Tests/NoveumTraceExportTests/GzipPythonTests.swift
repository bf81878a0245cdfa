import Foundation
import NoveumTrace
import NoveumTraceTestSupport
import Testing

/// The exporters' gzip writer read by another implementation than the zlib the core tests use.
@Suite("gzip writer, read by Python")
struct GzipPythonTests {
    @Test("Python's gzip module reads export bodies, random bytes, long runs and many blocks back")
    func pythonReadsIt() throws {
        guard Loopback.run("python3", ["--version"]) == 0 else {
            Issue.record("python3 is not installed")
            return
        }
        var generator = SplitMix64(seed: 13)
        let random = (0..<200_000).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
        var mixed: [UInt8] = []
        while mixed.count < 1_000_000 {
            mixed += random[0..<Int(generator.next() % 50)]
            mixed += Array(repeating: Array("\"llm.model\":\"gpt-4o\",".utf8), count: Int(generator.next() % 20))
                .joined()
        }
        let encoder = NoveumJSONEncoder(project: "gzip", environment: "test", resource: Resource(attributes: [:]))
        let spans = (0..<512).map { index in
            SpanData(
                context: SpanContext(
                    traceID: TraceID(high: generator.next() | 1, low: generator.next()),
                    spanID: SpanID(rawValue: generator.next() | 1), isSampled: true),
                parentSpanID: nil, name: "chat gpt-4o", startTimeNanos: UInt64(index) * 1_000,
                endTimeNanos: UInt64(index) * 1_000 + 150_000, status: .ok,
                attributes: ["llm.model": "gpt-4o", "llm.input_tokens": .int(Int64(index))])
        }
        let inputs: [[UInt8]] = [
            [], Array("a".utf8), encoder.encode(spans), random, mixed, [UInt8](repeating: 0, count: 500_000),
        ]
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("gzip-writer-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        for (index, input) in inputs.enumerated() {
            try Data(input).write(to: folder.appendingPathComponent("\(index)"))
            try Data(try #require(Gzip.compress(input))).write(to: folder.appendingPathComponent("\(index).gz"))
        }
        let script = """
            import gzip, os, sys
            folder = sys.argv[1]
            names = [n for n in os.listdir(folder) if not n.endswith(".gz")]
            bad = [n for n in names if gzip.decompress(open(os.path.join(folder, n + ".gz"), "rb").read())
                   != open(os.path.join(folder, n), "rb").read()]
            print("unequal after inflating:", bad)
            sys.exit(1 if bad or len(names) != int(sys.argv[2]) else 0)
            """
        #expect(Loopback.run("python3", ["-c", script, folder.path, String(inputs.count)]) == 0)
    }
}
