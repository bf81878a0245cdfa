import Logging
import NoveumTrace
import Tracing
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The settings every benchmark shares, so that ours and swift-otel's pipelines are configured alike.
public enum BenchSettings {
    /// Spans per export batch (swift-otel: `maxExportBatchSize`).
    public static let batchSize = 512
    /// Finished spans buffered per exporter before new ones are dropped. Large enough that a pipeline whose
    /// background task is briefly descheduled on a busy 2-core machine drops nothing; `NOVEUM_BENCH_QUEUE` overrides.
    public static let maxQueueSize: Int = {
        if let text = getenv("NOVEUM_BENCH_QUEUE").map({ String(cString: $0) }), let value = Int(text), value > 0 {
            return value
        }
        return 16_384
    }()
    /// The longest a span waits before export when no batch has filled.
    public static let scheduleDelay: Duration = .seconds(5)

    /// A logger that prints nothing: a full queue must not write to the benchmark's output.
    public static let quietLogger = Logger(label: "noveum.bench", factory: { _ in SwiftLogNoOpLogHandler() })
}

/// Clients with a real background pipeline.
public enum Fixtures {
    /// The same span through any swift-distributed-tracing `Tracer` (NoOpTracer, swift-otel), ended; returned so a
    /// benchmark can keep the optimizer from dropping it.
    @inlinable @inline(__always) @discardableResult
    public static func fourAttributesSpan<T: Tracer>(_ tracer: T) -> T.Span {
        let span = tracer.startSpan("op")
        span.attributes["attr.string"] = "value"
        span.attributes["attr.int"] = 42
        span.attributes["attr.double"] = 3.25
        span.attributes["attr.bool"] = true
        span.end()
        return span
    }

    /// The suite's span with four attributes (string, int, double, bool), set one call at a time.
    @inlinable @inline(__always)
    public static func fourAttributesSpan(_ client: NoveumClient) {
        let span = client.startSpan(name: "op")
        span.setAttribute("attr.string", "value")
        span.setAttribute("attr.int", 42)
        span.setAttribute("attr.double", 3.25)
        span.setAttribute("attr.bool", true)
        client.finishSpan(span)
    }

    /// A client exporting to `exporters` with the shared batch settings.
    public static func client(
        samplingRate: Double = 1, apiKey: String? = nil, endpoint: String = "http://127.0.0.1:9",
        exporters: [any SpanExporter], batchSize: Int = BenchSettings.batchSize,
        maxQueueSize: Int = BenchSettings.maxQueueSize, scheduleDelay: Duration = BenchSettings.scheduleDelay,
        diskBuffer: DiskBufferConfiguration? = nil
    ) -> NoveumClient {
        do {
            return try NoveumClient(
                apiKey: apiKey, project: "bench", environment: "bench", endpoint: endpoint,
                config: Configuration(
                    samplingRate: samplingRate, batchSize: batchSize, asyncExport: true, maxQueueSize: maxQueueSize,
                    scheduleDelay: scheduleDelay, diskBuffer: diskBuffer, exporters: exporters,
                    logger: BenchSettings.quietLogger))
        } catch {
            fatalError("benchmark client: \(error)")
        }
    }

    /// Spans that no exporter of `client` accepted because its queue was full.
    public static func queueFullDrops(_ client: NoveumClient) -> Int {
        client.stats.exporters.reduce(0) { $0 + ($1.dropped[.queueFull] ?? 0) }
    }
}
