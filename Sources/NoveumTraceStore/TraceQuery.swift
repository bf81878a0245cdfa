import Foundation
import GRDB

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
    /// Only traces with a score that matches (`relevance<0.5`, `thumbs_up=fail`).
    public var score: ScoreFilter?
    /// The order: newest first (default), or one of the other keys.
    public var sort: TraceSort
    /// At most this many traces.
    public var limit: Int
    /// Skip this many first.
    public var offset: Int

    /// Creates a query; every filter left nil matches everything.
    public init(
        sinceNanos: Int64? = nil, untilNanos: Int64? = nil, status: String? = nil, name: String? = nil,
        model: String? = nil, session: String? = nil, search: String? = nil, score: ScoreFilter? = nil,
        sort: TraceSort = .newest, limit: Int = 50, offset: Int = 0
    ) {
        self.score = score
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

/// A condition on a trace's scores, for ``TraceQuery/score``: a score named ``name`` whose value compares with a
/// number, or whose label equals a text.
public struct ScoreFilter: Sendable, Hashable {
    /// How the value is compared.
    public enum Comparison: String, Sendable, Hashable, CaseIterable {
        case less = "<", lessOrEqual = "<=", greater = ">", greaterOrEqual = ">=", equal = "="
    }

    public var name: String
    public var comparison: Comparison
    /// The number compared with the score's value; nil compares the label with ``label``.
    public var value: Double?
    /// The label matched (with ``Comparison/equal``) when ``value`` is nil.
    public var label: String?

    public init(name: String, comparison: Comparison, value: Double? = nil, label: String? = nil) {
        self.name = name
        self.comparison = comparison
        self.value = value
        self.label = label
    }

    /// Parses `NAME<0.5`, `NAME<=0.5`, `NAME>0.8`, `NAME>=0.8`, `NAME=0.5` or `NAME=pass` (a label); nil for
    /// anything else, or a label compared with anything but `=`.
    public init?(parsing text: String) {
        for comparison in [Comparison.lessOrEqual, .greaterOrEqual, .less, .greater, .equal] {
            guard let range = text.range(of: comparison.rawValue) else { continue }
            let name = String(text[..<range.lowerBound]).trimmingCharacters(in: .whitespaces)
            let operand = String(text[range.upperBound...]).trimmingCharacters(in: .whitespaces)
            guard !name.isEmpty, !operand.isEmpty else { return nil }
            if let number = Double(operand), number.isFinite {
                self.init(name: name, comparison: comparison, value: number)
            } else if comparison == .equal {
                self.init(name: name, comparison: .equal, label: operand)
            } else {
                return nil
            }
            return
        }
        return nil
    }

    /// The SQL condition on `scores` and its arguments.
    var sql: (condition: String, arguments: StatementArguments) {
        if let value {
            return ("trace_id IN (SELECT trace_id FROM scores WHERE name = ? AND value \(comparison.rawValue) ?)", [name, value])
        }
        return ("trace_id IN (SELECT trace_id FROM scores WHERE name = ? AND label = ?)", [name, label ?? ""])
    }
}
