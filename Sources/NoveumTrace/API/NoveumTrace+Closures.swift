import Tracing

// The static forms of the inline closures. Each runs on the client of the active span, else the scoped client,
// else the global client (see ``NoveumTrace/client``), and behaves exactly like its `NoveumClient` counterpart.
extension NoveumTrace {
    /// Traces a block of work as one span named `name`, active while `body` runs; returns the body's value.
    ///
    /// The span ends when `body` returns. A thrown error is recorded (`exception.type`, `exception.message`, an
    /// `exception` event, status `error`) and rethrown with its type intact; task cancellation is recorded as
    /// status `cancelled`. Used where no span is active, it starts a new trace; nested, it makes a child span.
    ///
    /// ```swift
    /// let hits = try await NoveumTrace.traceOperation("vector_search") { span in
    ///     let hits = try await vectorDB.search(query)
    ///     span.setAttributes(["search.results_count": hits.count, "search.top_score": hits.first?.score])
    ///     return hits
    /// }
    /// ```
    @inlinable
    public static func traceOperation<T, E: Error>(
        _ name: String, kind: SpanKind = .internal, attributes: [String: any AttributeValueConvertible] = [:],
        isolation: isolated (any Actor)? = #isolation, _ body: (NoveumSpan) async throws(E) -> T
    ) async throws(E) -> T {
        let origin = SpanOrigin.current
        return try await origin.client.withSpan(
            SpanTemplate(name: name, kind: kind), extra: attributes, from: origin, isolation: isolation, body)
    }

    /// Traces a block of synchronous work as one span named `name`.
    @inlinable
    public static func traceOperation<T, E: Error>(
        _ name: String, kind: SpanKind = .internal, attributes: [String: any AttributeValueConvertible] = [:],
        _ body: (NoveumSpan) throws(E) -> T
    ) throws(E) -> T {
        let origin = SpanOrigin.current
        return try origin.client.withSpan(SpanTemplate(name: name, kind: kind), extra: attributes, from: origin, body)
    }

    /// Traces one call to a language model: a `client` span named `"{operation} {model}"` carrying the model,
    /// provider and operation as `llm.*`, `gen_ai.*` and OpenInference attributes.
    ///
    /// ```swift
    /// let text = try await NoveumTrace.traceLLM(model: "gpt-4", provider: "openai") { span in
    ///     let reply = try await llm.chat(messages)
    ///     span.setAttributes(["llm.input_tokens": reply.usage.promptTokens, "llm.response": reply.text])
    ///     return reply.text
    /// }
    /// ```
    @inlinable
    public static func traceLLM<T, E: Error>(
        model: String, provider: String? = nil, operation: String = "chat",
        attributes: [String: any AttributeValueConvertible] = [:], isolation: isolated (any Actor)? = #isolation,
        _ body: (NoveumSpan) async throws(E) -> T
    ) async throws(E) -> T {
        let origin = SpanOrigin.current
        return try await origin.client.withSpan(
            LLMConventions.llmSpan(model: model, provider: provider, operation: operation), extra: attributes,
            from: origin, isolation: isolation, body)
    }

    /// Traces one synchronous call to a language model.
    @inlinable
    public static func traceLLM<T, E: Error>(
        model: String, provider: String? = nil, operation: String = "chat",
        attributes: [String: any AttributeValueConvertible] = [:], _ body: (NoveumSpan) throws(E) -> T
    ) throws(E) -> T {
        let origin = SpanOrigin.current
        return try origin.client.withSpan(
            LLMConventions.llmSpan(model: model, provider: provider, operation: operation), extra: attributes,
            from: origin, body)
    }

    /// Traces one run of an agent: a span named `"invoke_agent {name}"`.
    @inlinable
    public static func traceAgent<T, E: Error>(
        _ name: String, role: String? = nil, attributes: [String: any AttributeValueConvertible] = [:],
        isolation: isolated (any Actor)? = #isolation, _ body: (NoveumSpan) async throws(E) -> T
    ) async throws(E) -> T {
        let origin = SpanOrigin.current
        return try await origin.client.withSpan(
            LLMConventions.agentSpan(name: name, role: role), extra: attributes, from: origin, isolation: isolation,
            body)
    }

    /// Traces one synchronous run of an agent.
    @inlinable
    public static func traceAgent<T, E: Error>(
        _ name: String, role: String? = nil, attributes: [String: any AttributeValueConvertible] = [:],
        _ body: (NoveumSpan) throws(E) -> T
    ) throws(E) -> T {
        let origin = SpanOrigin.current
        return try origin.client.withSpan(
            LLMConventions.agentSpan(name: name, role: role), extra: attributes, from: origin, body)
    }

    /// Traces one tool call: a span named `"execute_tool {name}"`.
    @inlinable
    public static func traceTool<T, E: Error>(
        _ name: String, callID: String? = nil, attributes: [String: any AttributeValueConvertible] = [:],
        isolation: isolated (any Actor)? = #isolation, _ body: (NoveumSpan) async throws(E) -> T
    ) async throws(E) -> T {
        let origin = SpanOrigin.current
        return try await origin.client.withSpan(
            LLMConventions.toolSpan(name: name, callID: callID), extra: attributes, from: origin,
            isolation: isolation, body)
    }

