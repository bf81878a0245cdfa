import Tracing

/// swift-distributed-tracing support: bootstrap a client as the process's tracer and spans from Hummingbird,
/// Vapor, AsyncHTTPClient and any other instrumented library join the same traces as the inline closures.
///
/// ```swift
/// InstrumentationSystem.bootstrap(NoveumTrace.client)
/// ```
///
/// As an `Instrument` it reads and writes W3C Trace Context: `traceparent` and `tracestate`.
extension NoveumClient: Tracer {
    public typealias Span = NoveumSpan

    public func startSpan<Instant: TracerInstant>(
        _ operationName: String, context: @autoclosure () -> InstrumentationContext, ofKind kind: SpanKind,
        at instant: @autoclosure () -> Instant, function: String, file fileID: String, line: UInt
    ) -> NoveumSpan {
        let context = context()
        let (parent, contextSpanID) = ActiveSpan.parent(in: context)
        return makeSpan(
            name: operationName, kind: kind, parent: parent, attributes: { AttributeList() }, baseContext: context,
            contextSpanID: contextSpanID, startTimeNanos: instant().nanosecondsSinceEpoch)
    }

    /// The innermost active span for `context`: the span of an enclosing inline closure, or the context's own.
    public func activeSpan(identifiedBy context: InstrumentationContext) -> NoveumSpan? {
        ActiveSpan.resolve(in: context).active.handle
    }

    /// Starts a flush in the background; use ``flush(timeout:)`` to wait for it.
    public func forceFlush() {
        Task { await self.flush() }
    }

    public func extract<Carrier, Extract>(
        _ carrier: Carrier, into context: inout InstrumentationContext, using extractor: Extract
    ) where Extract: Extractor, Extract.Carrier == Carrier {
        guard let header = extractor.extract(key: TraceParent.traceParentHeader, from: carrier) else { return }
        guard let remote = TraceParent.parse(
            header, traceState: extractor.extract(key: TraceParent.traceStateHeader, from: carrier))
        else {
            // A peer sent trace context that is not W3C: the work starts a new trace, counted.
            counters.invalidTraceParents.add(1, ordering: .relaxed)
            return
        }
        context[RemoteSpanContextKey.self] = remote
        context.noveumSpan = nil
    }

    public func inject<Carrier, Inject>(
        _ context: InstrumentationContext, into carrier: inout Carrier, using injector: Inject
    ) where Inject: Injector, Inject.Carrier == Carrier {
        let spanContext: SpanContext
        if let active = ActiveSpan.resolve(in: context).active.spanContext {
            spanContext = active
        } else if let remote = context[RemoteSpanContextKey.self] {
            spanContext = remote
        } else {
            return
        }
        injector.inject(TraceParent.format(spanContext), forKey: TraceParent.traceParentHeader, into: &carrier)
        if let state = spanContext.traceState {
            injector.inject(state, forKey: TraceParent.traceStateHeader, into: &carrier)
        }
    }
}
