/// `@Trace`, `@Trace("name")`: a span named after the function (or the given name) through
/// `NoveumTrace.traceOperation`. The only one of the five that traces initializers.
struct TraceMacro: TracingMacro {
    static let macroName = "Trace"
    static let closure = "traceOperation"
    static let parameters: [SpanRecipe.Parameter] = [.spanName(label: nil)]
    static let captureStyle = SpanRecipe.CaptureStyle.attributes
    static let tracesInitializers = true
}

/// `@TraceLLM(model:provider:operation:)`: an LLM span through `NoveumTrace.traceLLM`. Captured arguments and
/// results are prompt and completion content, written where the content policy governs them.
struct TraceLLMMacro: TracingMacro {
    static let macroName = "TraceLLM"
    static let closure = "traceLLM"
    static let parameters: [SpanRecipe.Parameter] = [.required("model"), .optional("provider"), .optional("operation")]
    static let captureStyle = SpanRecipe.CaptureStyle.llm
}

/// `@TraceAgent(name:role:)`: an agent span through `NoveumTrace.traceAgent`, named after the function unless a
/// name is given.
struct TraceAgentMacro: TracingMacro {
    static let macroName = "TraceAgent"
    static let closure = "traceAgent"
    static let parameters: [SpanRecipe.Parameter] = [.spanName(label: "name"), .optional("role")]
    static let captureStyle = SpanRecipe.CaptureStyle.attributes
}

/// `@TraceTool(name:)`: a tool-call span through `NoveumTrace.traceTool`, named after the function unless a name is
/// given. Captured arguments and results go to `gen_ai.tool.call.arguments` and `gen_ai.tool.call.result`.
struct TraceToolMacro: TracingMacro {
    static let macroName = "TraceTool"
    static let closure = "traceTool"
    static let parameters: [SpanRecipe.Parameter] = [.spanName(label: "name")]
    static let captureStyle = SpanRecipe.CaptureStyle.tool
}

/// `@TraceRetrieval(index:)`: a retrieval span through `NoveumTrace.traceRetrieval`.
struct TraceRetrievalMacro: TracingMacro {
    static let macroName = "TraceRetrieval"
    static let closure = "traceRetrieval"
    static let parameters: [SpanRecipe.Parameter] = [.optional("index")]
    static let captureStyle = SpanRecipe.CaptureStyle.attributes
}
