/// One event of a `text/event-stream` response: what a streaming model API sends per chunk.
public struct ServerSentEvent: Sendable, Hashable {
    /// The `event:` field; nil when the event had none (the default type, `message`).
    public var event: String?
    /// The `data:` lines, joined by newlines.
    public var data: String
    /// The `id:` field, if any.
    public var id: String?

    /// An event with these fields.
    public init(event: String? = nil, data: String, id: String? = nil) {
        self.event = event
        self.data = data
        self.id = id
    }
}
