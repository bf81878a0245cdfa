import BenchmarkSupport
import Foundation
import Logging
import NoveumTrace
import OTel
import Tracing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One child process: one pipeline, one span shape, one measured run.
///
/// It produces `warmup` spans, flushes, and waits on stdin until the parent says its receiver has them all; then
/// it reads `getrusage(RUSAGE_SELF)` and the clock and produces `spans` spans from the main thread as fast as the
/// SDK takes them, `pace` at a time: after each `pace` spans it flushes (NoveumTrace; swift-otel's batch processor
/// exports on its schedule) and waits until the parent has received every span so far. Then it reads both again
/// and prints one line of JSON (``ChildResult``). With `--pace 0` it produces all the spans in one go, and the
/// queue bound holds them all.
enum Child {
    static func run(_ options: CommandOptions) -> Int32 {
        guard let configName = options.string("config"), let config = PipelineConfig(rawValue: configName),
            let shapeName = options.string("shape"), let shape = SpanShape(rawValue: shapeName),
            let url = options.string("url"), let spans = options.int("spans"), spans > 0
        else {
            return fail("child: --config, --shape, --url and --spans are required")
        }
        let warmup = options.int("warmup") ?? 2_000
        let pace = options.int("pace") ?? PipelineSettings.defaultPace
        let queue = options.int("queue") ?? PipelineSettings.queueSize(spans: spans, warmup: warmup, pace: pace)
        let schedule = Duration.milliseconds(options.int("schedule-ms") ?? PipelineSettings.defaultScheduleMilliseconds)

        let producer: any Producer
        do {
            producer = try makeProducer(config, shape: shape, url: url, queue: queue, schedule: schedule)
        } catch {
            return fail("child \(config.rawValue): could not set up the pipeline: \(error)")
        }

        producer.produce(warmup)
        blocking { await producer.flush() }
        guard parentConfirms(delivered: warmup) else {
            return fail("child \(config.rawValue) \(shape.rawValue): the warm-up spans did not all arrive")
        }
        let countsBefore = producer.sdkCounts()
        let cpuBefore = CPUTime.now()
        let wallBefore = ContinuousClock.now

        var produced = 0
        var delivered = true
        while delivered && produced < spans {
            let chunk = pace > 0 ? min(pace, spans - produced) : spans - produced
            producer.produce(chunk)
            produced += chunk
            blocking { await producer.flush() }
            delivered = parentConfirms(delivered: warmup + produced)
        }

        let cpuAfter = CPUTime.now()
        let wall = ContinuousClock.now - wallBefore
        let countsAfter = producer.sdkCounts()
        let result = ChildResult(
            config: config.rawValue, shape: shape.rawValue, spans: spans, warmup: warmup,
            userNanos: cpuAfter.user - cpuBefore.user, systemNanos: cpuAfter.system - cpuBefore.system,
            minorFaults: cpuAfter.minorFaults - cpuBefore.minorFaults,
            contextSwitches: cpuAfter.contextSwitches - cpuBefore.contextSwitches,
            wallNanos: wall.components.seconds * 1_000_000_000 + wall.components.attoseconds / 1_000_000_000,
            exported: countsAfter.map { after in after.exported - (countsBefore?.exported ?? 0) },
            dropped: countsAfter.map { after in after.dropped - (countsBefore?.dropped ?? 0) },
            receiverConfirmed: delivered)
        do {
            let line = try JSONEncoder().encode(result)
            say(String(decoding: line, as: UTF8.self))
        } catch {
            return fail("child: could not encode the result: \(error)")
        }
        blocking { await producer.shutdown() }
        return delivered ? 0 : 1
    }

    /// Tells the parent how many spans were produced so far and waits for its answer: `delivered` once its receiver
    /// has counted them all, anything else (`timeout`) when they did not arrive in time.
    private static func parentConfirms(delivered total: Int) -> Bool {
        say("produced \(total)")
        return readLine() == "delivered"
    }

    /// Runs `body` in a task and waits for it on this thread. The main thread stays synchronous (and produces the
    /// spans, as an app's thread would): valgrind 3.19 crashes when it parks in libdispatch's main loop, as it does
    /// for an async `main`.
    private static func blocking(_ body: @escaping @Sendable () async -> Void) {
        let done = DispatchSemaphore(value: 0)
        Task.detached {
            await body()
            done.signal()
        }
        done.wait()
    }

