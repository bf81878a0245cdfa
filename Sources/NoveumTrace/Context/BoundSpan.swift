/// A span as the task-local binding (``ActiveSpan``) and an `InstrumentationContext` hold it: one class reference.
///
/// ``NoveumSpan`` keeps a sampled-out span inline, so that starting one allocates nothing; binding it puts that
/// value in a ``NonRecordingSpanBox``. A recording span binds its ``SpanRecord`` itself. One plain class
/// reference keeps every read of the current span cheap: a larger or multi-case value read out of the generic
/// task-local goes through run-time value witnesses, which cost more than the rest of a sampled-out span.
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
            : unsafeDowncast(self, to: NonRecordingSpanBox.self).value
    }

    /// The client that records the span while it is open; nil for a span that records nothing, and once it has
    /// ended (its record lets go of the client then; see ``SpanRecord/client``).
    final var recordingClient: NoveumClient? {
        isRecording ? unsafeDowncast(self, to: SpanRecord.self).read { $0.client } : nil
    }
}

/// A sampled-out span in a box, to be bound as the active span.
@usableFromInline
final class NonRecordingSpanBox: BoundSpan, @unchecked Sendable {
    let value: NoveumSpan

    init(_ span: NoveumSpan, contextSpanAtStart: SpanID?) {
        self.value = span
        super.init(spanContext: span.spanContext, contextSpanAtStart: contextSpanAtStart, isRecording: false)
    }
}

extension NoveumSpan {
    /// This span as the active-span binding holds it.
    @usableFromInline
    var bound: BoundSpan {
        switch state {
        case .recording(let record): record
        case .unrecorded(let span): NonRecordingSpanBox(self, contextSpanAtStart: span.contextSpanAtStart)
        }
    }
}
