import Synchronization
import Tracing

/// A span: one timed operation in a trace, with attributes, events, links and a status.
///
/// Spans come from the inline closures (``NoveumTrace/traceOperation(_:kind:attributes:isolation:_:)`` and kin),
/// from ``NoveumClient/startSpan(name:parentSpanID:kind:attributes:)``, or from libraries instrumented with
/// swift-distributed-tracing once ``NoveumClient`` is bootstrapped as their tracer.
///
/// A span is safe to use from any task or thread. All of its mutable state sits behind one lock that is held
/// only for the few instructions each call needs. Calls on a span that has already ended are ignored and
/// counted in ``NoveumStats/ignoredCallsOnEndedSpans``; they never crash. A span of a trace that was sampled out
/// is not recording: every call on it returns at once, and nothing is exported.
///
/// A recording span that is released without being ended is ended at that moment, exported with the
/// attribute `noveum.span.abandoned = true`, and counted in ``NoveumStats/spansAbandoned``: a forgotten
/// `finishSpan` loses no data.
public final class NoveumSpan: Sendable {
    /// The trace id, span id, sampling flag and trace state.
    public let spanContext: SpanContext
    /// The parent span's id, or nil for a root span.
    public let parentSpanID: SpanID?
    /// Whether the parent arrived from another process.
    public let parentIsRemote: Bool
    /// The kind of span: internal, client, server, producer or consumer.
    public let kind: SpanKind
    /// Start time in nanoseconds since the Unix epoch; 0 for a span that records nothing (its trace was sampled
    /// out), which reads no clock.
    public let startTimeNanos: UInt64
    /// Whether this span records anything. False when its trace was sampled out.
    public var isRecording: Bool { record != nil }

    let client: NoveumClient
    /// The context this span was started in, for swift-distributed-tracing's `Span.context`.
    let baseContext: InstrumentationContext?
    /// The span `baseContext` carried when this span started (kept alive by `baseContext`); see
    /// ``ActiveSpan/resolve(in:)``.
    let contextSpanAtStart: ObjectIdentifier?
    /// What the span records, exported as is when it ends (no copy); nil when the trace was sampled out.
    /// Written only under `lock` while the span is open.
    private let record: SpanRecord?
    /// The name of a span that records nothing.
    private let unrecordedName: String
    /// Guards `record`, `ended` and `isRegistered`: one atomic word inside the span, so a span costs one
    /// allocation for itself and one for its record, and no lock set-up.
    private let lock = SpinLock()
    @exclusivity(unchecked) private nonisolated(unsafe) var ended = false
    @exclusivity(unchecked) private nonisolated(unsafe) var isRegistered = false

    /// A span; `record` is nil for a span that records nothing (its name is then kept in `unrecordedName`).
    init(
        name: String, context: SpanContext, parentSpanID: SpanID?, parentIsRemote: Bool, kind: SpanKind,
        startTimeNanos: UInt64, record: SpanRecord?, client: NoveumClient, baseContext: InstrumentationContext?,
        contextSpan: NoveumSpan?
    ) {
        self.contextSpanAtStart = contextSpan.map(ObjectIdentifier.init)
        self.spanContext = context
        self.parentSpanID = parentSpanID
        self.parentIsRemote = parentIsRemote
        self.kind = kind
        self.startTimeNanos = startTimeNanos
        self.client = client
        self.baseContext = baseContext
        self.record = record
        self.unrecordedName = record == nil ? name : ""
    }

    deinit {
        // Nothing else holds the span any more (a deinit has exclusive access), so no lock is needed: the open
        // check is all that nearly every span pays here.
        guard let record, !ended else { return }
        ended = true
        client.counters.spansAbandoned.add(1, ordering: .relaxed)
        record.endTimeNanos = max(WallClock.nanosecondsSinceEpoch(), startTimeNanos, 1)
        record.set("noveum.span.abandoned", .bool(true), limit: Int.max)
        client.spanEnded(SpanData(record: record))
    }

    // MARK: Identity

    /// The trace id: 32 lowercase hex characters in its description.
    public var traceID: TraceID { spanContext.traceID }

