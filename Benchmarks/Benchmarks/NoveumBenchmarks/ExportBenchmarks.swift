import Benchmark

/// Item 3 of the suite: export throughput. A placeholder until the exporters land (they are being built on the
/// `noveum-exporter` and `otlp-exporter` branches); BENCHMARKS.md lists the rows this file is to add.
///
/// TODO(#4, item 3), once the exporters are on main — replace this file's body, nothing else:
/// - "20 encode Noveum JSON [noveum]": spans/s encoded to the Noveum trace JSON on one core (batches of 512
///   `SpanData` built once in setup, `spans` = batch size per iteration).
/// - "21 encode OTLP protobuf [noveum]": the same to an OTLP `ExportTraceServiceRequest`; target ≥ 1,000,000
///   spans/s on one core. Baseline: swift-otel's `OTelFinishedSpan` → proto conversion is internal, so compare
///   against the figure only.
/// - "22 deliver to loopback, gzip on/off [noveum]": a client with the real HTTP exporter posting to an
///   in-process receiver on 127.0.0.1; spans/s delivered end to end (target ≥ 100,000/s) and `dropped` = 0 below
///   the queue bound.
/// If the exporters live in a new library product, add it to `NoveumBenchmarks`'s dependencies in
/// Benchmarks/Package.swift.
func registerExportBenchmarks() {}
