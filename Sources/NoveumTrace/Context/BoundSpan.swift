/// A span as the task-local binding (``ActiveSpan``) and an `InstrumentationContext` hold it: one class reference.
///
/// ``NoveumSpan`` keeps a sampled-out span inline, so that starting one allocates nothing. A recording span binds
/// its ``SpanRecord`` itself. A sampled-out span is put in a ``NonRecordingSpanBox`` for an `InstrumentationContext`,
/// and for the active-span task-local when it has a `tracestate` or a start context; otherwise the task-local holds
/// its ids inline (``ActiveSpan/Binding``), as plain integers. One plain class reference (and plain integers beside
/// it) keeps every read of the current span cheap: counted references, optionals or several cases in a value read
/// out of the generic task-local go through value witnesses, which cost more than the rest of a sampled-out span.
@usableFromInline
class BoundSpan: @unchecked Sendable {
    /// The span's context. Written only while no other reference exists (a ``SpanRecord`` that is reused).
    @exclusivity(unchecked) final var spanContext: SpanContext
    /// The id of the span the span's start context carried; see ``ActiveSpan/resolve(in:)``.
    @exclusivity(unchecked) final var contextSpanAtStart: SpanID?
    /// Whether this is a ``SpanRecord``; else it is a ``NonRecordingSpanBox``.
    let isRecording: Bool

    init(spanContext: SpanContext, contextSpanAtStart: SpanID?, isRecording: Bool) {
        self.spanContext = spanContext
        self.contextSpanAtStart = contextSpanAtStart
        self.isRecording = isRecording
    }

    /// The span, as a handle.
    final var handle: NoveumSpan {
        isRecording
            ? NoveumSpan(unsafeDowncast(self, to: SpanRecord.self))
            : NoveumSpan(spanContext, unrecorded: unsafeDowncast(self, to: NonRecordingSpanBox.self).span)
    }

    /// The client that records the span while it is open; nil for a span that records nothing, and once it has
    /// ended (its record lets go of the client then; see ``SpanRecord/client``).
    final var recordingClient: NoveumClient? {
        isRecording ? unsafeDowncast(self, to: SpanRecord.self).read { $0.client } : nil
    }
}

/// A sampled-out span in a box, to be bound as the active span: its context in the base class, and what else it
/// carries beside. (A whole ``NoveumSpan`` here would hold a second copy of the context, and copying in the handle's
/// enum goes through its outlined witnesses: both cost more per inline closure than the rest of the box.)
@usableFromInline
final class NonRecordingSpanBox: BoundSpan, @unchecked Sendable {
    let span: NonRecordingSpan

    init(_ context: SpanContext, _ span: NonRecordingSpan) {
        self.span = span
        super.init(spanContext: context, contextSpanAtStart: span.contextSpanAtStart, isRecording: false)
    }
}

extension NoveumSpan {
    /// This span as an `InstrumentationContext` holds it.
    @usableFromInline
    var bound: BoundSpan {
        switch state {
        case .recording(let record): record
        case .unrecorded(let span): NonRecordingSpanBox(spanContext, span)
        }
    }

    /// This span as the active-span task-local holds it: a sampled-out span without a `tracestate` or a start
    /// context inline, allocating nothing; see ``ActiveSpan/Binding``.
    @usableFromInline
    var binding: ActiveSpan.Binding {
        switch state {
        case .recording(let record):
            return ActiveSpan.Binding(record)
        case .unrecorded(let span):
            // The inline form keeps no start context and no start context's span id: a span with either is boxed.
            if spanContext.traceState == nil, span.baseContext == nil, span.contextSpanAtStart == nil {
                return ActiveSpan.Binding(span: nil, inline: ActiveSpan.Binding.InlineSpan(spanContext, span))
            }
            return ActiveSpan.Binding(NonRecordingSpanBox(spanContext, span))
        }
    }
}
