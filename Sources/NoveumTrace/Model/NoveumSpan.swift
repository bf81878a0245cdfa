import Tracing

/// A span: one timed operation in a trace, with attributes, events, links and a status.
///
/// Spans come from the inline closures (``NoveumTrace/traceOperation(_:kind:attributes:isolation:_:)`` and kin),
/// from ``NoveumClient/startSpan(name:parentSpanID:kind:attributes:)``, or from libraries instrumented with
/// swift-distributed-tracing once ``NoveumClient`` is bootstrapped as their tracer.
///
/// A `NoveumSpan` is a handle: copies of it refer to the same span, and compare equal. It is safe to use from any
/// task or thread; a recording span keeps its mutable state behind one lock held only for the few instructions each
/// call needs. Calls on a span that has already ended are ignored and counted in
/// ``NoveumStats/ignoredCallsOnEndedSpans``; they never crash.
///
/// A span of a trace that was sampled out is not recording. It carries its ids (for `traceparent` and for its
/// children, which are sampled out as well) and nothing else: starting and ending it allocates nothing, every
/// call on it returns at once, nothing is exported, and it keeps no state (``isEnded`` stays false, ``name`` is
/// empty).
///
/// A recording span that is released without being ended is ended at that moment, exported with the
/// attribute `noveum.span.abandoned = true`, and counted in ``NoveumStats/spansAbandoned``: a forgotten
/// `finishSpan` loses no data.
public struct NoveumSpan: Sendable {
    /// The trace id, span id, sampling flag and trace state.
    public let spanContext: SpanContext
    /// The span's record, or what a span that records nothing carries instead.
    @usableFromInline let state: State

    /// What a handle holds besides its ``spanContext``.
    ///
    /// One enum rather than an optional record beside a placeholder for the sampled-out fields: the record is read
    /// with a tag test and one retain (an optional record was copied through its run-time value witnesses, about
    /// a hundred instructions per inline closure), and the handle has two reference-counted parts, not three.
    @usableFromInline
    enum State: Sendable {
        /// The state of a recording span, shared by every copy of the handle.
        case recording(SpanRecord)
        /// The trace was sampled out (or the client has no exporter).
        case unrecorded(NonRecordingSpan)
    }

    init(_ span: SpanRecord) {
        spanContext = span.spanContext
        state = .recording(span)
    }

    init(_ context: SpanContext, unrecorded: NonRecordingSpan) {
        spanContext = context
        state = .unrecorded(unrecorded)
    }

    /// The state of a recording span; nil when the trace was sampled out.
    var recording: SpanRecord? {
        if case .recording(let record) = state { return record }
        return nil
    }

    // MARK: Identity

    /// The parent span's id, or nil for a root span.
    public var parentSpanID: SpanID? {
        switch state {
        case .recording(let record): record.parentSpanID
        case .unrecorded(let span): span.parentSpanID
        }
    }

    /// Whether the parent arrived from another process.
    public var parentIsRemote: Bool {
        switch state {
        case .recording(let record): record.parentIsRemote
        case .unrecorded(let span): span.parentIsRemote
        }
    }

    /// The kind of span: internal, client, server, producer or consumer.
    public var kind: SpanKind {
        switch state {
        case .recording(let record): record.kind
        case .unrecorded(let span): span.kind
        }
    }

    /// Start time in nanoseconds since the Unix epoch; 0 for a span that records nothing (its trace was sampled
    /// out), which reads no clock.
    public var startTimeNanos: UInt64 { recording?.startTimeNanos ?? 0 }

    /// Whether this span records anything. False when its trace was sampled out.
    @inlinable
    public var isRecording: Bool {
        if case .recording = state { return true }
        return false
    }

    /// The trace id: 32 lowercase hex characters in its description.
    public var traceID: TraceID { spanContext.traceID }

    /// The span id: 16 lowercase hex characters in its description.
    ///
    /// Pass it as `parentSpanID` to ``NoveumClient/startSpan(name:parentSpanID:kind:attributes:)`` to start
    /// children of this span from any task or thread while it is open.
    public var spanID: SpanID {
        if let recording {
            recording.registerForLookup()
        } else {
            SampledOutSpanRegistry.shared.insert(self)
        }
        return spanContext.spanID
    }

    /// The span's name; empty for a span that records nothing (its trace was sampled out), which keeps only its ids.
    public var name: String { recording?.read(\.name) ?? "" }

