import Tracing

/// The span bound in an `InstrumentationContext` (also known as `ServiceContext`): what swift-distributed-tracing's
/// `withSpan` binds for a span of ours started by Hummingbird, Vapor, AsyncHTTPClient or any instrumented library.
///
/// The inline closures bind their span in ``ActiveSpan`` instead; ``ActiveSpan/resolve(in:)`` combines the two.
enum ActiveSpanKey: InstrumentationContextKey {
    typealias Value = BoundSpan
    static var nameOverride: String? { "noveum-active-span" }
}

/// A span context extracted from an incoming `traceparent` header.
enum RemoteSpanContextKey: InstrumentationContextKey {
    typealias Value = SpanContext
    static var nameOverride: String? { "noveum-remote-span-context" }
}

extension InstrumentationContext {
    /// The active local span, if any.
    var noveumSpan: BoundSpan? {
        get { self[ActiveSpanKey.self] }
        set { self[ActiveSpanKey.self] = newValue }
    }

    /// The context new spans started here should use as their parent: the active local span, or else a remote
    /// parent extracted from `traceparent`.
    var noveumParent: SpanContext? {
        if let span = self[ActiveSpanKey.self] { return span.spanContext }
        return self[RemoteSpanContextKey.self]
    }
}

/// The span an inline closure made active in this task.
///
/// The inline closures bind their span in this task-local of the SDK's own rather than writing it into the task's
/// `InstrumentationContext`: writing a key there copies the context's dictionary, which cost an allocation, a hash
/// and run-time metadata lookups for every span. Libraries still see the right parent, because every place that
/// reads "the current span" for a context (starting a span through the `Tracer` API, `inject`, `activeSpan`,
/// ``NoveumTrace/currentSpan``) goes through ``resolve(in:)``: a span bound here wins when it was started under the
/// very context span that the given context carries (nothing was bound in the context since), and the context's
/// own span wins otherwise (a library's `withSpan` inside the closure bound a newer one).
@usableFromInline
enum ActiveSpan {
    /// The span bound by the innermost inline closure of this task, if any.
    @usableFromInline
    static let binding = TaskLocal<Binding>(wrappedValue: Binding(nil))

    /// What ``binding`` holds: one class reference (a recording span's record, or a boxed sampled-out span), or a
    /// sampled-out span's ids inline.
    ///
    /// A struct of our own rather than a bare optional: the runtime's generic `TaskLocal.get` and `withValue` copy
    /// the value through its type's value witnesses; this struct's are generated here and copy one reference and
    /// plain bytes, where `Optional`'s go through the payload's witnesses for its enum tag first. A sampled-out span
    /// whose fields are all plain values (no `tracestate`, started outside any `InstrumentationContext`: every
    /// sampled-out inline closure of a program that binds no context) is held inline, in the task-local's own
    /// storage, so binding it allocates nothing; a box cost an allocation and its release for every such closure.
    /// One with a `tracestate` or a start context is boxed: fields that are counted references would make every
    /// copy of the binding, on every span start, retain and release them (measured: +274 instructions on every
    /// manual span, and the sampled-out closure gained nothing).
    @usableFromInline
    struct Binding: Sendable {
        /// A recording span's record, or a boxed sampled-out span; nil for a sampled-out span held in ``inline``,
        /// and for no span.
        @usableFromInline let span: BoundSpan?
        /// A sampled-out span's ids, when ``InlineSpan/isPresent``.
        @usableFromInline let inline: InlineSpan

        /// A sampled-out span's context and fields, as plain integers: copying them is a few moves (optional ids or
        /// an enum here would be copied through their value witnesses).
        @usableFromInline
        struct InlineSpan: Sendable {
            @usableFromInline let traceHigh: UInt64
            @usableFromInline let traceLow: UInt64
            @usableFromInline let spanID: UInt64
            @usableFromInline let parentSpanID: UInt64
            /// ``Flags``.
            @usableFromInline let flags: UInt8
            @usableFromInline let kind: SpanKind

            @usableFromInline
            enum Flags {
                static let isPresent: UInt8 = 1
                static let isSampled: UInt8 = 2
                static let isRemote: UInt8 = 4
                static let hasParent: UInt8 = 8
                static let parentIsRemote: UInt8 = 16
            }

            @usableFromInline
            static var absent: InlineSpan {
                InlineSpan(traceHigh: 0, traceLow: 0, spanID: 0, parentSpanID: 0, flags: 0, kind: .internal)
            }

            @usableFromInline
            init(
                traceHigh: UInt64, traceLow: UInt64, spanID: UInt64, parentSpanID: UInt64, flags: UInt8, kind: SpanKind
            ) {
                self.traceHigh = traceHigh
                self.traceLow = traceLow
                self.spanID = spanID
                self.parentSpanID = parentSpanID
                self.flags = flags
                self.kind = kind
            }

            /// A sampled-out span started outside any `InstrumentationContext` (so the id of its start context's
            /// span is nil) and without a `tracestate`.
            init(_ context: SpanContext, _ fields: NonRecordingSpan) {
                var flags = Flags.isPresent
                if context.isSampled { flags |= Flags.isSampled }
                if context.isRemote { flags |= Flags.isRemote }
                if fields.parentSpanID != nil { flags |= Flags.hasParent }
                if fields.parentIsRemote { flags |= Flags.parentIsRemote }
                self.init(
                    traceHigh: context.traceID.high, traceLow: context.traceID.low, spanID: context.spanID.rawValue,
                    parentSpanID: fields.parentSpanID?.rawValue ?? 0, flags: flags, kind: fields.kind)
            }

