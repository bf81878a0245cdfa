import Foundation
import Logging
import Synchronization
import Tracing

/// A tracing client: it starts spans, samples traces and exports finished spans through its pipelines.
///
/// Most applications use the global client that ``NoveumTrace/initialize(apiKey:project:environment:endpoint:serviceVersion:config:)``
/// installs, through the static API on ``NoveumTrace``. Create clients of your own to send two projects from one
/// process, or to give a test its own client (see ``NoveumTrace/withClient(_:operation:)``).
///
/// A client is also a swift-distributed-tracing `Tracer`: after `InstrumentationSystem.bootstrap(client)`, spans
/// made by Hummingbird, Vapor and AsyncHTTPClient and spans made by the inline closures form one trace tree.
public final class NoveumClient: Sendable {
    /// Who is tracing: project, environment, endpoint, service version.
    public let settings: ClientSettings
    /// The resolved configuration.
    public let configuration: Configuration
    /// The resource all of this client's spans belong to.
    public let resource: Resource

    let limits: SpanLimits
    let sampler: Sampler
    let tailSampler: TailSampler?
    let pipelines: [ExportPipeline]
    let counters = ClientCounters()
    let registry = SpanRegistry()
    /// Exported spans' records, for new spans to reuse.
    let recordPool: SpanRecordPool
    let logger: Logger
    private let warnedUnresolvedParent = Atomic<Bool>(false)

    /// Creates a client and starts its export pipelines.
    ///
    /// Arguments left nil come from `NOVEUM_API_KEY`, `NOVEUM_PROJECT`, `NOVEUM_ENVIRONMENT`, `NOVEUM_ENDPOINT`
    /// and `NOVEUM_SERVICE_VERSION`, and the configuration's unset fields from their own variables.
    ///
    /// - Throws: ``NoveumTraceError/invalidConfiguration(_:)`` naming the setting that is not valid.
    public convenience init(
        apiKey: String? = nil, project: String? = nil, environment: String? = nil, endpoint: String? = nil,
        serviceVersion: String? = nil, config: Configuration = Configuration()
    ) throws(NoveumTraceError) {
        try self.init(
            apiKey: apiKey, project: project, environment: environment, endpoint: endpoint,
            serviceVersion: serviceVersion, config: config, processEnvironment: ProcessInfo.processInfo.environment)
    }

    /// Creates a client reading the given environment instead of the process's.
    ///
    /// With no exporters in `config`, ``DefaultExporters`` chooses them from the settings and the environment;
    /// `localFirst` adds the local spool when nothing else is configured (the global client of `initialize`).
    /// Settings in the environment that nothing reads are logged as one warning.
    convenience init(
        apiKey: String?, project: String?, environment: String?, endpoint: String?, serviceVersion: String?,
        config: Configuration, processEnvironment: [String: String], localFirst: Bool = false
    ) throws(NoveumTraceError) {
        let settings = try ClientSettings(
            apiKey: apiKey, project: project, environment: environment, endpoint: endpoint,
            serviceVersion: serviceVersion, processEnvironment: processEnvironment)
        let configuration = try config.resolved(environment: processEnvironment)
        let exporters: [any SpanExporter]
        if let named = configuration.exporters {
            exporters = named
        } else {
            exporters = try DefaultExporters.exporters(
                settings: settings, environment: processEnvironment, localFirst: localFirst)
        }
        var unused = DefaultExporters.unusedSettings(
            settings: settings, environment: processEnvironment, exportersInCode: configuration.exporters != nil,
            localFirst: localFirst)
        if configuration.diskBuffer != nil && !exporters.contains(where: \.usesDiskBuffer) {
            unused.append(
                "a disk buffer is configured (NOVEUM_DISK_BUFFER or diskBuffer), but no exporter sends over the network (Noveum, OTLP), so it is not used")
        }
        if !unused.isEmpty {
            configuration.logger.warning(
                "NoveumTrace: configuration that has no effect: \(unused.joined(separator: "; "))",
                metadata: ["exporters": "\(exporters.map(\.name).joined(separator: ","))"])
        }
        self.init(
            settings: settings, configuration: configuration, exporters: exporters,
            resource: Resource(settings: settings, environment: processEnvironment))
    }

