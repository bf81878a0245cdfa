import Tracing

extension NoveumClient {
    /// Runs `body` inside a new span that is active for the body's duration, then ends it.
    ///
    /// A body that returns leaves status `ok` unless it set another status itself.
    /// A thrown error is recorded (exception attributes and event, status `error`) and rethrown with its type
    /// intact; task cancellation is recorded as status `cancelled`.
    ///
    /// The closures are `@inlinable`, so they are specialised for the caller's result and error types: unspecialised,
    /// every call looked up the generic metadata of `Result<T, E>` at run time, which cost more than the span.
    @inlinable
    func withSpan<T, E: Error>(
        _ template: SpanTemplate, extra: [String: any AttributeValueConvertible],
        from origin: SpanOrigin = .current, isolation: isolated (any Actor)?,
        _ body: (NoveumSpan) async throws(E) -> T
    ) async throws(E) -> T {
        let span = open(template, extra: extra, from: origin)
        let result: Result<T, E> = await ActiveSpan.binding.withValue(span.binding) {
            do throws(E) {
                return .success(try await body(span))
            } catch {
                return .failure(error)
            }
        }
        return try close(span, result)
    }

    /// The synchronous form of ``withSpan(_:extra:from:isolation:_:)``.
    @inlinable
    func withSpan<T, E: Error>(
        _ template: SpanTemplate, extra: [String: any AttributeValueConvertible],
        from origin: SpanOrigin = .current, _ body: (NoveumSpan) throws(E) -> T
    ) throws(E) -> T {
        let span = open(template, extra: extra, from: origin)
        let result: Result<T, E> = ActiveSpan.binding.withValue(span.binding) {
            do throws(E) {
                return .success(try body(span))
            } catch {
                return .failure(error)
            }
        }
        return try close(span, result)
    }

    /// Starts the span of an inline closure, to be bound in ``ActiveSpan`` for the body.
    @usableFromInline
    func open(
        _ template: SpanTemplate, extra: [String: any AttributeValueConvertible], from origin: SpanOrigin
    ) -> NoveumSpan {
        let (parent, contextSpanID) = ActiveSpan.parent(of: origin)
        return makeSpan(
            name: template.name, kind: template.kind, parent: parent,
            attributes: {
                var attributes = template.attributes
                attributes.merge(extra)
                return attributes
            },
            baseContext: origin.context, contextSpanID: contextSpanID)
    }

    @inlinable
    func close<T, E: Error>(_ span: NoveumSpan, _ result: Result<T, E>) throws(E) -> T {
        switch result {
        case .success(let value):
            span.finishSucceeded()
            return value
        case .failure(let error):
            span.recordFailure(error)
            span.end()
            throw error
        }
    }
}

// MARK: - The inline closures

extension NoveumClient {
    /// Traces a block of work as one span named `name`, active while `body` runs.
    ///
    /// ```swift
    /// let hits = try await client.traceOperation("vector_search") { span in
    ///     let hits = try await index.search(query)
    ///     span.setAttributes(["search.results_count": hits.count])
    ///     return hits
    /// }
    /// ```
    @inlinable
    public func traceOperation<T, E: Error>(
        _ name: String, kind: SpanKind = .internal, attributes: [String: any AttributeValueConvertible] = [:],
        isolation: isolated (any Actor)? = #isolation, _ body: (NoveumSpan) async throws(E) -> T
    ) async throws(E) -> T {
        try await withSpan(SpanTemplate(name: name, kind: kind), extra: attributes, isolation: isolation, body)
    }

    /// Traces a block of synchronous work as one span named `name`.
    @inlinable
    public func traceOperation<T, E: Error>(
        _ name: String, kind: SpanKind = .internal, attributes: [String: any AttributeValueConvertible] = [:],
        _ body: (NoveumSpan) throws(E) -> T
    ) throws(E) -> T {
        try withSpan(SpanTemplate(name: name, kind: kind), extra: attributes, body)
    }

    /// Traces one call to a language model.
    ///
    /// The span is named `"{operation} {model}"`, has kind `client`, and carries the model, provider and operation
    /// in the Noveum (`llm.*`), OpenTelemetry GenAI (`gen_ai.*`) and OpenInference vocabularies.
    ///
    /// ```swift
    /// let text = try await client.traceLLM(model: "gpt-4", provider: "openai") { span in
    ///     let reply = try await llm.chat(messages)
    ///     span.setAttributes(["llm.input_tokens": reply.usage.promptTokens, "llm.response": reply.text])
    ///     return reply.text
    /// }
    /// ```
    @inlinable
    public func traceLLM<T, E: Error>(
        model: String, provider: String? = nil, operation: String = "chat",
        attributes: [String: any AttributeValueConvertible] = [:], isolation: isolated (any Actor)? = #isolation,
        _ body: (NoveumSpan) async throws(E) -> T
    ) async throws(E) -> T {
        try await withSpan(
            LLMConventions.llmSpan(model: model, provider: provider, operation: operation), extra: attributes,
            isolation: isolation, body)
    }

    /// Traces one synchronous call to a language model.
    @inlinable
    public func traceLLM<T, E: Error>(
        model: String, provider: String? = nil, operation: String = "chat",
        attributes: [String: any AttributeValueConvertible] = [:], _ body: (NoveumSpan) throws(E) -> T
    ) throws(E) -> T {
        try withSpan(LLMConventions.llmSpan(model: model, provider: provider, operation: operation), extra: attributes, body)
    }

