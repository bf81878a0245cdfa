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
    /// Start time in nanoseconds since the Unix epoch.
    public let startTimeNanos: UInt64
    /// Whether this span records anything. False when its trace was sampled out.
    public let isRecording: Bool

    let client: NoveumClient
    /// The context this span was started in, for swift-distributed-tracing's `Span.context`.
    let baseContext: InstrumentationContext?
    private let state: LockedValue<State>

    struct State {
        var name: String
        var attributes: AttributeList
        var events: [Event] = []
        var links: [Link] = []
        var status: Status = .unset
        var statusMessage: String?
        var exception: ExceptionInfo?
        /// Zero while the span is open.
        var endTimeNanos: UInt64 = 0
        var isRegistered = false
        var droppedAttributeCount = 0
        var droppedEventCount = 0

        mutating func set(_ key: String, _ value: AttributeValue, limit: Int) {
            if let index = attributes.storage.firstIndex(where: { $0.key == key }) {
                attributes.storage[index].value = value
            } else if attributes.storage.count < limit {
                attributes.storage.append(AttributeList.Element(key: key, value: value))
            } else {
                droppedAttributeCount += 1
            }
        }
    }

    init(
        name: String, context: SpanContext, parentSpanID: SpanID?, parentIsRemote: Bool, kind: SpanKind,
        startTimeNanos: UInt64, isRecording: Bool, attributes: AttributeList, client: NoveumClient,
        baseContext: InstrumentationContext?
    ) {
        self.spanContext = context
        self.parentSpanID = parentSpanID
        self.parentIsRemote = parentIsRemote
        self.kind = kind
        self.startTimeNanos = startTimeNanos
        self.isRecording = isRecording
        self.client = client
        self.baseContext = baseContext
        self.state = LockedValue(State(name: name, attributes: attributes))
    }

    deinit {
        guard isRecording else { return }
        let abandoned = state.withLock { state -> SpanData? in
            guard state.endTimeNanos == 0 else { return nil }
            state.endTimeNanos = max(WallClock.nanosecondsSinceEpoch(), startTimeNanos)
            state.set("noveum.span.abandoned", .bool(true), limit: Int.max)
            return makeData(&state)
        }
        if let abandoned {
            client.counters.spansAbandoned.add(1, ordering: .relaxed)
            client.spanEnded(abandoned)
        }
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
    public var name: String { state.withLock { $0.name } }

    /// Whether the span has ended.
    public var isEnded: Bool { state.withLock { $0.endTimeNanos != 0 } }

    /// The status set so far.
    public var status: Status { state.withLock { $0.status } }

    /// A snapshot of the attributes set so far.
    public var attributeList: AttributeList { state.withLock { $0.attributes } }

    /// The W3C `traceparent` value for this span, to send to another service by hand.
    public var traceparent: String { TraceParent.format(spanContext) }

    // MARK: Recording

    /// Runs `body` on the state of an open, recording span; counts the call if the span has ended.
    @inline(__always)
    private func mutate(_ body: (inout State) -> Void) {
        guard isRecording else { return }
        let applied = state.withLock { state -> Bool in
            guard state.endTimeNanos == 0 else { return false }
            body(&state)
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

    /// Sets status `ok` when an inline closure returns and its body set no status.
    @usableFromInline
    func markSucceeded() {
        guard isRecording else { return }
        state.withLock { state in
            if state.status == .unset && state.endTimeNanos == 0 { state.status = .ok }
        }
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
        end(atNanos: WallClock.nanosecondsSinceEpoch())
    }

    /// Ends the span at the given time (nanoseconds since the Unix epoch); earlier than the start counts as the
    /// start.
    public func end(atNanos time: UInt64) {
        var wasRegistered = false
        var alreadyEnded = false
        let data = state.withLock { state -> SpanData? in
            guard state.endTimeNanos == 0 else {
                alreadyEnded = true
                return nil
            }
            state.endTimeNanos = max(time, startTimeNanos, 1)
            wasRegistered = state.isRegistered
            return isRecording ? makeData(&state) : nil
        }
        if alreadyEnded {
            client.counters.ignoredCalls.add(1, ordering: .relaxed)
            return
        }
        if wasRegistered { client.registry.remove(spanContext.spanID) }
        if let data { client.spanEnded(data) }
    }

    /// Moves the recorded state out into an immutable record.
    private func makeData(_ state: inout State) -> SpanData {
        SpanData(
            context: spanContext, parentSpanID: parentSpanID, parentIsRemote: parentIsRemote, name: state.name,
            kind: kind, startTimeNanos: startTimeNanos, endTimeNanos: state.endTimeNanos, status: state.status,
            statusMessage: state.statusMessage, attributes: state.attributes, events: state.events,
            links: state.links, exception: state.exception, droppedAttributeCount: state.droppedAttributeCount,
            droppedEventCount: state.droppedEventCount)
    }

    /// Makes this span findable by id for explicit parenting, once its id has been handed out.
    private func registerForLookup() {
        state.withLock { state in
            guard !state.isRegistered, state.endTimeNanos == 0 else { return }
            state.isRegistered = true
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