    private init(
        settings: ClientSettings, configuration: Configuration, exporters: [any SpanExporter], resource: Resource
    ) {
        self.settings = settings
        self.resource = resource
        self.configuration = configuration
        self.limits = configuration.limits
        self.sampler = Sampler(policy: configuration.samplingPolicy)
        self.tailSampler = configuration.samplingPolicy.tail.map { TailSampler(rule: $0) }
        self.logger = configuration.logger
        let recordPool = SpanRecordPool(capacity: exporters.isEmpty ? 0 : SpanRecordPool.capacity(for: configuration))
        self.recordPool = recordPool
        let pipelineSettings = ExportPipeline.Settings(
            maxQueueSize: configuration.maxQueueSize, batchSize: configuration.batchSize,
            scheduleDelay: configuration.scheduleDelay, exportTimeout: configuration.exportTimeout,
            maxConcurrentExports: 1, wakePerSpan: !configuration.asyncExport, redaction: configuration.redaction)
        var subdirectories: [String: Int] = [:]
        self.pipelines = exporters.map { exporter in
            var settings = pipelineSettings
            var diskBuffer: (configuration: DiskBufferConfiguration, subdirectory: String)?
            if let disk = configuration.diskBuffer, exporter.usesDiskBuffer {
                // A second exporter of the same name gets `<name>-2`: stable as long as the exporters' order is.
                let name = exporter.name.isEmpty ? "exporter" : exporter.name.replacingOccurrences(of: "/", with: "_")
                let uses = subdirectories[name, default: 0] + 1
                subdirectories[name] = uses
                diskBuffer = (disk, uses == 1 ? name : "\(name)-\(uses)")
            }
            if exporter.supportsConcurrentExports { settings.maxConcurrentExports = configuration.maxConcurrentExports }
            if configuration.explicitBatchSize == nil, let preferred = exporter.preferredBatchSize, preferred > 0 {
                settings.batchSize = min(preferred, configuration.maxQueueSize)
            }
            return ExportPipeline(
                exporter: exporter, settings: settings, logger: configuration.logger, recordPool: recordPool,
                diskBuffer: diskBuffer)
        }
        for pipeline in pipelines {
            let context = ExporterContext(
                settings: settings, resource: resource, logger: configuration.logger, diskBuffer: pipeline.diskBuffer,
                retryCounter: { [retries = pipeline.retries] in retries.value.add($0, ordering: .relaxed) })
            pipeline.exporter.start(context)
            pipeline.start()
        }
    }

    deinit {
        for pipeline in pipelines { pipeline.stopLoop() }
    }

    /// The client used before ``NoveumTrace/initialize(apiKey:project:environment:endpoint:serviceVersion:config:)``:
    /// it samples every trace out, so instrumented code runs unchanged and records nothing.
    static let disabled: NoveumClient = {
        var configuration = Configuration(samplingRate: 0, exporters: [])
        configuration.logger = Logger(label: "noveum.trace.disabled")
        let settings = ClientSettings(unchecked: "disabled")
        return NoveumClient(
            settings: settings, configuration: configuration, exporters: [],
            resource: Resource(settings: settings, environment: [:]))
    }()


    // MARK: Starting spans

