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
        return makeSpan(
            name: operationName, kind: kind, parent: context.noveumParentInfo, attributes: AttributeList(),
            baseContext: context, startTimeNanos: instant().nanosecondsSinceEpoch)
    }

    public func activeSpan(identifiedBy context: InstrumentationContext) -> NoveumSpan? {
        context.noveumSpan
    }

    /// Starts a flush in the background; use ``flush(timeout:)`` to wait for it.
    public func forceFlush() {
        Task { await self.flush() }
    }

    public func extract<Carrier, Extract>(
        _ carrier: Carrier, into context: inout InstrumentationContext, using extractor: Extract
    ) where Extract: Extractor, Extract.Carrier == Carrier {
        guard let header = extractor.extract(key: TraceParent.traceParentHeader, from: carrier),
              let remote = TraceParent.parse(
                header, traceState: extractor.extract(key: TraceParent.traceStateHeader, from: carrier))
        else { return }
        context[RemoteSpanContextKey.self] = remote
        context.noveumSpan = nil
    }

    public func inject<Carrier, Inject>(
        _ context: InstrumentationContext, into carrier: inout Carrier, using injector: Inject
    ) where Inject: Injector, Inject.Carrier == Carrier {
        guard let spanContext = context.noveumParent else { return }
        injector.inject(TraceParent.format(spanContext), forKey: TraceParent.traceParentHeader, into: &carrier)
        if let state = spanContext.traceState {
            injector.inject(state, forKey: TraceParent.traceStateHeader, into: &carrier)
        }
    }
}
