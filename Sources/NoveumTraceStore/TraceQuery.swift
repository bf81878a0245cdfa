/// Which traces ``TraceStore/traces(_:)`` returns: filters, order and page.
public struct TraceQuery: Sendable, Hashable {
    /// Only traces that started at or after this time (nanoseconds since the Unix epoch).
    public var sinceNanos: Int64?
    /// Only traces that started before this time.
    public var untilNanos: Int64?
    /// `ok` or `error`.
    public var status: String?
    /// Only traces whose name contains this text (case-insensitive).
    public var name: String?
    /// Only traces with a span of this model.
    public var model: String?
    /// Only traces of this session.
    public var session: String?
    /// Free text matched against the trace name, id, model, session and user.
    public var search: String?
    /// The order: newest first (default), or one of the other keys.
    public var sort: TraceSort
    /// At most this many traces.
    public var limit: Int
    /// Skip this many first.
    public var offset: Int

    /// Creates a query; every filter left nil matches everything.
    public init(
        sinceNanos: Int64? = nil, untilNanos: Int64? = nil, status: String? = nil, name: String? = nil,
        model: String? = nil, session: String? = nil, search: String? = nil, sort: TraceSort = .newest,
        limit: Int = 50, offset: Int = 0
    ) {
        self.sinceNanos = sinceNanos
        self.untilNanos = untilNanos
        self.status = status
        self.name = name
        self.model = model
        self.session = session
        self.search = search
        self.sort = sort
        self.limit = limit
        self.offset = offset
    }
}

/// The orders traces can be listed in.
public enum TraceSort: String, Sendable, Hashable, CaseIterable, Codable {
    /// Latest start first.
    case newest
    /// Earliest start first.
    case oldest
    /// Longest first.
    case slowest
    /// Most expensive first.
    case cost
    /// Most tokens first.
    case tokens

    var orderBy: String {
        switch self {
        case .newest: return "start_ns DESC"
        case .oldest: return "start_ns ASC"
        case .slowest: return "duration_ns DESC"
        case .cost: return "cost DESC, start_ns DESC"
        case .tokens: return "(input_tokens + output_tokens) DESC, start_ns DESC"
        }
    }
}
