import SwiftDiagnostics
import SwiftSyntax
import SwiftSyntaxMacros

/// `@TraceTool(name:)`: a tool-call span through `NoveumTrace.traceTool`, named after the function unless a name is
/// given. Captured arguments and results go to `gen_ai.tool.call.arguments` and `gen_ai.tool.call.result`.
struct TraceToolMacro: TracingMacro {
    static let macroName = "TraceTool"

    static func recipe(
        _ arguments: MacroArguments, for function: TracedFunction, diagnostics: inout [Diagnostic]
    ) -> SpanRecipe? {
        let name = arguments.stringExpression("name", diagnostics: &diagnostics)
        if name.isInvalid { return nil }
        return SpanRecipe(
            closure: "traceTool", arguments: [name.value?.trimmedDescription ?? TraceExpansion.literal(function.baseName)],
            captureStyle: .tool)
    }
}
