import Foundation

/// The attributes the inline closures write for LLM, agent, tool and retrieval spans, in the three vocabularies
/// backends read: Noveum (`llm.*`), OpenTelemetry GenAI (`gen_ai.*`) and OpenInference (what Arize Phoenix renders).
@usableFromInline
enum LLMConventions {
    /// Maps common provider spellings to OpenTelemetry's `gen_ai.provider.name` values.
    static func genAIProvider(_ provider: String) -> String {
        switch provider.lowercased() {
        case "openai": return "openai"
        case "anthropic": return "anthropic"
        case "google", "gemini", "google_gemini", "gcp.gemini": return "gcp.gemini"
        case "vertex", "vertex_ai", "vertexai", "gcp.vertex_ai": return "gcp.vertex_ai"
        case "bedrock", "aws", "aws_bedrock", "aws.bedrock": return "aws.bedrock"
        case "azure", "azure_openai", "azure.ai.openai": return "azure.ai.openai"
        case "mistral", "mistralai", "mistral_ai": return "mistral_ai"
        case "cohere": return "cohere"
        case "groq": return "groq"
        case "deepseek": return "deepseek"
        case "xai", "x_ai", "grok": return "x_ai"
        case "ibm", "watsonx", "ibm.watsonx.ai": return "ibm.watsonx.ai"
        case "perplexity": return "perplexity"
        default: return provider
        }
    }

    @usableFromInline
    static func llmSpan(model: String, provider: String?, operation: String) -> SpanTemplate {
        var attributes = AttributeList()
        attributes["llm.model"] = .string(model)
        if let provider { attributes["llm.provider"] = .string(provider) }
        attributes["llm.operation"] = .string(operation)
        attributes["gen_ai.operation.name"] = .string(operation)
        attributes["gen_ai.request.model"] = .string(model)
        if let provider { attributes["gen_ai.provider.name"] = .string(genAIProvider(provider)) }
        attributes["openinference.span.kind"] = .string(operation == "embeddings" ? "EMBEDDING" : "LLM")
        attributes["llm.model_name"] = .string(model)
        return SpanTemplate(name: "\(operation) \(model)", kind: .client, attributes: attributes)
    }

    /// Marks an LLM span template as a streamed call, in the Noveum and GenAI vocabularies.
    static func markStreamed(_ template: inout SpanTemplate) {
        template.attributes["llm.stream"] = true
        template.attributes["gen_ai.request.stream"] = true
    }

    @usableFromInline
    static func agentSpan(name: String, role: String?) -> SpanTemplate {
        var attributes = AttributeList()
        attributes["agent.name"] = .string(name)
        if let role { attributes["agent.role"] = .string(role) }
        attributes["gen_ai.operation.name"] = "invoke_agent"
        attributes["gen_ai.agent.name"] = .string(name)
        attributes["openinference.span.kind"] = "AGENT"
        return SpanTemplate(name: "invoke_agent \(name)", attributes: attributes)
    }

    @usableFromInline
    static func toolSpan(name: String, callID: String?) -> SpanTemplate {
        var attributes = AttributeList()
        attributes["tool.name"] = .string(name)
        attributes["gen_ai.operation.name"] = "execute_tool"
        attributes["gen_ai.tool.name"] = .string(name)
        if let callID { attributes["gen_ai.tool.call.id"] = .string(callID) }
        attributes["openinference.span.kind"] = "TOOL"
        return SpanTemplate(name: "execute_tool \(name)", attributes: attributes)
    }

    @usableFromInline
    static func retrievalSpan(index: String?, query: String?, topK: Int?) -> SpanTemplate {
        var attributes = AttributeList()
        if let index { attributes["retrieval.index"] = .string(index) }
        if let query { attributes["retrieval.query"] = .string(query) }
        if let topK { attributes["retrieval.top_k"] = .int(Int64(topK)) }
        attributes["gen_ai.operation.name"] = "retrieval"
        if let index { attributes["gen_ai.data_source.id"] = .string(index) }
        if let query { attributes["gen_ai.retrieval.query.text"] = .string(query) }
        // The conventions type top_k as a double.
        if let topK { attributes["gen_ai.request.top_k"] = .double(Double(topK)) }
        attributes["openinference.span.kind"] = "RETRIEVER"
        if let query { attributes["input.value"] = .string(query) }
        return SpanTemplate(name: index.map { "retrieval \($0)" } ?? "retrieval", attributes: attributes)
    }

    @usableFromInline
    static func planSpan(agent: String?) -> SpanTemplate {
        var attributes = AttributeList()
        if let agent { attributes["agent.name"] = .string(agent) }
        attributes["gen_ai.operation.name"] = "plan"
        if let agent { attributes["gen_ai.agent.name"] = .string(agent) }
        attributes["openinference.span.kind"] = "CHAIN"
        return SpanTemplate(name: agent.map { "plan \($0)" } ?? "plan", attributes: attributes)
    }

    @usableFromInline
    static func memorySpan(
        _ operation: MemoryOperation, store: String?, recordID: String?, recordCount: Int?, query: String?
    ) -> SpanTemplate {
        var attributes = AttributeList()
        attributes["gen_ai.operation.name"] = .string(operation.rawValue)
        if let store { attributes["gen_ai.memory.store.id"] = .string(store) }
        if let recordID { attributes["gen_ai.memory.record.id"] = .string(recordID) }
        if let recordCount { attributes["gen_ai.memory.record.count"] = .int(Int64(recordCount)) }
        if let query {
            attributes["gen_ai.memory.query.text"] = .string(query)
            attributes["input.value"] = .string(query)
        }
        attributes["openinference.span.kind"] = operation == .search ? "RETRIEVER" : "CHAIN"
        return SpanTemplate(name: operation.rawValue, kind: .client, attributes: attributes)
    }

    /// A model's output as the conventions' `gen_ai.output.messages`: one assistant message with one text part.
    static func outputMessages(text: String, finishReason: String?) -> String? {
        var message: [String: Any] = ["role": "assistant", "parts": [["type": "text", "content": text]]]
        if let finishReason { message["finish_reason"] = finishReason }
        guard let data = try? JSONSerialization.data(withJSONObject: [message], options: [.sortedKeys, .withoutEscapingSlashes])
        else { return nil }
        return String(decoding: data, as: UTF8.self)
    }

    /// The operations whose spans are calls to a model (the conventions' inference and embeddings client spans):
    /// a failure of one also gets a `gen_ai.client.operation.exception` event.
    static let modelOperations: Set<String> = ["chat", "text_completion", "generate_content", "embeddings"]
}
