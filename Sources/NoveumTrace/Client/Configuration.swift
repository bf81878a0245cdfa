import Logging

/// How a ``NoveumClient`` samples, batches and exports.
///
/// Every setting you leave out is taken from the environment when a matching variable is set, and otherwise
/// from its default; a setting you pass in code always wins.
///
/// ```swift
/// try NoveumTrace.initialize(apiKey: "key", project: "production-app", environment: "production",
///                            config: .init(samplingRate: 0.1, batchSize: 100, asyncExport: true))
/// ```
///
/// | Setting | Default | Environment |
/// |---|---|---|
/// | ``samplingRate`` | 1.0 | `NOVEUM_SAMPLING_RATE` |
/// | ``batchSize`` | 100 | `NOVEUM_BATCH_SIZE`, else `OTEL_BSP_MAX_EXPORT_BATCH_SIZE` |
/// | ``maxQueueSize`` | 2048 | `NOVEUM_MAX_QUEUE_SIZE`, else `OTEL_BSP_MAX_QUEUE_SIZE` |
/// | ``scheduleDelay`` | 5 s | `NOVEUM_SCHEDULE_DELAY_MS`, else `OTEL_BSP_SCHEDULE_DELAY` (ms) |
/// | ``exportTimeout`` | 30 s | `NOVEUM_EXPORT_TIMEOUT_MS`, else `OTEL_BSP_EXPORT_TIMEOUT` (ms) |
/// | ``asyncExport`` | true | `NOVEUM_ASYNC_EXPORT` |
/// | ``maxConcurrentExports`` | 2 | `NOVEUM_MAX_CONCURRENT_EXPORTS` |
/// | ``maxTracesPerSecond`` | none | `NOVEUM_MAX_TRACES_PER_SECOND` |
/// | ``diskBuffer`` | none (off) | `NOVEUM_DISK_BUFFER` and its companions (see ``DiskBufferConfiguration``) |
public struct Configuration: Sendable {
    private var _samplingRate: Double?
    private var _batchSize: Int?
    private var _maxQueueSize: Int?
    private var _scheduleDelay: Duration?
    private var _exportTimeout: Duration?
    private var _asyncExport: Bool?
    private var _maxConcurrentExports: Int?

    /// The share of traces recorded, in 0...1, decided once per trace from its id.
    public var samplingRate: Double {
        get { _samplingRate ?? 1.0 }
        set { _samplingRate = newValue }
    }

    /// Spans sent per export request; the exporter is woken when this many are waiting. 1 to 1,000,000.
    public var batchSize: Int {
        get { _batchSize ?? 100 }
        set { _batchSize = newValue }
    }

    /// The batch size set in code or the environment, if any.
    var explicitBatchSize: Int? { _batchSize }

    /// Finished spans buffered per exporter before new ones are dropped (and counted).
    public var maxQueueSize: Int {
        get { _maxQueueSize ?? 2048 }
        set { _maxQueueSize = newValue }
    }

    /// The longest a finished span waits before it is exported when fewer than ``batchSize`` are waiting.
    public var scheduleDelay: Duration {
        get { _scheduleDelay ?? .seconds(5) }
        set { _scheduleDelay = newValue }
    }

    /// The longest one export may take before it is abandoned and its spans counted as dropped.
    public var exportTimeout: Duration {
        get { _exportTimeout ?? .seconds(30) }
        set { _exportTimeout = newValue }
    }

    /// Whether export waits for a batch to fill or ``scheduleDelay`` to pass (true), or is woken for every
    /// finished span (false, for short scripts). Export never runs on the caller's thread either way.
    public var asyncExport: Bool {
        get { _asyncExport ?? true }
        set { _asyncExport = newValue }
    }

    /// The most batches one exporter sends at once, when the exporter allows it
    /// (``SpanExporter/supportsConcurrentExports``: the Noveum and OTLP exporters do). A second batch goes out only
    /// while a full one waits behind an export in flight, so a quiet app sends one at a time; under load the
    /// next batch is encoded and compressed while the previous request is on the network. At most this many
    /// batches are in flight besides the ``maxQueueSize`` spans queued. 1 exports strictly one batch at a time.
    public var maxConcurrentExports: Int {
        get { _maxConcurrentExports ?? 2 }
        set { _maxConcurrentExports = newValue }
    }

