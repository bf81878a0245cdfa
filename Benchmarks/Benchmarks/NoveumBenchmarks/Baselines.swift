import BenchmarkSupport
import Logging
import NoveumTrace
import OTel
import Tracing

/// The clients and tracers under test. Each is made on first use and then shared by every benchmark; each runs
/// its real background pipeline for the whole process.
enum Subjects {
    /// Counts what our sampled pipeline delivered.
    static let sampledExporter = DiscardingExporter()
    /// Our client, sampling everything, exporting to ``sampledExporter``. Installed as the global client, so
    /// the static API (`NoveumTrace.traceOperation`) uses it.
    static let sampled: NoveumClient = {
        let client = Fixtures.client(samplingRate: 1, exporters: [sampledExporter])
        try? NoveumTrace.install(client)
        return client
    }()
    /// Our client with every trace sampled out; its pipeline runs but receives nothing.
    static let sampledOut = Fixtures.client(samplingRate: 0, exporters: [DiscardingExporter()])

}

/// Registers every baseline benchmark: swift-distributed-tracing's `NoOpTracer` (the floor) and swift-otel 1.6.0
/// (sampling everything, its batch span processor running, exporting nowhere; case 08 uses its always-off
/// sampler). The baselines go through swift-distributed-tracing's API, specialised for each tracer's type.
func registerBaselines() {
    registerBaselines("NoOpTracer", NoOpTracer(), sampledOut: NoOpTracer())
    registerBaselines(
        "swift-otel", OTelBaseline.start(sampled: true), sampledOut: OTelBaseline.start(sampled: false))
}

private func registerBaselines<T: Tracer>(_ implementation: String, _ tracer: T, sampledOut: T) {
    registerSpanBaselines(implementation, tracer, sampledOut: sampledOut)
    registerContentionBaselines(implementation, tracer)
}

/// swift-otel configured as close to our clients as its public API allows: the same batch size, queue bound and
/// schedule delay, the exporter `none` (batches are exported to nothing), W3C trace context, no diagnostics.
enum OTelBaseline {
    static func configuration(sampled: Bool) -> OTel.Configuration {
        var configuration = OTel.Configuration.default
        configuration.serviceName = "bench"
        configuration.diagnosticLogger = .custom(BenchSettings.quietLogger)
        configuration.diagnosticLogLevel = .error
        configuration.propagators = [.traceContext]
        configuration.traces.enabled = true
        configuration.traces.sampler = sampled ? .alwaysOn : .alwaysOff
        configuration.traces.exporter = .none
        configuration.traces.batchSpanProcessor.maxExportBatchSize = BenchSettings.batchSize
        configuration.traces.batchSpanProcessor.maxQueueSize = BenchSettings.maxQueueSize
        configuration.traces.batchSpanProcessor.scheduleDelay = BenchSettings.scheduleDelay
        configuration.metrics.enabled = false
        configuration.logs.enabled = false
        return configuration
    }

    /// Makes the tracer and runs its services (exporter, batch processor, tracer) in the background.
    static func start(sampled: Bool) -> some Tracer {
        do {
            let backend = try OTel.makeTracingBackend(configuration: configuration(sampled: sampled))
            let service = backend.service
            Task.detached { try? await service.run() }
            return backend.factory
        } catch {
            fatalError("swift-otel: \(error)")
        }
    }
}
