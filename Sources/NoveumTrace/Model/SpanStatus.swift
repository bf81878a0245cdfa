extension NoveumSpan {
    /// The outcome of a span, as the Noveum platform records it.
    ///
    /// OpenTelemetry exporters map ``ok`` to `OK`, ``unset`` to `UNSET`, and ``error``, ``timeout`` and
    /// ``cancelled`` to `ERROR` with the status name kept in the message.
    public enum Status: String, Sendable, Hashable, CaseIterable {
        /// No outcome was set: the default.
        case unset
        /// The operation succeeded.
        case ok
        /// The operation failed.
        case error
        /// The operation ran out of time.
        case timeout
        /// The operation was cancelled, for example by Swift task cancellation.
        case cancelled

        /// Whether this status counts as a failure.
        public var isFailure: Bool { self == .error || self == .timeout }
    }

    /// An exception recorded on a span, as the Noveum payload's `exception` block carries it.
    public struct ExceptionInfo: Sendable, Hashable {
        /// The error's type, module-qualified (`MyApp.LLMError`).
        public var type: String
        /// The error's description.
        public var message: String
        /// A stack trace, when one was supplied.
        public var stackTrace: String?

        /// Creates the record of an exception of `type` with `message`.
        public init(type: String, message: String, stackTrace: String? = nil) {
            self.type = type
            self.message = message
            self.stackTrace = stackTrace
        }
    }

    /// A timestamped event on a span.
    public struct Event: Sendable, Hashable {
        /// What happened (`gen_ai.content.prompt`, `exception`, a name of your own).
        public var name: String
        /// When, in nanoseconds since the Unix epoch.
        public var timeNanos: UInt64
        /// The event's own attributes.
        public var attributes: AttributeList

        /// Creates an event named `name` at `timeNanos` (nanoseconds since the Unix epoch).
        public init(name: String, timeNanos: UInt64, attributes: AttributeList = AttributeList()) {
            self.name = name
            self.timeNanos = timeNanos
            self.attributes = attributes
        }
    }

    /// A link from a span to another span, in this trace or another.
    public struct Link: Sendable, Hashable {
        /// The linked span's trace id, span id, sampling flag and trace state.
        public var context: SpanContext
        /// What the link says about the relation (`link.kind`, a batch index).
        public var attributes: AttributeList

        /// Creates a link to the span `context` names.
        public init(context: SpanContext, attributes: AttributeList = AttributeList()) {
            self.context = context
            self.attributes = attributes
        }
    }
}