    /// Starts a span that you end with ``finishSpan(_:)`` (or ``NoveumSpan/end()``).
    ///
    /// Without a `parentSpanID` the span's parent is the span active in the current task, if any; otherwise it
    /// starts a new trace. With a `parentSpanID` it becomes a child of that open span, from any task or thread:
    ///
    /// ```swift
    /// let batch = client.startSpan(name: "batch_query_processing", attributes: ["batch.size": queries.count])
    /// let q = client.startSpan(name: "query_processing_0", parentSpanID: batch.spanID, attributes: ["query.index": 0])
    /// client.finishSpan(q)
    /// client.finishSpan(batch)
    /// ```
    ///
    /// A `parentSpanID` that names no open span of this client starts a new trace instead, with the attribute
    /// `noveum.parent.unresolved` holding the id; it is counted in ``NoveumStats/unresolvedParents`` and logged once.
    public func startSpan(
        name: String, parentSpanID: SpanID? = nil, kind: SpanKind = .internal,
        attributes: [String: any AttributeValueConvertible] = [:]
    ) -> NoveumSpan {
        guard let parentSpanID else {
            let origin = SpanOrigin.current
            let (parent, contextSpanID) = ActiveSpan.parent(of: origin)
            return makeSpan(
                name: name, kind: kind, parent: parent, attributes: { AttributeList(attributes) },
                baseContext: origin.context, contextSpanID: contextSpanID)
        }
        if let parent = registry.lookup(parentSpanID) {
            return makeSpan(
                name: name, kind: kind, parent: ParentInfo(parent), attributes: { AttributeList(attributes) },
                baseContext: parent.baseContext, contextSpanID: nil)
        }
        if let parent = SampledOutSpanRegistry.shared.lookup(parentSpanID) {
            return makeSpan(
                name: name, kind: kind, parent: ParentInfo(context: parent.spanContext, isRecording: false),
                attributes: { AttributeList(attributes) }, baseContext: parent.baseContext, contextSpanID: nil)
        }
        counters.unresolvedParents.add(1, ordering: .relaxed)
        if !warnedUnresolvedParent.exchange(true, ordering: .relaxed) {
            logger.warning(
                "startSpan: parentSpanID names no open span of this client; starting a new trace",
                metadata: ["parent_span_id": "\(parentSpanID)", "span": "\(name)"])
        }
        return makeSpan(
            name: name, kind: kind, parent: nil,
            attributes: {
                var unresolved = AttributeList(attributes)
                unresolved["noveum.parent.unresolved"] = .string(parentSpanID.description)
                return unresolved
            },
            baseContext: nil, contextSpanID: nil)
    }

    /// Ends a span started with ``startSpan(name:parentSpanID:kind:attributes:)``. Ending twice is ignored.
    public func finishSpan(_ span: NoveumSpan) {
        span.end()
    }

    /// Starts a span: picks the trace, samples, assigns ids.
    ///
    /// Inlined into each way of starting a span, and `attributes` is called only for a span that records (or for
    /// sampling rules that match on attributes): a span that records nothing costs its ids, its sampling decision
    /// and a counter.
    @inline(__always)
    func makeSpan(
        name: String, kind: SpanKind, parent: ParentInfo?, attributes: () -> AttributeList,
        baseContext: InstrumentationContext?, contextSpanID: SpanID?, startTimeNanos: UInt64? = nil
    ) -> NoveumSpan {
        let context: SpanContext
        var recording: Bool
        var appliedRate: Double?
        var rootAttributes: AttributeList?
        if let parent {
            context = SpanContext(
                traceID: parent.context.traceID, spanID: IDGenerator.spanID(), isSampled: parent.context.isSampled,
                traceState: parent.context.traceState)
            recording = parent.isRecording
        } else {
            let (traceID, spanID) = IDGenerator.rootIDs()
            let decision: SamplingDecision
            if let plain = sampler.plainDecision(traceID) {
                (decision, appliedRate) = plain
            } else {
                let list = attributes()
                rootAttributes = list
                (decision, appliedRate) = sampler.decide(traceID, name: name, attributes: list)
            }
            context = SpanContext(traceID: traceID, spanID: spanID, isSampled: decision == .record)
            recording = decision != .drop
        }
        if pipelines.isEmpty { recording = false }
        // A span that records nothing reads no clock, has no record and allocates nothing: a value with its ids
        // for propagation.
        guard recording else {
            counters.sampledOutAtStart.wrappingAdd(1, ordering: .relaxed)
            return NoveumSpan(
                context,
                unrecorded: NonRecordingSpan(
                    parentSpanID: parent?.context.spanID, parentIsRemote: parent?.context.isRemote ?? false,
                    kind: kind, baseContext: baseContext,
                    contextSpanAtStart: contextSpanID))
        }
        counters.recordingStarted.wrappingAdd(1, ordering: .relaxed)
        var list = rootAttributes ?? attributes()
        if let appliedRate, appliedRate < 1 {
            list["noveum.sampling.rate"] = .double(appliedRate)
        }
        if TraceContext.everUsed.load(ordering: .relaxed),
           let traceContext = baseContext?[TraceContextKey.self]
        {
            var merged = traceContext.attributes
            merged.merge(list)
            list = merged
        }
        let startTime = startTimeNanos ?? WallClock.nanosecondsSinceEpoch()
        return NoveumSpan(
            recordPool.record(
                context: context, parentSpanID: parent?.context.spanID,
                parentIsRemote: parent?.context.isRemote ?? false, name: name, kind: kind, startTimeNanos: startTime,
                attributes: list, client: self, baseContext: baseContext,
                contextSpanAtStart: contextSpanID))
    }

