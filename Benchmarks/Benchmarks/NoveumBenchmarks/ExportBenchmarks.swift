import Foundation
import Benchmark
import BenchmarkSupport
import NoveumTrace
import NoveumTraceOTLP
import Synchronization

/// Item 3 of the suite: export throughput.
///
/// - Encoding: a batch of 512 finished LLM spans (8 attributes each, built once) encoded to the Noveum trace JSON
///   and to an OTLP `ExportTraceServiceRequest` (protobuf and JSON), on the benchmark's one thread.
/// - Delivery: a client with the real HTTP exporter (the core's `URLSessionTransport`) posting to an in-process
///   receiver on 127.0.0.1; each iteration finishes 10,000 spans and flushes, so the time is from the first span
///   to the receiver's last answer. `dropped` counts every drop of every reason and must stay 0: 10,000 is below
///   the queue bound.
func registerExportBenchmarks() {
    let batch = ExportFixtures.llmBatch(count: 512)
    let resource = ExportFixtures.resource
    let noveumJSON = NoveumJSONEncoder(project: "bench", environment: "bench", resource: resource)
    let protobuf = OTLPProtobufEncoder()
    let otlpJSON = OTLPJSONEncoder()

    bench("20 encode Noveum JSON", "noveum", spans: batch.count) {
        blackHole(noveumJSON.encode(batch, timestampNanos: 1).count)
    }
    bench("21 encode OTLP protobuf", "noveum", spans: batch.count) {
        blackHole(protobuf.encode(batch, resource: resource).count)
    }
    bench("21 encode OTLP JSON", "noveum", spans: batch.count) {
        blackHole(otlpJSON.encode(batch, resource: resource).count)
    }

    guard let receiver = try? LoopbackReceiver() else {
        print("export benchmarks: could not start the loopback receiver; delivery benchmarks skipped")
        return
    }
    let spans = 10_000
    for (compression, label) in [(OTLPCompression.gzip, "gzip"), (.none, "no gzip")] {
        let exporter = try? OTLPExporter(
            .init(endpoint: receiver.baseURL + "/v1/traces", compression: compression), environment: [:])
        guard let exporter else { continue }
        let client = Fixtures.client(exporters: [exporter])
        deliveryBench("22 deliver OTLP protobuf to loopback, \(label)", client: client, spans: spans)
    }
    for (gzip, label) in [(true, "gzip"), (false, "no gzip")] {
        let client = Fixtures.client(
            apiKey: "bench-key", endpoint: receiver.baseURL, exporters: [NoveumExporter(compression: gzip)])
        deliveryBench("23 deliver Noveum JSON to loopback, \(label)", client: client, spans: spans)
    }
    // The same OTLP delivery with the disk buffer on: each batch written (and with fsync, flushed to the device)
    // before its request and removed after it, in a fresh directory under the temporary directory.
    for (synchronous, label) in [(true, "fsync"), (false, "no fsync")] {
        let exporter = try? OTLPExporter(.init(endpoint: receiver.baseURL + "/v1/traces"), environment: [:])
        guard let exporter else { continue }
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("noveum-bench-disk-\(UUID().uuidString)").path
        let client = Fixtures.client(
            exporters: [exporter], diskBuffer: DiskBufferConfiguration(directory: directory, synchronous: synchronous))
        deliveryBench("24 deliver OTLP protobuf to loopback through the disk buffer, gzip, \(label)", client: client, spans: spans)
    }
}

/// One delivery benchmark: `spans` LLM-sized spans finished and flushed per iteration; `dropped` is every drop.
private func deliveryBench(_ caseName: String, client: NoveumClient, spans: Int) {
    let baseline = DropBaseline(client)
    Benchmark("\(caseName) [noveum]") { benchmark in
        for _ in 0..<spans { NoveumWork.llmSpanByHand(client) }
        await client.flush(timeout: .seconds(60))
        benchmark.stopMeasurement()
        benchmark.measurement(BenchMetric.spans, spans)
        benchmark.measurement(BenchMetric.dropped, baseline.sinceFirstCall())
    }
}

/// Counts every drop of a client (any reason, any exporter) since a benchmark's first iteration.
private final class DropBaseline: Sendable {
    private let client: NoveumClient
    private let first = Mutex<Int?>(nil)

    init(_ client: NoveumClient) {
        self.client = client
    }

    func sinceFirstCall() -> Int {
        let stats = client.stats
        let now = stats.spansDropped.values.reduce(0, +) + stats.spansBuffered
        return first.withLock { first in
            if first == nil { first = now }
            return now - (first ?? now)
        }
    }
}