    /// The span id: 16 lowercase hex characters in its description.
    ///
    /// Pass it as `parentSpanID` to ``NoveumClient/startSpan(name:parentSpanID:kind:attributes:)`` to start
    /// children of this span from any task or thread while it is open.
    public var spanID: SpanID {
        registerForLookup()
        return spanContext.spanID
    }

    /// The span's name.
    public var name: String {
        guard let record else { return unrecordedName }
        return lock.withLock { record.name }
    }

    /// Whether the span has ended.
    public var isEnded: Bool { lock.withLock { ended } }

    /// The status set so far.
    public var status: Status {
        guard let record else { return .unset }
        return lock.withLock { record.status }
    }

    /// A snapshot of the attributes set so far.
    public var attributeList: AttributeList {
        guard let record else { return AttributeList() }
        return lock.withLock { record.attributes }
    }

    /// The W3C `traceparent` value for this span, to send to another service by hand.
    public var traceparent: String { TraceParent.format(spanContext) }

    // MARK: Recording

    /// Runs `body` on the record of an open, recording span; counts the call if the span has ended.
    @inline(__always)
    private func mutate(_ body: (SpanRecord) -> Void) {
        guard let record else { return }
        let applied = lock.withLock { () -> Bool in
            guard !ended else { return false }
            body(record)
            return true
        }
        if !applied { client.counters.ignoredCalls.add(1, ordering: .relaxed) }
    }

    /// Renames the span.
    public func updateName(_ name: String) {
        mutate { $0.name = name }
    }

    /// Sets one attribute. A nil optional sets nothing.
    public func setAttribute(_ key: String, _ value: some AttributeValueConvertible) {
        guard isRecording, let attribute = value.attributeValue else { return }
        let limit = client.limits.maxAttributes
        mutate { $0.set(key, attribute, limit: limit) }
    }

    /// Sets several attributes from a dictionary literal that may mix `Int`, `Double`, `Bool`, `String`,
    /// arrays of those and optionals (nil values set nothing).
    ///
    /// ```swift
    /// span.setAttributes(["llm.input_tokens": usage.promptTokens, "llm.response": text])
    /// ```
    public func setAttributes(_ attributes: [String: any AttributeValueConvertible]) {
        guard isRecording, !attributes.isEmpty else { return }
        let list = AttributeList(attributes)
        setAttributes(list)
    }

    /// Sets every attribute of `attributes`.
    public func setAttributes(_ attributes: AttributeList) {
        guard isRecording else { return }
        let limit = client.limits.maxAttributes
        mutate { state in
            for element in attributes.storage { state.set(element.key, element.value, limit: limit) }
        }
    }

    /// Replaces all attributes (swift-distributed-tracing's `attributes` setter).
    func replaceAttributes(_ attributes: AttributeList, limit: Int) {
        mutate { state in
            state.attributes = AttributeList()
            for element in attributes.storage { state.set(element.key, element.value, limit: limit) }
        }
    }

    /// Sets the span's status, with an optional message.
    ///
    /// ```swift
    /// span.setStatus(.ok)
    /// span.setStatus(.error, "rate limited")
    /// ```
    public func setStatus(_ status: Status, _ message: String? = nil) {
        mutate {
            $0.status = status
            $0.statusMessage = message
        }
    }

    /// Adds a timestamped event.
    public func addEvent(_ name: String, attributes: [String: any AttributeValueConvertible] = [:]) {
        guard isRecording else { return }
        let event = Event(name: name, timeNanos: WallClock.nanosecondsSinceEpoch(), attributes: AttributeList(attributes))
        addEvent(event)
    }

    /// Adds an event built by hand.
    public func addEvent(_ event: Event) {
        let limit = client.limits.maxEvents
        mutate { state in
            if state.events.count < limit {
                state.events.append(event)
            } else {
                state.droppedEventCount += 1
            }
        }
    }