    private static func makeProducer(
        _ config: PipelineConfig, shape: SpanShape, url: String, queue: Int, schedule: Duration
    ) throws -> any Producer {
        switch config {
        case .otlpGzip, .otlp:
            let exporter = try OTLPExporter(
                .init(
                    endpoint: url + "/v1/traces", protocol: .httpProtobuf,
                    compression: config == .otlpGzip ? .gzip : OTLPCompression.none),
                environment: [:])
            return NoveumProducer(
                client: try client(apiKey: nil, url: url, exporter: exporter, queue: queue, schedule: schedule),
                shape: shape)
        case .noveumJSON:
            let exporter = NoveumExporter(compression: true)
            return NoveumProducer(
                client: try client(
                    apiKey: "bench-key", url: url, exporter: exporter, queue: queue, schedule: schedule),
                shape: shape)
        case .swiftOTel:
            return try makeOTelProducer(url: url, queue: queue, schedule: schedule, shape: shape)
        }
    }

    private static func client(
        apiKey: String?, url: String, exporter: any SpanExporter, queue: Int, schedule: Duration
    ) throws -> NoveumClient {
        try NoveumClient(
            apiKey: apiKey, project: "bench", environment: "bench", endpoint: url,
            config: Configuration(
                samplingRate: 1, batchSize: PipelineSettings.batchSize, asyncExport: true, maxQueueSize: queue,
                scheduleDelay: schedule, exporters: [exporter],
                logger: BenchSettings.quietLogger))
    }
}

/// What every configuration shares, so that the pipelines are set up alike.
enum PipelineSettings {
    /// Spans per export request (swift-otel: `maxExportBatchSize`).
    static let batchSize = 512
    /// The longest a span waits for a batch to fill, in milliseconds (`--schedule-ms`, the same for every
    /// pipeline). swift-otel's batch processor exports one batch per tick of this timer (or when its queue is full),
    /// so it must tick often enough to keep up with the producer.
    static let defaultScheduleMilliseconds = 5

    /// Spans produced between two waits for delivery (`--pace`; 0: all at once).
    static let defaultPace = 2_000

    /// The queue bound: both SDKs' default, 2,048, which holds a paced chunk; without pacing, one that holds the whole
    /// run, so nothing is dropped however far the export side falls behind. (swift-otel 1.6.0 costs more with a
    /// larger bound: its batch processor's queue is a `Deque` reserved at the bound, and each export copies it, as
    /// the batch it exports still shares the storage when the batch is removed.)
    static func queueSize(spans: Int, warmup: Int, pace: Int) -> Int {
        if pace > 0 && max(pace, warmup) <= 2_048 { return 2_048 }
        var size = 2_048
        while size < (pace > 0 ? max(pace, warmup) : spans + warmup) + batchSize { size *= 2 }
        return size
    }
}

/// The pipeline under test, seen from the child's loop.
protocol Producer: Sendable {
    /// Finishes `count` spans of the shape, one after the other, on the calling thread.
    func produce(_ count: Int)
    /// Asks the SDK to export what it holds (a no-op where the SDK has no flush that can be awaited).
    func flush() async
    /// The SDK's own counts of spans exported and dropped, where it has them.
    func sdkCounts() -> (exported: Int, dropped: Int)?
    func shutdown() async
}

/// NoveumTrace: `startSpan`, attributes, `finishSpan` on a client with one exporter.
struct NoveumProducer: Producer {
    let client: NoveumClient
    let shape: SpanShape

    func produce(_ count: Int) {
        switch shape {
        case .four:
            for _ in 0..<count {
                Fixtures.fourAttributesSpan(client)
            }
        case .llm:
            for _ in 0..<count {
                // The 13 attributes `traceLLM` and the usual response fields give an LLM call (row 06's span).
                let span = client.startSpan(name: "chat gpt-4o", kind: .client)
                span.setAttributes([
                    "llm.model": "gpt-4o", "llm.provider": "openai", "llm.operation": "chat",
                    "gen_ai.operation.name": "chat", "gen_ai.request.model": "gpt-4o",
                    "gen_ai.provider.name": "openai", "openinference.span.kind": "LLM", "llm.model_name": "gpt-4o",
                    "llm.input_tokens": 1200, "llm.output_tokens": 300, "llm.total_tokens": 1500,
                    "llm.cost.total": 0.0105, "llm.finish_reason": "stop",
                ])
                client.finishSpan(span)
            }
        }
    }

    func flush() async {
        await client.flush(timeout: .seconds(120))
    }

    func sdkCounts() -> (exported: Int, dropped: Int)? {
        let stats = client.stats
        return (stats.spansExported, stats.spansDropped.values.reduce(0, +))
    }

    func shutdown() async {
        await client.shutdown(timeout: .seconds(10))
    }
}

/// swift-otel 1.6.0: its tracer, batch span processor and OTLP/HTTP protobuf exporter (which sends no compression:
/// 1.6.0 applies `compression` to OTLP/gRPC only), running as its service in a task of their own.
struct OTelProducer<T: Tracer>: Producer {
    let tracer: T
    let shape: SpanShape
    let service: Task<Void, any Error>

