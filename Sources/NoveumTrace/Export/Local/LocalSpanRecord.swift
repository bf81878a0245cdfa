/// One finished span as the local spool and store keep it: the span and who recorded it.
///
/// The spool holds one record per line (see ``LocalSpanLineEncoder``); the store ingests them with
/// ``LocalSpanLineDecoder``.
public struct LocalSpanRecord: Sendable, Hashable {
    /// The span, as its exporter received it (after redaction).
    public var span: SpanData
    /// The project of the client that recorded the span.
    public var project: String
    /// The environment of the client that recorded the span.
    public var environment: String
    /// The resource of the client that recorded the span.
    public var resource: Resource

    /// Creates a record.
    public init(span: SpanData, project: String, environment: String, resource: Resource) {
        self.span = span
        self.project = project
        self.environment = environment
        self.resource = resource
    }
}