    /// Whether the span has ended. Always false for a span that records nothing, which keeps no state.
    public var isEnded: Bool { recording?.read(\.ended) ?? false }

    /// The status set so far.
    public var status: Status { recording?.read(\.status) ?? .unset }

    /// A snapshot of the attributes set so far.
    public var attributeList: AttributeList { recording?.read(\.attributes) ?? AttributeList() }

    /// The W3C `traceparent` value for this span, to send to another service by hand.
    public var traceparent: String { TraceParent.format(spanContext) }

    /// The context this span was started in.
    var baseContext: InstrumentationContext? {
        switch state {
        case .recording(let record): record.baseContext
        case .unrecorded(let span): span.baseContext
        }
    }

    // MARK: Recording

    /// Renames the span.
    public func updateName(_ name: String) {
        recording?.mutate { $0.name = name }
    }

    /// Sets one attribute. A nil optional sets nothing.
    public func setAttribute(_ key: String, _ value: some AttributeValueConvertible) {
        guard let span = recording, let attribute = value.attributeValue else { return }
        span.mutate { $0.set(key, attribute, limit: $0.limits.maxAttributes) }
    }

    /// Sets several attributes from a dictionary literal that may mix `Int`, `Double`, `Bool`, `String`,
    /// arrays of those and optionals (nil values set nothing).
    ///
    /// ```swift
    /// span.setAttributes(["llm.input_tokens": usage.promptTokens, "llm.response": text])
    /// ```
    ///
    /// The literal is an ``AttributeLiteral``, not a `Dictionary`: a span that records nothing ignores it without
    /// hashing a key, and a recording span sets the attributes in key order without building a dictionary.
    @inlinable
    public func setAttributes(_ attributes: AttributeLiteral) {
        guard isRecording, !attributes.pairs.isEmpty else { return }
        // Inlined: a sampled-out span costs the caller a tag test.
        attributes.pairs.withUnsafeBufferPointer { setAttributes(converting: $0) }
    }

    /// Converts a literal's pairs outside the span's lock (a conversion is the caller's code) and sets them in key
    /// order, as from a dictionary.
    @usableFromInline
    func setAttributes(converting pairs: UnsafeBufferPointer<(String, any AttributeValueConvertible)>) {
        guard let span = recording else { return }
        AttributeList.withConvertedElements(of: pairs) { Self.set($0, on: span) }
    }

    /// Sets the attributes of a dictionary (a literal goes to ``setAttributes(_:)-(AttributeLiteral)``), in key
    /// order.
    @_disfavoredOverload
    public func setAttributes(_ attributes: [String: any AttributeValueConvertible]) {
        guard let span = recording, !attributes.isEmpty else { return }
        AttributeList.withConvertedElements(of: attributes) { Self.set($0, on: span) }
    }

    /// Moves converted attributes into `span` in key order (a dictionary's order comes from hashing; key order is
    /// the same in every run, and a literal records what the same dictionary would); deinitializes them when the
    /// span has ended.
    private static func set(_ elements: UnsafeMutableBufferPointer<AttributeList.Element>, on span: SpanRecord) {
        AttributeList.sortByKey(elements)
        var moved = false
        span.mutate {
            $0.set(moving: elements)
            moved = true
        }
        if !moved { elements.deinitialize() }
    }

    /// Sets every attribute of `attributes`.
    public func setAttributes(_ attributes: AttributeList) {
        guard let span = recording else { return }
        span.mutate { $0.set(contentsOf: attributes.storage) }
    }

    /// Replaces all attributes (swift-distributed-tracing's `attributes` setter).
    func replaceAttributes(_ attributes: AttributeList) {
        guard let span = recording else { return }
        span.mutate { state in
            state.attributes = AttributeList()
            state.set(contentsOf: attributes.storage)
        }
    }

    /// Sets the span's status, with an optional message.
    ///
    /// ```swift
    /// span.setStatus(.ok)
    /// span.setStatus(.error, "rate limited")
    /// ```
    public func setStatus(_ status: Status, _ message: String? = nil) {
        recording?.mutate {
            $0.status = status
            $0.statusMessage = message
        }
    }

