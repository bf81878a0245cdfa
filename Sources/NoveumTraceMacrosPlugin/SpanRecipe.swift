import SwiftSyntax

/// How one tracing macro opens its span: which inline closure of `NoveumTrace` it calls, with which leading
/// arguments, and where captured values go.
struct SpanRecipe {
    /// Where captured arguments and results are written; the case names match `MacroSupport.CaptureStyle`.
    enum CaptureStyle: String {
        /// One attribute per argument, `function.args.<name>`, and `function.result`.
        case attributes
        /// `input.value` and `output.value`: content attributes, governed by the content policy.
        case llm
        /// `gen_ai.tool.call.arguments` and `gen_ai.tool.call.result`: content attributes.
        case tool
    }

    /// The static inline closure: `traceOperation`, `traceLLM`, `traceAgent`, `traceTool` or `traceRetrieval`.
    var closure: String
    /// The arguments before `attributes:`, as source text (`"fetch"`, `model: "gpt-4"`).
    var arguments: [String]
    var captureStyle: CaptureStyle
    /// The span name for an initializer (only `@Trace` traces initializers).
    var initializerName: ExprSyntax?
}
