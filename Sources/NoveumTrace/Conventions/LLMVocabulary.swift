/// One of the attribute vocabularies LLM spans are written in. Every span is recorded in all three; the exported
/// ones are chosen with ``Configuration/llmVocabularies``.
public enum LLMVocabulary: String, Sendable, Hashable, CaseIterable {
    /// Noveum's `llm.*` names (`llm.model`, `llm.input_tokens`, `llm.cost.total`, …), read by the Noveum platform.
    case noveum
    /// OpenTelemetry's GenAI semantic conventions, `gen_ai.*`, read by OTel backends.
    case openTelemetry = "otel"
    /// OpenInference (`openinference.span.kind`, `input.value`, `llm.token_count.*`, …), rendered by Arize Phoenix.
    case openInference = "openinference"

    /// The vocabularies an attribute key belongs to, or nil when it belongs to none (then it is always exported).
    /// A few keys are shared: `llm.provider` and `llm.cost.total` are both Noveum and OpenInference names.
    static func owners(of key: String) -> Set<LLMVocabulary>? {
        if key.hasPrefix("gen_ai.") { return [.openTelemetry] }
        if key.hasPrefix("openinference.") || key.hasPrefix("input.") || key.hasPrefix("output.")
            || key.hasPrefix("llm.token_count.") || openInferenceKeys.contains(key)
        {
            return [.openInference]
        }
        if key == "llm.provider" || key == "llm.cost.total" { return [.noveum, .openInference] }
        if key.hasPrefix("llm.") { return [.noveum] }
        return nil
    }

    private static let openInferenceKeys: Set<String> = [
        "llm.model_name", "llm.cost.prompt", "llm.cost.completion", "llm.invocation_parameters", "llm.system",
    ]
}
