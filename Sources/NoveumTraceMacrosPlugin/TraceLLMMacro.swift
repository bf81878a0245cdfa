import SwiftDiagnostics
import SwiftSyntax
import SwiftSyntaxMacros

/// `@TraceLLM(model:provider:operation:)`: an LLM span through `NoveumTrace.traceLLM`. Captured arguments and
/// results are prompt and completion content, written where the content policy governs them.
struct TraceLLMMacro: TracingMacro {
    static let macroName = "TraceLLM"

    static func recipe(
        _ arguments: MacroArguments, for function: TracedFunction, diagnostics: inout [Diagnostic]
    ) -> SpanRecipe? {
        let model = arguments.stringExpression("model", diagnostics: &diagnostics)
        let provider = arguments.stringExpression("provider", diagnostics: &diagnostics)
        let operation = arguments.stringExpression("operation", diagnostics: &diagnostics)
        guard let modelExpression = model.value, !provider.isInvalid, !operation.isInvalid else { return nil }
        var list = ["model: \(modelExpression.trimmedDescription)"]
        if let provider = provider.value { list.append("provider: \(provider.trimmedDescription)") }
        if let operation = operation.value { list.append("operation: \(operation.trimmedDescription)") }
        return SpanRecipe(closure: "traceLLM", arguments: list, captureStyle: .llm)
    }
}