    /// Traces one run of an agent: a span named `"invoke_agent {name}"`.
    @inlinable
    public func traceAgent<T, E: Error>(
        _ name: String, role: String? = nil, attributes: [String: any AttributeValueConvertible] = [:],
        isolation: isolated (any Actor)? = #isolation, _ body: (NoveumSpan) async throws(E) -> T
    ) async throws(E) -> T {
        try await withSpan(LLMConventions.agentSpan(name: name, role: role), extra: attributes, isolation: isolation, body)
    }

    /// Traces one synchronous run of an agent.
    @inlinable
    public func traceAgent<T, E: Error>(
        _ name: String, role: String? = nil, attributes: [String: any AttributeValueConvertible] = [:],
        _ body: (NoveumSpan) throws(E) -> T
    ) throws(E) -> T {
        try withSpan(LLMConventions.agentSpan(name: name, role: role), extra: attributes, body)
    }

    /// Traces one tool call: a span named `"execute_tool {name}"`.
    @inlinable
    public func traceTool<T, E: Error>(
        _ name: String, callID: String? = nil, attributes: [String: any AttributeValueConvertible] = [:],
        isolation: isolated (any Actor)? = #isolation, _ body: (NoveumSpan) async throws(E) -> T
    ) async throws(E) -> T {
        try await withSpan(LLMConventions.toolSpan(name: name, callID: callID), extra: attributes, isolation: isolation, body)
    }

    /// Traces one synchronous tool call.
    @inlinable
    public func traceTool<T, E: Error>(
        _ name: String, callID: String? = nil, attributes: [String: any AttributeValueConvertible] = [:],
        _ body: (NoveumSpan) throws(E) -> T
    ) throws(E) -> T {
        try withSpan(LLMConventions.toolSpan(name: name, callID: callID), extra: attributes, body)
    }

    /// Traces one retrieval (vector search, document lookup): a span named `"retrieval {index}"`, or
    /// `"retrieval"` without an index.
    @inlinable
    public func traceRetrieval<T, E: Error>(
        index: String? = nil, query: String? = nil, topK: Int? = nil,
        attributes: [String: any AttributeValueConvertible] = [:], isolation: isolated (any Actor)? = #isolation,
        _ body: (NoveumSpan) async throws(E) -> T
    ) async throws(E) -> T {
        try await withSpan(
            LLMConventions.retrievalSpan(index: index, query: query, topK: topK), extra: attributes,
            isolation: isolation, body)
    }

    /// Traces one synchronous retrieval.
    @inlinable
    public func traceRetrieval<T, E: Error>(
        index: String? = nil, query: String? = nil, topK: Int? = nil,
        attributes: [String: any AttributeValueConvertible] = [:], _ body: (NoveumSpan) throws(E) -> T
    ) throws(E) -> T {
        try withSpan(LLMConventions.retrievalSpan(index: index, query: query, topK: topK), extra: attributes, body)
    }

    /// Traces an agent's planning step: a span named `"plan {agent}"`, or `"plan"` without an agent name.
    @inlinable
    public func tracePlan<T, E: Error>(
        agent: String? = nil, attributes: [String: any AttributeValueConvertible] = [:],
        isolation: isolated (any Actor)? = #isolation, _ body: (NoveumSpan) async throws(E) -> T
    ) async throws(E) -> T {
        try await withSpan(LLMConventions.planSpan(agent: agent), extra: attributes, isolation: isolation, body)
    }

    /// Traces a synchronous planning step.
    @inlinable
    public func tracePlan<T, E: Error>(
        agent: String? = nil, attributes: [String: any AttributeValueConvertible] = [:],
        _ body: (NoveumSpan) throws(E) -> T
    ) throws(E) -> T {
        try withSpan(LLMConventions.planSpan(agent: agent), extra: attributes, body)
    }

    /// Traces one use of an agent's memory: a `client` span named after the operation (`"search_memory"`, …).
    /// See ``NoveumTrace/traceMemory(_:store:recordID:recordCount:query:attributes:isolation:_:)``.
    @inlinable
    public func traceMemory<T, E: Error>(
        _ operation: MemoryOperation, store: String? = nil, recordID: String? = nil, recordCount: Int? = nil,
        query: String? = nil, attributes: [String: any AttributeValueConvertible] = [:],
        isolation: isolated (any Actor)? = #isolation, _ body: (NoveumSpan) async throws(E) -> T
    ) async throws(E) -> T {
        try await withSpan(
            LLMConventions.memorySpan(operation, store: store, recordID: recordID, recordCount: recordCount, query: query),
            extra: attributes, isolation: isolation, body)
    }

    /// Traces one synchronous use of an agent's memory.
    @inlinable
    public func traceMemory<T, E: Error>(
        _ operation: MemoryOperation, store: String? = nil, recordID: String? = nil, recordCount: Int? = nil,
        query: String? = nil, attributes: [String: any AttributeValueConvertible] = [:],
        _ body: (NoveumSpan) throws(E) -> T
    ) throws(E) -> T {
        try withSpan(
            LLMConventions.memorySpan(operation, store: store, recordID: recordID, recordCount: recordCount, query: query),
            extra: attributes, body)
    }
}