    /// Adds a timestamped event.
    public func addEvent(_ name: String, attributes: [String: any AttributeValueConvertible] = [:]) {
        guard isRecording else { return }
        addEvent(Event(name: name, timeNanos: WallClock.nanosecondsSinceEpoch(), attributes: AttributeList(attributes)))
    }

    /// Adds an event built by hand.
    public func addEvent(_ event: Event) {
        guard let span = recording else { return }
        span.mutate { $0.append(event) }
    }

    /// Links this span to another span, for example the request that caused a batch job.
    public func addLink(_ context: SpanContext, attributes: [String: any AttributeValueConvertible] = [:]) {
        guard let span = recording else { return }
        let link = Link(context: context, attributes: AttributeList(attributes))
        span.mutate { state in
            if state.links.count < state.limits.maxLinks { state.links.append(link) }
        }
    }

    /// Records an error: the attributes `exception.type` and `exception.message`, an `exception` event with the
    /// same attributes, and the span's exception block. It does not change the status; call
    /// ``setStatus(_:_:)`` as well, or let the inline closures do both.
    ///
    /// On a GenAI span (one with `gen_ai.operation.name`) it also sets `error.type` to the error's type, unless
    /// already set, and on a model call (`chat`, `text_completion`, `generate_content`, `embeddings`) it adds the
    /// GenAI conventions' `gen_ai.client.operation.exception` event with the same attributes.
    public func recordException(_ error: any Error, attributes: [String: any AttributeValueConvertible] = [:]) {
        guard let span = recording else { return }
        let info = ExceptionInfo(error)
        var eventAttributes = AttributeList()
        eventAttributes["exception.type"] = .string(info.type)
        eventAttributes["exception.message"] = .string(info.message)
        eventAttributes.merge(attributes)
        let event = Event(name: "exception", timeNanos: WallClock.nanosecondsSinceEpoch(), attributes: eventAttributes)
        span.mutate { state in
            let limits = state.limits
            state.exception = info
            state.set("exception.type", .string(info.type), limit: limits.maxAttributes)
            state.set("exception.message", .string(info.message), limit: limits.maxAttributes)
            state.append(event)
            state.recordGenAIFailure(type: info.type, event: event)
        }
    }

    /// Records a model call's failure reported as data rather than thrown (an HTTP error response, an error event
    /// in a stream): `error.type` and, as ``recordException(_:attributes:)`` does for a model call, the
    /// `gen_ai.client.operation.exception` event with `exception.type` and `exception.message`.
    func recordModelFailure(type: String, message: String) {
        guard let span = recording else { return }
        var attributes = AttributeList()
        attributes["exception.type"] = .string(type)
        attributes["exception.message"] = .string(message)
        let event = Event(name: "exception", timeNanos: WallClock.nanosecondsSinceEpoch(), attributes: attributes)
        span.mutate { state in
            state.set("error.type", .string(type), limit: state.limits.maxAttributes)
            state.recordGenAIFailure(type: type, event: event)
        }
    }

    /// Ends the span of an inline closure whose body returned: status `ok` unless the body set another, in the
    /// same lock as the end.
    @usableFromInline
    func finishSucceeded() {
        finish(atNanos: nil, succeeded: true)
    }

    /// Records how an inline closure failed: cancellation as status `cancelled`, any other error as an
    /// exception with status `error`.
    @usableFromInline
    func recordFailure(_ error: any Error) {
        guard isRecording else { return }
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
        finish(atNanos: nil, succeeded: false)
    }

    /// Ends the span at the given time (nanoseconds since the Unix epoch); earlier than the start counts as the
    /// start.
    public func end(atNanos time: UInt64) {
        finish(atNanos: time, succeeded: false)
    }

    /// Ends a recording span at `time` (now when nil; the clock is read only for a recording span); forgets a
    /// sampled-out span's registration for lookup by id.
    @inline(__always)
    private func finish(atNanos time: UInt64?, succeeded: Bool) {
        if let recording {
            recording.finish(atNanos: time, succeeded: succeeded)
        } else {
            SampledOutSpanRegistry.remove(spanContext.spanID)
        }
    }
}

extension NoveumSpan: Hashable {
    /// Whether two handles refer to the same span.
    public static func == (lhs: NoveumSpan, rhs: NoveumSpan) -> Bool {
        lhs.spanContext.spanID == rhs.spanContext.spanID && lhs.spanContext.traceID == rhs.spanContext.traceID
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(spanContext.spanID)
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
