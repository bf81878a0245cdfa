/// An evaluation of a span's work: a user's thumbs-up, a guardrail's verdict, an LLM judge's rating, a test's
/// pass or fail.
///
/// A score is recorded as OpenTelemetry's `gen_ai.evaluation.result` event on the span it evaluates (see
/// <doc:ScoresAndFeedback>):
///
/// | Attribute | From |
/// |---|---|
/// | `gen_ai.evaluation.name` | ``name`` |
/// | `gen_ai.evaluation.score.value` | a number; a boolean as 1 or 0 |
/// | `gen_ai.evaluation.score.label` | a category; a boolean as `pass` or `fail`; a number's optional label |
/// | `gen_ai.evaluation.explanation` | ``explanation`` |
/// | `gen_ai.response.id` | ``responseID`` |
/// | `noveum.score.type` | `numeric`, `boolean` or `categorical` |
/// | `noveum.score.source` | ``source``: `human`, `llm_judge`, `rule`, or your own |
///
/// ```swift
/// span.score(.number("relevance", 0.82, source: .llmJudge, explanation: "Answers the question; one source is stale."))
/// span.score(.boolean("toxicity_free", true, source: .rule))
/// span.score(.category("sentiment", "positive", source: .human))
/// ```
public struct Score: Sendable, Hashable {
    /// What the evaluation concluded.
    public enum Value: Sendable, Hashable {
        /// A number, with an optional low-cardinality label (`relevant`).
        case number(Double, label: String?)
        /// Passed or failed.
        case boolean(Bool)
        /// One of a few categories (`positive`, `correct`).
        case category(String)
    }

    /// The evaluation's name (`relevance`, `thumbs_up`, `groundedness`).
    public var name: String
    public var value: Value
    /// Who scored.
    public var source: ScoreSource
    /// The evaluator's free-form reason.
    public var explanation: String?
    /// The id of the model response evaluated (`gen_ai.response.id`), when known.
    public var responseID: String?

    /// Creates a score.
    public init(
        name: String, value: Value, source: ScoreSource = .custom, explanation: String? = nil, responseID: String? = nil
    ) {
        self.name = name
        self.value = value
        self.source = source
        self.explanation = explanation
        self.responseID = responseID
    }

    /// A numeric score.
    public static func number(
        _ name: String, _ value: Double, label: String? = nil, source: ScoreSource = .custom,
        explanation: String? = nil, responseID: String? = nil
    ) -> Score {
        Score(name: name, value: .number(value, label: label), source: source, explanation: explanation, responseID: responseID)
    }

    /// A pass or fail.
    public static func boolean(
        _ name: String, _ passed: Bool, source: ScoreSource = .custom, explanation: String? = nil,
        responseID: String? = nil
    ) -> Score {
        Score(name: name, value: .boolean(passed), source: source, explanation: explanation, responseID: responseID)
    }

    /// A categorical score.
    public static func category(
        _ name: String, _ label: String, source: ScoreSource = .custom, explanation: String? = nil,
        responseID: String? = nil
    ) -> Score {
        Score(name: name, value: .category(label), source: source, explanation: explanation, responseID: responseID)
    }

    /// The name of the event a score is recorded as.
    public static let eventName = "gen_ai.evaluation.result"

    /// The numeric value exported: the number, or 1 and 0 for pass and fail; nil for a category.
    public var numericValue: Double? {
        switch value {
        case .number(let number, _): number
        case .boolean(let passed): passed ? 1 : 0
        case .category: nil
        }
    }

    /// The label exported: the category, `pass` or `fail`, or a number's label.
    public var label: String? {
        switch value {
        case .number(_, let label): label
        case .boolean(let passed): passed ? "pass" : "fail"
        case .category(let label): label
        }
    }

    /// `numeric`, `boolean` or `categorical`.
    public var typeName: String {
        switch value {
        case .number: "numeric"
        case .boolean: "boolean"
        case .category: "categorical"
        }
    }

    /// The attributes of the `gen_ai.evaluation.result` event.
    public var eventAttributes: AttributeList {
        var attributes = AttributeList()
        attributes["gen_ai.evaluation.name"] = .string(name)
        if let numericValue, numericValue.isFinite { attributes["gen_ai.evaluation.score.value"] = .double(numericValue) }
        if let label { attributes["gen_ai.evaluation.score.label"] = .string(label) }
        if let explanation { attributes["gen_ai.evaluation.explanation"] = .string(explanation) }
        if let responseID { attributes["gen_ai.response.id"] = .string(responseID) }
        attributes["noveum.score.type"] = .string(typeName)
        attributes["noveum.score.source"] = .string(source.rawValue)
        return attributes
    }
}

/// Who or what produced a score.
public struct ScoreSource: RawRepresentable, Sendable, Hashable, ExpressibleByStringLiteral, CustomStringConvertible {
    public var rawValue: String

    public init(rawValue: String) { self.rawValue = rawValue }
    public init(stringLiteral value: String) { self.rawValue = value }

    /// A person: a user's feedback, a reviewer's annotation.
    public static let human = ScoreSource(rawValue: "human")
    /// A model judging another model's output.
    public static let llmJudge = ScoreSource(rawValue: "llm_judge")
    /// Code: a guardrail, a regular expression, a test's assertion.
    public static let rule = ScoreSource(rawValue: "rule")
    /// Not said.
    public static let custom = ScoreSource(rawValue: "custom")

    public var description: String { rawValue }
}