    /// Hands a finished span to every exporter's pipeline; the last queue takes `span` itself, the others a copy
    /// (which shares its record).
    @inline(__always)
    func spanEnded(_ span: consuming SpanData) {
        if !span.context.isSampled, let tailSampler {
            let (keep, discarded) = tailSampler.add(span)
            if discarded > 0 { counters.tailDiscarded.add(discarded, ordering: .relaxed) }
            for kept in keep {
                for pipeline in pipelines { pipeline.enqueue(kept) }
            }
            return
        }
        // By index: a slice (`dropLast()`) or `last` would retain the array and each pipeline.
        let last = pipelines.count - 1
        guard last >= 0 else { return }
        for index in 0..<last { pipelines[index].enqueue(copy span) }
        pipelines[last].enqueue(span)
    }

    // MARK: Flush, shutdown, stats

    /// Exports every span that finished before this call, waiting at most `timeout`. Open spans are left open.
    ///
    /// - Returns: how many of those spans were not delivered (dropped while exporting, or still waiting at the
    ///   deadline), summed over exporters.
    @discardableResult
    public func flush(timeout: Duration = .seconds(30)) async -> Int {
        await withTaskGroup(of: Int.self) { group in
            for pipeline in pipelines { group.addTask { await pipeline.flush(timeout: timeout) } }
            return await group.reduce(0, +)
        }
    }

    /// Flushes, then stops the exporters. Spans that finish afterwards are dropped and counted.
    ///
    /// - Returns: how many spans were not delivered.
    @discardableResult
    public func shutdown(timeout: Duration = .seconds(30)) async -> Int {
        await withTaskGroup(of: Int.self) { group in
            for pipeline in pipelines { group.addTask { await pipeline.shutdown(timeout: timeout) } }
            return await group.reduce(0, +)
        }
    }

    /// What this client has traced and delivered so far.
    public var stats: NoveumStats {
        let exporters = pipelines.map(\.stats)
        let ended = exporters.first?.received ?? 0
        return NoveumStats(
            spansStarted: counters.spansStarted,
            spansSampledOut: counters.spansSampledOut,
            spansEnded: ended,
            spansAbandoned: counters.spansAbandoned.load(ordering: .relaxed),
            ignoredCallsOnEndedSpans: counters.ignoredCalls.load(ordering: .relaxed),
            unresolvedParents: counters.unresolvedParents.load(ordering: .relaxed),
            invalidTraceParents: counters.invalidTraceParents.load(ordering: .relaxed),
            scoresSampledOut: counters.scoresSampledOut.load(ordering: .relaxed),
            exporters: exporters)
    }
}

extension NoveumClient: CustomStringConvertible {
    public var description: String {
        "NoveumClient(\(settings), exporters: \(pipelines.map(\.exporter.name)))"
    }
}
