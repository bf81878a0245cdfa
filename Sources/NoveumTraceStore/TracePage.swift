/// A page of the trace list and how many traces match in all.
public struct TracePage: Sendable, Hashable, Codable {
    /// The traces of this page.
    public var traces: [TraceSummary]
    /// Every trace matching the filters.
    public var total: Int
    /// The page's position and size.
    public var offset: Int
    /// See ``offset``.
    public var limit: Int
}
