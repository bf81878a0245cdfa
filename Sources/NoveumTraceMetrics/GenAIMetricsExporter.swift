import CoreMetrics
import NoveumTrace

/// Records OpenTelemetry's GenAI client metrics from finished spans, through swift-metrics: whatever metrics backend
/// the app bootstrapped (Prometheus, swift-otel's OTLP metrics, StatsD...) receives them.
///
/// Add it to the client's exporters; it runs on the export side like every exporter, so the app's threads pay
/// nothing for it. For each span with a `gen_ai.operation.name` (every LLM span, tool call, agent run and memory
/// operation):
///
/// | Metric | Kind | Unit | Recorded |
/// |---|---|---|---|
/// | `gen_ai.client.operation.duration` | histogram | seconds | model calls, retrievals and memory operations; `error.type` when it failed |
/// | `gen_ai.invoke_agent.duration` | histogram | seconds | agent runs (`invoke_agent`), in place of the one above |
/// | `gen_ai.execute_tool.duration` | histogram | seconds | tool calls (`execute_tool`), in place of the one above |
/// | `gen_ai.client.token.usage` | histogram | tokens | once with `gen_ai.token.type = input` and once with `output`, when the span has the counts |
/// | `gen_ai.client.operation.time_to_first_chunk` | histogram | seconds | streamed calls with a time to first chunk |
///
/// with the dimensions `gen_ai.operation.name`, `gen_ai.provider.name`, `gen_ai.request.model`,
/// `gen_ai.response.model`, `server.address` and `server.port` where the span has them (an agent's and a tool's
/// duration carry `gen_ai.agent.name` or `gen_ai.tool.name` as well). Planning steps (`plan`) and other spans are
/// ignored. With no backend bootstrapped swift-metrics discards everything, so the exporter costs a few dictionary
/// reads per span.
///
/// ```swift
/// MetricsSystem.bootstrap(PrometheusMetricsFactory())
/// try NoveumTrace.initialize(config: .init(exporters: [OTLPExporter(), GenAIMetricsExporter()]))
/// ```
public struct GenAIMetricsExporter: SpanExporter {
    private let factory: (any MetricsFactory)?

    /// An exporter recording through `factory`, or through the bootstrapped `MetricsSystem.factory` when nil.
    public init(factory: (any MetricsFactory)? = nil) {
        self.factory = factory
    }

    /// `"GenAIMetricsExporter"`.
    public var name: String { "GenAIMetricsExporter" }

    /// The metrics read model names and counts only; they never leave the process as spans do.
    public var isLocal: Bool { true }

    /// Records the metrics of `batch`'s GenAI spans; never fails.
    public func export(_ batch: [SpanData]) async -> ExportResult {
        let factory = self.factory ?? MetricsSystem.factory
        for span in batch { Self.record(span, into: factory) }
        return .success
    }

    /// The metrics of one span.
    static func record(_ span: SpanData, into factory: any MetricsFactory) {
        let attributes = span.attributes
        guard let operation = attributes["gen_ai.operation.name"]?.stringValue else { return }
        var dimensions = [("gen_ai.operation.name", operation)]
        let provider = attributes["gen_ai.provider.name"]?.stringValue ?? attributes["gen_ai.system"]?.stringValue
        if let provider { dimensions.append(("gen_ai.provider.name", provider)) }
        if let model = attributes["gen_ai.request.model"]?.stringValue { dimensions.append(("gen_ai.request.model", model)) }
        if let model = attributes["gen_ai.response.model"]?.stringValue {
            dimensions.append(("gen_ai.response.model", model))
        }
        if let address = attributes["server.address"]?.stringValue { dimensions.append(("server.address", address)) }
        if case .int(let port)? = attributes["server.port"] { dimensions.append(("server.port", String(port))) }
        let durationLabel: String
        switch operation {
        case "plan": return
        case "invoke_agent":
            durationLabel = "gen_ai.invoke_agent.duration"
            if let name = attributes["gen_ai.agent.name"]?.stringValue { dimensions.append(("gen_ai.agent.name", name)) }
        case "execute_tool":
            durationLabel = "gen_ai.execute_tool.duration"
            if let name = attributes["gen_ai.tool.name"]?.stringValue { dimensions.append(("gen_ai.tool.name", name)) }
        default:
            durationLabel = "gen_ai.client.operation.duration"
        }

        var durationDimensions = dimensions
        switch span.status {
        case .error, .timeout, .cancelled:
            let type = attributes["error.type"]?.stringValue ?? attributes["exception.type"]?.stringValue
            durationDimensions.append(("error.type", type ?? span.status.rawValue))
        case .ok, .unset:
            break
        }
        let seconds = Double(span.durationNanos) / 1e9
        Recorder(label: durationLabel, dimensions: durationDimensions, factory: factory)
            .record(seconds)

        for (type, key) in [("input", "gen_ai.usage.input_tokens"), ("output", "gen_ai.usage.output_tokens")] {
            guard case .int(let tokens)? = attributes[key] else { continue }
            Recorder(label: "gen_ai.client.token.usage", dimensions: dimensions + [("gen_ai.token.type", type)], factory: factory)
                .record(tokens)
        }
        if case .double(let firstChunk)? = attributes["gen_ai.response.time_to_first_chunk"] {
            Recorder(label: "gen_ai.client.operation.time_to_first_chunk", dimensions: dimensions, factory: factory)
                .record(firstChunk)
        }
    }
}
