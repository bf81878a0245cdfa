import NoveumTrace

/// The example AI workflow `noveum-trace demo` traces, after the product document's "complex AI workflow": query
/// enhancement (an LLM call), a vector search, response generation with the retrieved context (an LLM call), and
/// a tool call that fails (an order-status service timing out), recorded as an error without failing the answer.
public struct DemoWorkflow: Sendable {
    /// The failure the demo's tool call reports.
    public struct ToolTimeout: Error, CustomStringConvertible {
        public var description: String { "order-status service did not answer within 2s" }
    }

    /// The model the LLM steps call.
    public var model: any ChatModel
    /// The in-memory document index the vector search reads.
    public var documents: [String] = [
        "Distributed tracing records each step of a request as a span with a start, an end and attributes.",
        "Spans form a tree: a child span's parent is the step that called it.",
        "LLM spans carry the model, the prompt, the completion, token counts and cost.",
        "Sampling keeps a share of traces; errors can always be kept by tail sampling.",
        "A vector search ranks documents by similarity to the query embedding.",
    ]

    /// Creates the workflow calling `model`.
    public init(model: any ChatModel) {
        self.model = model
    }

    /// Runs the workflow for `query` as one trace on `client`; returns the trace id and the answer. The answer span
    /// gets a rule's `context_overlap` score, and the root the user's `user_feedback` when given.
    public func run(query: String, session: String, user: String, feedback: Bool? = nil, client: NoveumClient) async throws
        -> (traceID: TraceID, answer: String)
    {
        try await client.traceOperation("complex_ai_workflow", attributes: ["session.id": session, "user.id": user]) {
            root in
            root.setAttribute("input.value", query)
            let enhanced = try await client.traceLLM(
                model: "gpt-3.5-turbo", provider: model.provider, operation: "query_enhancement"
            ) { span in
                let messages = [ChatMessage(role: "user", content: "Enhance this query: \(query)")]
                span.setAttribute("llm.prompt", messages.map { "\($0.role): \($0.content)" }.joined(separator: "\n"))
                let reply = try await model.complete(model: "gpt-3.5-turbo", messages: messages)
                span.setAttributes(["llm.completion": reply.text, "llm.enhanced_query": reply.text])
                span.setUsage(input: reply.inputTokens, output: reply.outputTokens)
                return reply.text
            }
            let hits = client.traceOperation("vector_search") { span in
                let ranked = search(enhanced)
                span.setAttributes([
                    "search.query": enhanced, "search.results_count": ranked.count,
                    "search.top_score": ranked.first?.score ?? 0,
                ])
                return ranked
            }
            let answer = try await client.traceLLM(
                model: "gpt-4", provider: model.provider, operation: "response_generation"
            ) { span in
                let context = hits.prefix(3).map(\.text).joined(separator: "\n")
                let messages = [
                    ChatMessage(role: "system", content: context), ChatMessage(role: "user", content: enhanced),
                ]
                span.setAttribute("llm.prompt", messages.map { "\($0.role): \($0.content)" }.joined(separator: "\n"))
                span.setAttribute("llm.context_length", context.count)
                let reply = try await model.complete(model: "gpt-4", messages: messages)
                span.setAttribute("llm.completion", reply.text)
                span.setUsage(input: reply.inputTokens, output: reply.outputTokens)
                span.score(
                    .number(
                        "context_overlap", Self.overlap(reply.text, context), source: .rule,
                        explanation: "Share of the answer's words found in the retrieved documents."))
                return reply.text
            }
            do {
                try client.traceTool("fetch_order_status", callID: "call_1") { span in
                    span.setAttribute("gen_ai.tool.call.arguments", "{\"order_id\":\"A-1042\"}")
                    span.addEvent("request_sent", attributes: ["http.url": "http://orders.internal/status/A-1042"])
                    throw ToolTimeout()
                }
            } catch {
                root.addEvent("tool_failed", attributes: ["tool.name": "fetch_order_status"])
            }
            root.setAttribute("output.value", answer)
            if let feedback {
                root.score(.boolean("user_feedback", feedback, source: .human, explanation: feedback ? nil : "Too vague."))
            }
            return (root.traceID, answer)
        }
    }

    /// The share of `answer`'s words that `context` contains.
    static func overlap(_ answer: String, _ context: String) -> Double {
        func words(_ text: String) -> Set<String> { Set(text.lowercased().split { !$0.isLetter }.map(String.init)) }
        let answerWords = words(answer)
        guard !answerWords.isEmpty else { return 0 }
        return Double(answerWords.intersection(words(context)).count) / Double(answerWords.count)
    }

    func search(_ query: String) -> [(text: String, score: Double)] {
        let words = Set(query.lowercased().split { !$0.isLetter }.map(String.init))
        return documents.map { document in
            let documentWords = Set(document.lowercased().split { !$0.isLetter }.map(String.init))
            let shared = Double(words.intersection(documentWords).count)
            return (document, shared / Double(max(1, documentWords.count)))
        }.sorted { $0.score > $1.score }
    }
}