    /// Per-span bounds on attributes, events and links.
    public var limits: SpanLimits

    /// Where the Noveum and OTLP exporters keep batches they have not delivered yet, so that an outage, a crash or
    /// a restart loses no span; nil (the default) keeps them in memory only. Environment: `NOVEUM_DISK_BUFFER` (the
    /// directory), `NOVEUM_DISK_BUFFER_MAX_MB`, `NOVEUM_DISK_BUFFER_MAX_AGE_SECONDS`, `NOVEUM_DISK_BUFFER_FSYNC`.
    public var diskBuffer: DiskBufferConfiguration?

    /// Sampling rules tried before ``samplingRate``; the first match gives the rate.
    public var samplingRules: [SamplingRule]

    /// At most this many new traces kept per second; nil: no limit. Environment: `NOVEUM_MAX_TRACES_PER_SECOND`.
    public var maxTracesPerSecond: Double?

    /// The opt-in tail rule: keep failed or slow traces that head sampling dropped.
    public var tailSampling: TailSampling?

    /// The complete sampling policy these settings describe.
    public var samplingPolicy: SamplingPolicy {
        SamplingPolicy(
            rate: samplingRate, rules: samplingRules, maxTracesPerSecond: maxTracesPerSecond, tail: tailSampling)
    }

    /// What is removed from spans before any exporter sees them: secrets, personal data, long values, and
    /// prompts and completions beyond what ``RedactionPolicy/content`` allows.
    public var redaction: RedactionPolicy = .standard

    /// The attribute vocabularies LLM spans are exported in: Noveum `llm.*`, OpenTelemetry `gen_ai.*` and
    /// OpenInference. Default: all three. Spans record all three; the others are removed on export, before every
    /// exporter. The same setting as ``RedactionPolicy/llmVocabularies`` of ``redaction``: assigning a whole new
    /// ``redaction`` afterwards replaces it.
    ///
    /// ```swift
    /// var config = Configuration()
    /// config.llmVocabularies = [.openTelemetry, .openInference]  // for an OTel backend such as Phoenix
    /// ```
    public var llmVocabularies: Set<LLMVocabulary> {
        get { redaction.llmVocabularies }
        set { redaction.llmVocabularies = newValue }
    }

    /// Where spans go. Nil chooses automatically: the console when no API key is configured.
    public var exporters: [any SpanExporter]?

    /// The logger for the SDK's own warnings (a full queue, a failed export). It never logs secrets.
    public var logger: Logger

    /// Creates a configuration; every argument left nil comes from the environment or its default.
    public init(
        samplingRate: Double? = nil, batchSize: Int? = nil, asyncExport: Bool? = nil, maxQueueSize: Int? = nil,
        scheduleDelay: Duration? = nil, exportTimeout: Duration? = nil, maxConcurrentExports: Int? = nil,
        limits: SpanLimits = SpanLimits(),
        samplingRules: [SamplingRule] = [], maxTracesPerSecond: Double? = nil, tailSampling: TailSampling? = nil,
        diskBuffer: DiskBufferConfiguration? = nil,
        exporters: [any SpanExporter]? = nil, logger: Logger = Logger(label: "noveum.trace")
    ) {
        self.diskBuffer = diskBuffer
        self.samplingRules = samplingRules
        self.maxTracesPerSecond = maxTracesPerSecond
        self.tailSampling = tailSampling
        _samplingRate = samplingRate
        _batchSize = batchSize
        _asyncExport = asyncExport
        _maxQueueSize = maxQueueSize
        _scheduleDelay = scheduleDelay
        _exportTimeout = exportTimeout
        _maxConcurrentExports = maxConcurrentExports
        self.limits = limits
        self.exporters = exporters
        self.logger = logger
    }