            @inline(__always)
            var isPresent: Bool { flags & Flags.isPresent != 0 }

            @inline(__always)
            func has(_ flag: UInt8) -> Bool { flags & flag != 0 }

            var context: SpanContext {
                SpanContext(
                    traceID: TraceID(high: traceHigh, low: traceLow), spanID: SpanID(rawValue: spanID),
                    isSampled: has(Flags.isSampled), isRemote: has(Flags.isRemote))
            }

            var handle: NoveumSpan {
                NoveumSpan(
                    context,
                    unrecorded: NonRecordingSpan(
                        parentSpanID: has(Flags.hasParent) ? SpanID(rawValue: parentSpanID) : nil,
                        parentIsRemote: has(Flags.parentIsRemote), kind: kind, baseContext: nil,
                        contextSpanAtStart: nil))
            }
        }

        /// `span` (nil for none), bound as it is.
        @usableFromInline
        init(_ span: BoundSpan?) {
            self.init(span: span, inline: .absent)
        }

        @usableFromInline
        init(span: BoundSpan?, inline: InlineSpan) {
            self.span = span
            self.inline = inline
        }

        /// Whether a span is bound.
        var isActive: Bool { inline.isPresent || span != nil }

        /// The id of the span the bound span's start context carried; see ``ActiveSpan/resolve(in:)``.
        var contextSpanAtStart: SpanID? { inline.isPresent ? nil : span?.contextSpanAtStart }

        /// The bound span's context.
        var spanContext: SpanContext? { inline.isPresent ? inline.context : span?.spanContext }

        /// The bound span as a handle.
        var handle: NoveumSpan? { inline.isPresent ? inline.handle : span?.handle }

        /// The bound span as the parent of a new span.
        var parentInfo: ParentInfo? {
            if inline.isPresent { return ParentInfo(context: inline.context, isRecording: false) }
            return span.map(ParentInfo.init)
        }

        /// The client that records the bound span while it is open; see ``BoundSpan/recordingClient``.
        var recordingClient: NoveumClient? { span?.recordingClient }
    }

    /// The innermost active span for code whose current context is `context`, and the id of the context's own span.
    @inline(__always)
    static func resolve(in context: InstrumentationContext?) -> (active: Binding, contextSpanID: SpanID?) {
        let contextSpan = context?.noveumSpan
        let contextSpanID = contextSpan?.spanContext.spanID
        let bound = binding.get()
        if bound.isActive, bound.contextSpanAtStart == contextSpanID {
            return (bound, contextSpanID)
        }
        return (Binding(contextSpan), contextSpanID)
    }

    /// The parent of a span started with `context` as its current context: the innermost active span, else a
    /// remote parent extracted from `traceparent`; and the id of the context's own span, which the new span records.
    @inline(__always)
    static func parent(in context: InstrumentationContext?) -> (parent: ParentInfo?, contextSpanID: SpanID?) {
        parent(of: SpanOrigin(context: context))
    }

    /// The parent of a span started at `origin`; see ``parent(in:)``.
    @inline(__always)
    static func parent(of origin: SpanOrigin) -> (parent: ParentInfo?, contextSpanID: SpanID?) {
        if let active = origin.active.parentInfo { return (active, origin.contextSpanID) }
        guard let context = origin.context else { return (nil, nil) }
        return (context[RemoteSpanContextKey.self].map { ParentInfo(context: $0, isRecording: $0.isSampled) }, nil)
    }
}

/// Where a new span starts: the task's context and the span active in it, read once (each read of a task-local
/// value costs a lookup through the current task), then used both to pick the client and to find the parent.
@usableFromInline
struct SpanOrigin {
    /// The current context of the task.
    @usableFromInline let context: InstrumentationContext?
    /// The innermost active span; see ``ActiveSpan/resolve(in:)``.
    @usableFromInline let active: ActiveSpan.Binding
    /// The id of the span the context itself carries.
    @usableFromInline let contextSpanID: SpanID?

    /// Reads the origin for `context`.
    @usableFromInline
    init(context: InstrumentationContext?) {
        self.context = context
        (active, contextSpanID) = ActiveSpan.resolve(in: context)
    }

    /// Reads the origin of the current task.
    @usableFromInline
    static var current: SpanOrigin { SpanOrigin(context: InstrumentationContext.current) }

    /// The client the static API uses here: the active span's own client, else ``NoveumTrace/client``: when the
    /// active span records nothing (its children record nothing whichever client starts them), and when it has
    /// already ended (a task that outlives its parent's closure; its record no longer holds the client).
    @usableFromInline
    var client: NoveumClient { active.recordingClient ?? NoveumTrace.client }
}

/// A new span's parent: its context, and whether it records (a local span of a tail-sampling candidate records
/// although its trace is not sampled).
struct ParentInfo {
    let context: SpanContext
    let isRecording: Bool

    init(context: SpanContext, isRecording: Bool) {
        self.context = context
        self.isRecording = isRecording
    }

    init(_ span: BoundSpan) {
        self.init(context: span.spanContext, isRecording: span.isRecording)
    }
}
