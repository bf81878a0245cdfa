import SwiftDiagnostics
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

    /// One string argument of a tracing attribute and how the expansion passes it to the closure. Each is a
    /// literal or any `String` expression, passed on as written.
    enum Parameter {
        /// The span name: the closure's first, unlabelled argument; the function's name when absent.
        case spanName(label: String?)
        /// Passed with its label when given, left out when absent.
        case optional(String)
        /// Passed with its label; the attribute's declaration makes the compiler require it.
        case required(String)

        var label: String? {
            switch self {
            case .spanName(let label): label
            case .optional(let label), .required(let label): label
            }
        }
    }

    /// The static inline closure: `traceOperation`, `traceLLM`, `traceAgent`, `traceTool` or `traceRetrieval`.
    var closure: String
    /// The arguments before `attributes:`, as source text (`"fetch"`, `model: "gpt-4"`).
    var arguments: [String]
    var captureStyle: CaptureStyle
    /// The span name for an initializer (only `@Trace` traces initializers).
    var initializerName: ExprSyntax?

    /// Reads `parameters` from the attribute, in order; nil when one was diagnosed as an error or a required one is
    /// missing. Every parameter is read, so each mistake is diagnosed in one pass.
    init?(
        closure: String, parameters: [Parameter], captureStyle: CaptureStyle, tracesInitializers: Bool,
        arguments attribute: MacroArguments, for function: TracedFunction, diagnostics: inout [Diagnostic]
    ) {
        var arguments: [String] = []
        var spanName: String?
        var valid = true
        for parameter in parameters {
            switch (parameter, attribute.stringExpression(parameter.label, diagnostics: &diagnostics)) {
            case (_, .invalid), (.required, .absent):
                valid = false
            case (.spanName, let value):
                let name = value.value?.trimmedDescription ?? TraceExpansion.literal(function.baseName)
                arguments.append(name)
                spanName = name
            case (.optional(let label), .value(let expression)), (.required(let label), .value(let expression)):
                arguments.append("\(label): \(expression.trimmedDescription)")
            case (.optional, .absent):
                break
            }
        }
        guard valid else { return nil }
        self.closure = closure
        self.arguments = arguments
        self.captureStyle = captureStyle
        self.initializerName = tracesInitializers ? spanName.map { ExprSyntax("\(raw: $0)") } : nil
    }
}