    /// Fills the settings left unset from `environment`, then checks every value.
    func resolved(environment: [String: String]) throws(NoveumTraceError) -> Configuration {
        var result = self
        let env = EnvironmentReader(environment)
        if result._samplingRate == nil { result._samplingRate = try env.double("NOVEUM_SAMPLING_RATE") }
        if result._batchSize == nil {
            result._batchSize = try env.int("NOVEUM_BATCH_SIZE", else: "OTEL_BSP_MAX_EXPORT_BATCH_SIZE")
        }
        if result._maxQueueSize == nil {
            result._maxQueueSize = try env.int("NOVEUM_MAX_QUEUE_SIZE", else: "OTEL_BSP_MAX_QUEUE_SIZE")
        }
        if result._scheduleDelay == nil {
            result._scheduleDelay =
                try env.milliseconds("NOVEUM_SCHEDULE_DELAY_MS", else: "OTEL_BSP_SCHEDULE_DELAY")
        }
        if result._exportTimeout == nil {
            result._exportTimeout =
                try env.milliseconds("NOVEUM_EXPORT_TIMEOUT_MS", else: "OTEL_BSP_EXPORT_TIMEOUT")
        }
        if result._asyncExport == nil { result._asyncExport = try env.bool("NOVEUM_ASYNC_EXPORT") }
        if result._maxConcurrentExports == nil {
            result._maxConcurrentExports = try env.int("NOVEUM_MAX_CONCURRENT_EXPORTS")
        }
        if result.maxTracesPerSecond == nil { result.maxTracesPerSecond = try env.double("NOVEUM_MAX_TRACES_PER_SECOND") }
        if result.diskBuffer == nil { result.diskBuffer = try DiskBufferConfiguration.fromEnvironment(env) }
        try result.validate()
        return result
    }

    /// The largest ``maxConcurrentExports`` accepted.
    static let maxConcurrentExportsLimit = 16

    /// The largest ``batchSize`` accepted: each queue chunk reserves room for a whole batch, so a batch size from
    /// the environment such as `9223372036854775807` must be refused, not allocated.
    static let maxBatchSizeLimit = 1_000_000

    func validate() throws(NoveumTraceError) {
        guard samplingRate.isFinite, (0...1).contains(samplingRate) else {
            throw .invalidConfiguration("samplingRate must be within 0...1, got \(samplingRate)")
        }
        guard batchSize > 0 else { throw .invalidConfiguration("batchSize must be positive, got \(batchSize)") }
        guard batchSize <= Self.maxBatchSizeLimit else {
            throw .invalidConfiguration("batchSize must be at most \(Self.maxBatchSizeLimit), got \(batchSize)")
        }
        guard maxQueueSize >= batchSize else {
            throw .invalidConfiguration("maxQueueSize (\(maxQueueSize)) must be at least batchSize (\(batchSize))")
        }
        guard scheduleDelay > .zero else { throw .invalidConfiguration("scheduleDelay must be positive") }
        guard exportTimeout > .zero else { throw .invalidConfiguration("exportTimeout must be positive") }
        guard (1...Self.maxConcurrentExportsLimit).contains(maxConcurrentExports) else {
            throw .invalidConfiguration(
                "maxConcurrentExports must be within 1...\(Self.maxConcurrentExportsLimit), got \(maxConcurrentExports)")
        }
        for rule in samplingRules where !(rule.rate.isFinite && (0...1).contains(rule.rate)) {
            throw .invalidConfiguration("sampling rule rate must be within 0...1, got \(rule.rate)")
        }
        if let maxTracesPerSecond, !(maxTracesPerSecond.isFinite && maxTracesPerSecond >= 0) {
            throw .invalidConfiguration("maxTracesPerSecond must be zero or more, got \(maxTracesPerSecond)")
        }
        if let tailSampling, tailSampling.maxBufferedSpans <= 0 {
            throw .invalidConfiguration("tailSampling.maxBufferedSpans must be positive")
        }
        try diskBuffer?.validate()
        guard limits.maxAttributes >= 0, limits.maxEvents >= 0, limits.maxLinks >= 0 else {
            throw .invalidConfiguration("span limits must not be negative")
        }
    }
}
