import NoveumTrace

/// The columns the store derives from a span's attributes, for fast queries, read from whichever vocabulary the
/// span was written in: this SDK and the Python noveum SDK (`llm.*`), OpenTelemetry GenAI (`gen_ai.*`, current and
/// older names), OpenInference (`llm.model_name`, `llm.token_count.*`, `openinference.span.kind`) and OpenLLMetry
/// (`gen_ai.usage.prompt_tokens`, `llm.request.type`, `traceloop.span.kind`). The first name present wins, in the
/// order listed for each column:
///
/// - model: `gen_ai.response.model`, `llm.model`, `llm.model_name`, `gen_ai.request.model`, `llm.response.model`,
///   `llm.request.model`;
/// - provider: `gen_ai.provider.name`, `gen_ai.system`, `llm.provider`, `llm.system`;
/// - operation (the span's role: `llm`, `embedding`, `tool`, `agent`, `retrieval`, `chain`, `reranker`,
///   `guardrail`, `evaluator`): `openinference.span.kind`, `gen_ai.operation.name`, `traceloop.span.kind`,
///   `llm.request.type`, else `llm` when a model is named;
/// - tokens: `llm.input_tokens`, `gen_ai.usage.input_tokens`, `llm.token_count.prompt`,
///   `gen_ai.usage.prompt_tokens`, `llm.usage.prompt_tokens` (and the matching output names);
/// - cost: `llm.cost.total` (US dollars), else `gen_ai.usage.cost`, else computed from the shipped price table
///   (``PriceTable``) when the model is listed and tokens are known; an unlisted model stays without a cost;
/// - session and user: `session.id` and `user.id` (also `gen_ai.conversation.id` for the session).
struct DerivedSpanFields {
    var model: String?
    var provider: String?
    var operation: String?
    var inputTokens: Int64?
    var outputTokens: Int64?
    var cost: Double?
    var sessionID: String?
    var userID: String?

    init(_ attributes: AttributeList, prices: PriceTable = .shared) {
        // Every name read below starts with one of these letters; most spans that are not LLM calls have none, and
        // skip the lookups.
        guard attributes.contains(where: { Self.mayBeRead($0.key) }) else { return }
        func string(_ keys: String...) -> String? {
            for key in keys { if let value = attributes[key]?.stringValue, !value.isEmpty { return value } }
            return nil
        }
        func count(_ keys: String...) -> Int64? {
            for key in keys {
                switch attributes[key] {
                case .int(let value)?: return value
                case .double(let value)? where value.isFinite && abs(value) < 9.0e18: return Int64(value)
                case .string(let text)?: if let value = Int64(text) { return value }
                default: continue
                }
            }
            return nil
        }
        model = string(
            "gen_ai.response.model", "llm.model", "llm.model_name", "gen_ai.request.model", "llm.response.model",
            "llm.request.model")
        provider = string("gen_ai.provider.name", "gen_ai.system", "llm.provider", "llm.system")
        operation = Self.operation(
            openInference: string("openinference.span.kind"), genAI: string("gen_ai.operation.name"),
            traceloop: string("traceloop.span.kind"), requestType: string("llm.request.type"), hasModel: model != nil)
        inputTokens = count(
            "llm.input_tokens", "gen_ai.usage.input_tokens", "llm.token_count.prompt", "gen_ai.usage.prompt_tokens",
            "llm.usage.prompt_tokens")
        outputTokens = count(
            "llm.output_tokens", "gen_ai.usage.output_tokens", "llm.token_count.completion",
            "gen_ai.usage.completion_tokens", "llm.usage.completion_tokens")
        cost = attributes["llm.cost.total"]?.doubleValue ?? attributes["gen_ai.usage.cost"]?.doubleValue
        if cost == nil, let model, inputTokens != nil || outputTokens != nil {
            let usage = LLMUsage(
                inputTokens: inputTokens.map { Int(clamping: $0) }, outputTokens: outputTokens.map { Int(clamping: $0) },
                cacheReadTokens: count(
                    "gen_ai.usage.cache_read.input_tokens", "gen_ai.usage.cache_read_input_tokens",
                    "llm.token_count.prompt_details.cache_read"
                ).map { Int(clamping: $0) })
            cost = prices.cost(model: model, provider: provider, usage: usage)?.total
        }
        sessionID = string("session.id", "gen_ai.conversation.id")
        userID = string("user.id")
    }

    /// Whether `key` can be one of the names read here: they start with `g`, `l`, `o`, `t`, `s` or `u`.
    static func mayBeRead(_ key: String) -> Bool {
        switch key.utf8.first {
        case UInt8(ascii: "g"), UInt8(ascii: "l"), UInt8(ascii: "o"), UInt8(ascii: "t"), UInt8(ascii: "s"),
            UInt8(ascii: "u"):
            return true
        default:
            return false
        }
    }

    /// The span's role, from the first vocabulary that names one.
    static func operation(
        openInference: String?, genAI: String?, traceloop: String?, requestType: String?, hasModel: Bool
    ) -> String? {
        switch openInference?.uppercased() {
        case "LLM": return "llm"
        case "EMBEDDING": return "embedding"
        case "TOOL": return "tool"
        case "AGENT": return "agent"
        case "RETRIEVER": return "retrieval"
        case "CHAIN": return "chain"
        case "RERANKER": return "reranker"
        case "GUARDRAIL": return "guardrail"
        case "EVALUATOR": return "evaluator"
        default: break
        }
        switch genAI {
        case "chat", "text_completion", "generate_content": return "llm"
        case "embeddings": return "embedding"
        case "execute_tool": return "tool"
        case "invoke_agent", "create_agent": return "agent"
        case "retrieval": return "retrieval"
        case "invoke_workflow": return "chain"
        default: break
        }
        switch traceloop {
        case "workflow", "task": return "chain"
        case "agent": return "agent"
        case "tool": return "tool"
        default: break
        }
        switch requestType {
        case "chat", "completion": return "llm"
        case "embedding": return "embedding"
        case "rerank": return "reranker"
        default: break
        }
        return hasModel ? "llm" : nil
    }
}
