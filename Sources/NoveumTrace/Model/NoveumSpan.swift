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
    /// Guards `_state`. A `Mutex<State>` would be the obvious container, but initialising one copies the initial
    /// value and destroys the original (the optimiser does not forward it), which cost a full `SpanData` copy per
    /// span; the state is initialised in place here instead and read and written only through ``withState(_:)``.
    private let lock = Mutex(())
    @exclusivity(unchecked) private nonisolated(unsafe) var _state: State

    /// Runs `body` on the state under the lock.
    @inline(__always)
    private func withState<R>(_ body: (inout State) -> R) -> R {
        lock.withLock { _ in body(&_state) }
    }

    /// Everything a span records lives in `data`, the very record exporters receive: ending the span copies it
    /// once into the export queue, field for field, instead of assembling a new one.
    struct State {
        /// The record so far; its `endTimeNanos` is zero while the span is open.
        var data: SpanData
        var isRegistered = false

        var endTimeNanos: UInt64 { data.endTimeNanos }

        /// Builds the record in place (a `SpanData` made outside and passed in costs an extra copy and destroy).
        @inline(__always)
        init(
            context: SpanContext, parentSpanID: SpanID?, parentIsRemote: Bool, name: String, kind: SpanKind,
            startTimeNanos: UInt64, attributes: AttributeList
        ) {
            data = SpanData(
                context: context, parentSpanID: parentSpanID, parentIsRemote: parentIsRemote, name: name, kind: kind,
                startTimeNanos: startTimeNanos, endTimeNanos: 0, attributes: attributes)
        }

        mutating func set(_ key: String, _ value: AttributeValue, limit: Int) {
            if let index = data.attributes.storage.firstIndex(where: { $0.key == key }) {
                data.attributes.storage[index].value = value
            } else if data.attributes.storage.count < limit {
                // Room for the usual handful at once, instead of growing 1 → 2 → 4 → 8 with an allocation each.
                if data.attributes.storage.capacity == 0 { data.attributes.storage.reserveCapacity(min(limit, 8)) }
                data.attributes.storage.append(AttributeList.Element(key: key, value: value))
            } else {
                data.droppedAttributeCount += 1
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
        self._state = State(
            context: context, parentSpanID: parentSpanID, parentIsRemote: parentIsRemote, name: name, kind: kind,
            startTimeNanos: startTimeNanos, attributes: attributes)
    }

    deinit {
        // Nothing else holds the span any more (a deinit has exclusive access), so the state is read without the
        // lock: the open check is all that nearly every span pays here.
        guard isRecording, _state.endTimeNanos == 0 else { return }
        client.counters.spansAbandoned.add(1, ordering: .relaxed)
        _state.data.endTimeNanos = max(WallClock.nanosecondsSinceEpoch(), startTimeNanos)
        _state.set("noveum.span.abandoned", .bool(true), limit: Int.max)
        client.spanEnded(_state.data)
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
    public var name: String { withState { $0.data.name } }

    /// Whether the span has ended.
    public var isEnded: Bool { withState { $0.endTimeNanos != 0 } }

    /// The status set so far.
    public var status: Status { withState { $0.data.status } }

    /// A snapshot of the attributes set so far.
    public var attributeList: AttributeList { withState { $0.data.attributes } }

    /// The W3C `traceparent` value for this span, to send to another service by hand.
    public var traceparent: String { TraceParent.format(spanContext) }

    // MARK: Recording

    /// Runs `body` on the state of an open, recording span; counts the call if the span has ended.
    @inline(__always)
    private func mutate(_ body: (inout State) -> Void) {
        guard isRecording else { return }
        let applied = withState { state -> Bool in
            guard state.endTimeNanos == 0 else { return false }
            body(&state)
            return true
        }
        if !applied { client.counters.ignoredCalls.add(1, ordering: .relaxed) }
    }

    /// Renames the span.
    public func updateName(_ name: String) {
        mutate { $0.data.name = name }
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
            state.data.attributes = AttributeList()
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
            $0.data.status = status
            $0.data.statusMessage = message
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
            if state.data.events.count < limit {
                state.data.events.append(event)
            } else {
                state.data.droppedEventCount += 1
            }
        }
    }

    /// Links this span to another span, for example the request that caused a batch job.
    public func addLink(_ context: SpanContext, attributes: [String: any AttributeValueConvertible] = [:]) {
        guard isRecording else { return }
        let link = Link(context: context, attributes: AttributeList(attributes))
        let limit = client.limits.maxLinks
        mutate { state in
            if state.data.links.count < limit { state.data.links.append(link) }
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
            state.data.exception = info
            state.set("exception.type", .string(info.type), limit: limits.maxAttributes)
            state.set("exception.message", .string(info.message), limit: limits.maxAttributes)
            if state.data.events.count < limits.maxEvents {
                state.data.events.append(event)
            } else {
                state.data.droppedEventCount += 1
            }
        }
    }

    /// Sets status `ok` when an inline closure returns and its body set no status.
    @usableFromInline
    func markSucceeded() {
        guard isRecording else { return }
        withState { state in
            if state.data.status == .unset && state.endTimeNanos == 0 { state.data.status = .ok }
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
        // A span that records nothing has no end time to report: it skips the clock.
        end(atNanos: isRecording ? WallClock.nanosecondsSinceEpoch() : startTimeNanos)
    }

    /// Ends the span at the given time (nanoseconds since the Unix epoch); earlier than the start counts as the
    /// start.
    public func end(atNanos time: UInt64) {
        // The record is handed to the pipelines under the span's lock, straight from the span's state: one copy,
        // into the export queue. (The pipelines never take a span's lock, so the nesting cannot deadlock.)
        enum Outcome { case ended, endedRegistered, alreadyEnded }
        let outcome = withState { state -> Outcome in
            guard state.endTimeNanos == 0 else { return .alreadyEnded }
            state.data.endTimeNanos = max(time, startTimeNanos, 1)
            if isRecording { client.spanEnded(state.data) }
            return state.isRegistered ? .endedRegistered : .ended
        }
        switch outcome {
        case .ended: return
        case .endedRegistered: client.registry.remove(spanContext.spanID)
        case .alreadyEnded: client.counters.ignoredCalls.add(1, ordering: .relaxed)
        }
    }

    /// Makes this span findable by id for explicit parenting, once its id has been handed out.
    private func registerForLookup() {
        withState { state in
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
