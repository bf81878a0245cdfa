/// A trace with all its spans, in start order.
public struct StoredTrace: Sendable, Hashable, Codable {
    /// The trace's summary row.
    public var summary: TraceSummary
    /// Its spans, earliest first.
    public var spans: [StoredSpan]
}
