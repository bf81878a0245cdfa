/// What ``TraceStore/prune(olderThanNanos:maxBytes:vacuum:)`` removed.
public struct PruneResult: Sendable, Hashable, Codable {
    /// Traces deleted, with their spans, attributes and events.
    public var deletedTraces: Int
    /// The database and WAL size before and after, in bytes.
    public var bytesBefore: Int64
    /// See ``bytesBefore``.
    public var bytesAfter: Int64
}
