import Foundation
import NoveumTrace

/// The product document's examples, written with the Swift API.
struct Examples {
    let openAI = FakeOpenAI()
    let vectorDB = FakeVectorDB()
    let client = NoveumTrace.client

    // MARK: 1. Inline closures: trace just the LLM call

    func processUserQuery(_ userInput: String) async throws -> String {
        let cleaned = userInput.trimmingCharacters(in: .whitespaces).lowercased()
        let response = try await NoveumTrace.traceLLM(model: "gpt-4", provider: "openai") { span in
            let response = try await openAI.chat(model: "gpt-4", messages: [Message(role: "user", content: cleaned)])
            span.setAttributes([
                "llm.input_tokens": response.usage.promptTokens,
                "llm.output_tokens": response.usage.completionTokens,
                "llm.total_tokens": response.usage.totalTokens,
                "llm.response": response.content,
            ])
            return response
        }
        return response.content + "."
    }

    // MARK: 2. Several operations in one workflow

    func complexAIWorkflow(_ userQuery: String) async throws -> String {
        let enhanced = try await NoveumTrace.traceLLM(model: "gpt-3.5-turbo", operation: "query_enhancement") { span in
            let reply = try await openAI.chat(
                model: "gpt-3.5-turbo", messages: [Message(role: "user", content: "Enhance this query: \(userQuery)")])
            span.setAttribute("llm.enhanced_query", reply.content)
            return reply.content
        }

        let hits = await NoveumTrace.traceOperation("vector_search") { span in
            let hits = await vectorDB.search(enhanced)
            span.setAttributes([
                "search.query": enhanced,
                "search.results_count": hits.count,
                "search.top_score": hits.first?.score ?? 0,
            ])
            return hits
        }

        return try await NoveumTrace.traceLLM(model: "gpt-4", operation: "response_generation") { span in
            let context = hits.prefix(3).map(\.content).joined(separator: "\n")
            let final = try await openAI.chat(
                model: "gpt-4",
                messages: [Message(role: "system", content: "Context: \(context)"), Message(role: "user", content: enhanced)])
            span.setAttributes([
                "llm.context_length": context.count,
                "llm.context_sources": min(hits.count, 3),
                "llm.final_response": final.content,
                "llm.input_tokens": final.usage.promptTokens,
                "llm.output_tokens": final.usage.completionTokens,
            ])
            return final.content
        }
    }

    // MARK: 3. Manual spans around existing code

    func existingFunctionWithLLMCalls(_ userInput: String) async throws -> String {
        let llmSpan = client.startSpan(
            name: "gpt4_query_processing",
            attributes: ["llm.model": "gpt-4", "llm.provider": "openai", "llm.operation": "chat_completion"])
        defer { client.finishSpan(llmSpan) }
        do {
            let response = try await openAI.chat(model: "gpt-4", messages: [Message(role: "user", content: userInput)])
            llmSpan.setAttributes([
                "llm.input_tokens": response.usage.promptTokens,
                "llm.output_tokens": response.usage.completionTokens,
                "llm.response": response.content,
            ])
            llmSpan.setStatus(.ok)
            return response.content
        } catch {
            llmSpan.recordException(error)
            llmSpan.setStatus(.error, "\(error)")
            throw error
        }
    }

    // MARK: 4. Batch fan-out with explicit parents

    func processMultipleQueries(_ queries: [String]) async -> [String?] {
        let batchSpan = client.startSpan(
            name: "batch_query_processing", attributes: ["batch.size": queries.count, "batch.operation": "llm_processing"])
        var results: [String?] = []
        for (i, query) in queries.enumerated() {
            let querySpan = client.startSpan(
                name: "query_processing_\(i)", parentSpanID: batchSpan.spanID,
                attributes: ["query.index": i, "query.text": String(query.prefix(100))])
            do {
                let result = try await openAI.chat(model: "gpt-3.5-turbo", messages: [Message(role: "user", content: query)])
                results.append(result.content)
                querySpan.setAttributes(["query.success": true, "query.result_length": result.content.count])
                querySpan.setStatus(.ok)
            } catch {
                querySpan.recordException(error)
                querySpan.setStatus(.error, "\(error)")
                results.append(nil)
            }
            client.finishSpan(querySpan)
        }
        batchSpan.setAttributes([
            "batch.successful": results.compactMap { $0 }.count,
            "batch.failed": results.filter { $0 == nil }.count,
        ])
        batchSpan.setStatus(.ok)
        client.finishSpan(batchSpan)
        return results
    }

    // MARK: 5. Mixed logic: trace only the parts that matter

    func complexBusinessLogic(_ userRequest: String) async throws -> String {
        guard !userRequest.trimmingCharacters(in: .whitespaces).isEmpty else { return "Invalid input" }

        let enhanced = try await NoveumTrace.traceLLM(model: "gpt-3.5-turbo", operation: "input_enhancement") { _ in
            try await openAI.chat(
                model: "gpt-3.5-turbo", messages: [Message(role: "user", content: "Enhance: \(userRequest)")]
            ).content
        }

        let records = await NoveumTrace.traceOperation("database_lookup") { span in
            let records = await vectorDB.search(enhanced).map(\.content)
            span.setAttribute("db.results_count", records.count)
            return records
        }

        let processed = records.filter { !$0.isEmpty }.joined(separator: "; ")

        return try await NoveumTrace.traceTool("format_report") { _ in
            try await NoveumTrace.traceLLM(model: "gpt-4", operation: "response_generation") { _ in
                try await openAI.chat(
                    model: "gpt-4",
                    messages: [
                        Message(role: "system", content: "Generate response based on data"),
                        Message(role: "user", content: processed),
                    ]
                ).content
            }
        }
    }
}
