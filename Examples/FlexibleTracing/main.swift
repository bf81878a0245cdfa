import NoveumTrace

// Runs the product document's examples and prints each trace as a tree.
// With NOVEUM_API_KEY set, traces go to the Noveum platform instead of the console.

try NoveumTrace.initialize(
    project: "flexible-tracing-examples", environment: "development",
    config: .init(samplingRate: 1.0, batchSize: 100, asyncExport: true, scheduleDelay: .milliseconds(200)))

let examples = Examples()

_ = try await NoveumTrace.traceOperation("process_user_query") { _ in
    try await examples.processUserQuery("  What does tracing show?  ")
}
_ = try await NoveumTrace.traceAgent("complex_ai_workflow") { _ in
    try await examples.complexAIWorkflow("How do spans nest?")
}
_ = try await NoveumTrace.traceOperation("existing_function_with_llm_calls") { _ in
    try await examples.existingFunctionWithLLMCalls("Summarise the release notes")
}
_ = await examples.processMultipleQueries(["What is a span?", "Please fail this one", "What is sampling?"])
_ = try await NoveumTrace.traceOperation("complex_business_logic") { _ in
    try await examples.complexBusinessLogic("quarterly revenue by region")
}

let undelivered = await NoveumTrace.shutdown(timeout: .seconds(10))
print("\nspans delivered: \(undelivered == 0 ? "all" : "all but \(undelivered)")")
