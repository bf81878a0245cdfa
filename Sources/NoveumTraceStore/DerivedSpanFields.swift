import NoveumTrace

/// The columns the store derives from a span's attributes, for fast queries.
///
/// - model: `gen_ai.response.model`, else `llm.model`, else `gen_ai.request.model`;
/// - tokens: `llm.input_tokens` / `llm.output_tokens`, else `gen_ai.usage.input_tokens` / `output_tokens`;
/// - cost: `llm.cost.total` (US dollars);
/// - session and user: `session.id` and `user.id`.
struct DerivedSpanFields {
    var model: String?
    var inputTokens: Int64?
    var outputTokens: Int64?
    var cost: Double?
    var sessionID: String?
    var userID: String?

    init(_ attributes: AttributeList) {
        model = attributes["gen_ai.response.model"]?.stringValue ?? attributes["llm.model"]?.stringValue
            ?? attributes["gen_ai.request.model"]?.stringValue
        inputTokens = attributes["llm.input_tokens"]?.intValue ?? attributes["gen_ai.usage.input_tokens"]?.intValue
        outputTokens = attributes["llm.output_tokens"]?.intValue ?? attributes["gen_ai.usage.output_tokens"]?.intValue
        cost = attributes["llm.cost.total"]?.doubleValue
        sessionID = attributes["session.id"]?.stringValue
        userID = attributes["user.id"]?.stringValue
    }
}