    func produce(_ count: Int) {
        switch shape {
        case .four:
            for _ in 0..<count { Fixtures.fourAttributesSpan(tracer) }
        case .llm:
            for _ in 0..<count {
                let span = tracer.startSpan("chat gpt-4o", ofKind: .client)
                span.attributes["llm.model"] = "gpt-4o"
                span.attributes["llm.provider"] = "openai"
                span.attributes["llm.operation"] = "chat"
                span.attributes["gen_ai.operation.name"] = "chat"
                span.attributes["gen_ai.request.model"] = "gpt-4o"
                span.attributes["gen_ai.provider.name"] = "openai"
                span.attributes["openinference.span.kind"] = "LLM"
                span.attributes["llm.model_name"] = "gpt-4o"
                span.attributes["llm.input_tokens"] = 1200
                span.attributes["llm.output_tokens"] = 300
                span.attributes["llm.total_tokens"] = 1500
                span.attributes["llm.cost.total"] = 0.0105
                span.attributes["llm.finish_reason"] = "stop"
                span.end()
            }
        }
    }

    /// Nothing to await: swift-otel's `forceFlush()` only posts an event, and its batch processor's force flush
    /// exports a copy of its queue without emptying it (every span would be sent twice). Its timer exports.
    func flush() async {}

    func sdkCounts() -> (exported: Int, dropped: Int)? { nil }

    func shutdown() async {
        service.cancel()
    }
}

/// swift-otel configured like our clients (batch size, queue bound, schedule), exporting OTLP/HTTP protobuf to
/// `url`, with its services (tracer, batch span processor, exporter) running in a detached task.
func makeOTelProducer(url: String, queue: Int, schedule: Duration, shape: SpanShape) throws -> any Producer {
    var configuration = OTel.Configuration.default
    configuration.serviceName = "bench"
    configuration.diagnosticLogger = .custom(BenchSettings.quietLogger)
    configuration.diagnosticLogLevel = .error
    configuration.propagators = [.traceContext]
    configuration.traces.enabled = true
    configuration.traces.sampler = .alwaysOn
    configuration.traces.exporter = .otlp
    configuration.traces.otlpExporter.endpoint = url + "/v1/traces"
    configuration.traces.otlpExporter.protocol = .httpProtobuf
    configuration.traces.otlpExporter.compression = .none
    configuration.traces.batchSpanProcessor.maxExportBatchSize = PipelineSettings.batchSize
    configuration.traces.batchSpanProcessor.maxQueueSize = queue
    configuration.traces.batchSpanProcessor.scheduleDelay = schedule
    configuration.metrics.enabled = false
    configuration.logs.enabled = false
    let backend = try OTel.makeTracingBackend(configuration: configuration)
    let service = backend.service
    return OTelProducer(tracer: backend.factory, shape: shape, service: Task.detached { try await service.run() })
}

/// User and system CPU time of the whole process (every thread), in nanoseconds, with its minor page faults and
/// context switches (voluntary and not).
struct CPUTime {
    var user: Int64
    var system: Int64
    var minorFaults: Int
    var contextSwitches: Int

    static func now() -> CPUTime {
        var usage = rusage()
        #if os(Linux)
        _ = getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
        #else
        _ = getrusage(RUSAGE_SELF, &usage)
        #endif
        func nanos(_ time: timeval) -> Int64 { Int64(time.tv_sec) * 1_000_000_000 + Int64(time.tv_usec) * 1_000 }
        return CPUTime(
            user: nanos(usage.ru_utime), system: nanos(usage.ru_stime), minorFaults: Int(usage.ru_minflt),
            contextSwitches: Int(usage.ru_nvcsw + usage.ru_nivcsw))
    }
}

/// The child's one line of output.
struct ChildResult: Codable, Sendable {
    var config: String
    var shape: String
    var spans: Int
    var warmup: Int
    var userNanos: Int64
    var systemNanos: Int64
    var minorFaults: Int
    var contextSwitches: Int
    var wallNanos: Int64
    /// The SDK's counts over the measured run (NoveumTrace's client stats); nil for swift-otel, which has none.
    var exported: Int?
    var dropped: Int?
    /// Whether the parent's receiver had every span before the second reading.
    var receiverConfirmed: Bool
}

/// Writes one line to stdout at once (unbuffered: the parent reads it while this process waits).
func say(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}

/// Prints `message` on stderr and returns the exit status 1.
func fail(_ message: String) -> Int32 {
    FileHandle.standardError.write(Data(("noveum-pipeline-cpu: " + message + "\n").utf8))
    return 1
}