    /// Links this span to another span, for example the request that caused a batch job.
    public func addLink(_ context: SpanContext, attributes: [String: any AttributeValueConvertible] = [:]) {
        guard isRecording else { return }
        let link = Link(context: context, attributes: AttributeList(attributes))
        let limit = client.limits.maxLinks
        mutate { state in
            if state.links.count < limit { state.links.append(link) }
        }
    }

    /// Records an error: the attributes `exception.type` and `exception.message`, an `exception` event with the
    /// same attributes, and the span's exception block. It does not change the status; call
    /// ``setStatus(_:_:)`` as well, or let the inline closures do both.
    public func recordException(_ error: any Error, attributes: [String: any AttributeValueConvertible] = [:]) {
        guard isRecording else { return }
        let info = ExceptionInfo(error)
        var eventAttributes = AttributeList()
        eventAttributes["exception.type"] = .string(info.type)
        eventAttributes["exception.message"] = .string(info.message)
        eventAttributes.merge(attributes)
        let event = Event(name: "exception", timeNanos: WallClock.nanosecondsSinceEpoch(), attributes: eventAttributes)
        let limits = client.limits
        mutate { state in
            state.exception = info
            state.set("exception.type", .string(info.type), limit: limits.maxAttributes)
            state.set("exception.message", .string(info.message), limit: limits.maxAttributes)
            if state.events.count < limits.maxEvents {
                state.events.append(event)
            } else {
                state.droppedEventCount += 1
            }
        }
    }

    /// Ends the span of an inline closure whose body returned: status `ok` unless the body set another, in the
    /// same lock as the end.
    @usableFromInline
    func finishSucceeded() {
        finish(atNanos: record == nil ? 0 : WallClock.nanosecondsSinceEpoch(), succeeded: true)
    }

    /// Records how an inline closure failed: cancellation as status `cancelled`, any other error as an
    /// exception with status `error`.
    @usableFromInline
    func recordFailure(_ error: any Error) {
        if error is CancellationError {
            setStatus(.cancelled, "cancelled")
        } else {
            recordException(error)
            setStatus(.error, ExceptionInfo.message(of: error))
        }
    }

    // MARK: Ending

    /// Ends the span now and hands it to the export pipeline. Ending twice is ignored and counted.
    public func end() {
        end(atNanos: record == nil ? 0 : WallClock.nanosecondsSinceEpoch())
    }

    /// Ends the span at the given time (nanoseconds since the Unix epoch); earlier than the start counts as the
    /// start.
    public func end(atNanos time: UInt64) {
        finish(atNanos: time, succeeded: false)
    }

    private func finish(atNanos time: UInt64, succeeded: Bool) {
        // The record is not copied: the export queues get references to it, and the span never writes it again.
        enum Outcome { case ended, endedRegistered, alreadyEnded }
        let outcome = lock.withLock { () -> Outcome in
            guard !ended else { return .alreadyEnded }
            ended = true
            if let record {
                if succeeded && record.status == .unset { record.status = .ok }
                record.endTimeNanos = max(time, startTimeNanos, 1)
            }
            return isRegistered ? .endedRegistered : .ended
        }
        switch outcome {
        case .ended: break
        case .endedRegistered: client.registry.remove(spanContext.spanID)
        case .alreadyEnded:
            client.counters.ignoredCalls.add(1, ordering: .relaxed)
            return
        }
        if let record { client.spanEnded(SpanData(record: record)) }
    }

    /// Makes this span findable by id for explicit parenting, once its id has been handed out.
    private func registerForLookup() {
        lock.withLock {
            guard !isRegistered, !ended else { return }
            isRegistered = true
            client.registry.insert(self)
        }
    }
}

extension NoveumSpan: CustomStringConvertible {
    /// `NoveumSpan(name, trace=…, span=…)`.
    public var description: String {
        "NoveumSpan(\(name), trace=\(spanContext.traceID), span=\(spanContext.spanID))"
    }
}

extension NoveumSpan.ExceptionInfo {
    /// Describes `error`: its module-qualified type name and its description.
    public init(_ error: any Error) {
        self.init(type: String(reflecting: Swift.type(of: error)), message: Self.message(of: error))
    }

    static func message(of error: any Error) -> String {
        String(describing: error)
    }
}