    /// Traces one synchronous tool call.
    @inlinable
    public static func traceTool<T, E: Error>(
        _ name: String, callID: String? = nil, attributes: [String: any AttributeValueConvertible] = [:],
        _ body: (NoveumSpan) throws(E) -> T
    ) throws(E) -> T {
        let origin = SpanOrigin.current
        return try origin.client.withSpan(
            LLMConventions.toolSpan(name: name, callID: callID), extra: attributes, from: origin, body)
    }

    /// Traces one retrieval (a vector search, a document lookup): a span named `"retrieval {index}"`.
    @inlinable
    public static func traceRetrieval<T, E: Error>(
        index: String? = nil, query: String? = nil, topK: Int? = nil,
        attributes: [String: any AttributeValueConvertible] = [:], isolation: isolated (any Actor)? = #isolation,
        _ body: (NoveumSpan) async throws(E) -> T
    ) async throws(E) -> T {
        let origin = SpanOrigin.current
        return try await origin.client.withSpan(
            LLMConventions.retrievalSpan(index: index, query: query, topK: topK), extra: attributes, from: origin,
            isolation: isolation, body)
    }

    /// Traces one synchronous retrieval.
    @inlinable
    public static func traceRetrieval<T, E: Error>(
        index: String? = nil, query: String? = nil, topK: Int? = nil,
        attributes: [String: any AttributeValueConvertible] = [:], _ body: (NoveumSpan) throws(E) -> T
    ) throws(E) -> T {
        let origin = SpanOrigin.current
        return try origin.client.withSpan(
            LLMConventions.retrievalSpan(index: index, query: query, topK: topK), extra: attributes, from: origin,
            body)
    }

    /// Traces an agent's planning step (its strategy or task breakdown, before acting): a span named
    /// `"plan {agent}"`, or `"plan"` without an agent name. The model call that writes the plan goes inside it; the
    /// tool calls the plan leads to usually follow as its siblings.
    @inlinable
    public static func tracePlan<T, E: Error>(
        agent: String? = nil, attributes: [String: any AttributeValueConvertible] = [:],
        isolation: isolated (any Actor)? = #isolation, _ body: (NoveumSpan) async throws(E) -> T
    ) async throws(E) -> T {
        let origin = SpanOrigin.current
        return try await origin.client.withSpan(
            LLMConventions.planSpan(agent: agent), extra: attributes, from: origin, isolation: isolation, body)
    }

    /// Traces a synchronous planning step.
    @inlinable
    public static func tracePlan<T, E: Error>(
        agent: String? = nil, attributes: [String: any AttributeValueConvertible] = [:],
        _ body: (NoveumSpan) throws(E) -> T
    ) throws(E) -> T {
        let origin = SpanOrigin.current
        return try origin.client.withSpan(LLMConventions.planSpan(agent: agent), extra: attributes, from: origin, body)
    }

    /// Traces one use of an agent's memory: a `client` span named after the operation (`"search_memory"`,
    /// `"create_memory"`, …).
    ///
    /// ```swift
    /// let notes = try await NoveumTrace.traceMemory(.search, store: "user-preferences", query: question) { span in
    ///     let found = try await memory.search(question)
    ///     span.setMemoryRecordCount(found.count)
    ///     return found
    /// }
    /// ```
    ///
    /// - Parameters:
    ///   - operation: what is done.
    ///   - store: the memory store's id (`gen_ai.memory.store.id`).
    ///   - recordID: the record operated on, for an operation on one record.
    ///   - recordCount: how many records the operation writes or deletes; for a search, set the count found with
    ///     ``NoveumSpan/setMemoryRecordCount(_:)``.
    ///   - query: a search's query: content, exported only as the redaction policy allows.
    ///   - attributes: more attributes for the span.
    ///   - isolation: the actor the body runs on; the caller's by default.
    ///   - body: the memory operation; it receives the span.
    /// - Returns: what `body` returns.
    @inlinable
    public static func traceMemory<T, E: Error>(
        _ operation: MemoryOperation, store: String? = nil, recordID: String? = nil, recordCount: Int? = nil,
        query: String? = nil, attributes: [String: any AttributeValueConvertible] = [:],
        isolation: isolated (any Actor)? = #isolation, _ body: (NoveumSpan) async throws(E) -> T
    ) async throws(E) -> T {
        let origin = SpanOrigin.current
        return try await origin.client.withSpan(
            LLMConventions.memorySpan(operation, store: store, recordID: recordID, recordCount: recordCount, query: query),
            extra: attributes, from: origin, isolation: isolation, body)
    }

    /// Traces one synchronous use of an agent's memory.
    @inlinable
    public static func traceMemory<T, E: Error>(
        _ operation: MemoryOperation, store: String? = nil, recordID: String? = nil, recordCount: Int? = nil,
        query: String? = nil, attributes: [String: any AttributeValueConvertible] = [:],
        _ body: (NoveumSpan) throws(E) -> T
    ) throws(E) -> T {
        let origin = SpanOrigin.current
        return try origin.client.withSpan(
            LLMConventions.memorySpan(operation, store: store, recordID: recordID, recordCount: recordCount, query: query),
            extra: attributes, from: origin, body)
    }
}
