import SwiftDiagnostics
import SwiftSyntax
import SwiftSyntaxMacros

/// `@TraceAgent(name:role:)`: an agent span through `NoveumTrace.traceAgent`, named after the function unless a
/// name is given.
struct TraceAgentMacro: TracingMacro {
    static let macroName = "TraceAgent"

    static func recipe(
        _ arguments: MacroArguments, for function: TracedFunction, diagnostics: inout [Diagnostic]
    ) -> SpanRecipe? {
        let name = arguments.stringExpression("name", diagnostics: &diagnostics)
        let role = arguments.stringExpression("role", diagnostics: &diagnostics)
        if name.isInvalid || role.isInvalid { return nil }
        var list = [name.value?.trimmedDescription ?? TraceExpansion.literal(function.baseName)]
        if let role = role.value { list.append("role: \(role.trimmedDescription)") }
        return SpanRecipe(closure: "traceAgent", arguments: list, captureStyle: .attributes)
    }
}
