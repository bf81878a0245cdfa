import SwiftDiagnostics
import SwiftSyntax
import SwiftSyntaxMacros

/// `@Trace`, `@Trace("name")`: a span named after the function (or the given name) through
/// `NoveumTrace.traceOperation`.
struct TraceMacro: TracingMacro {
    static let macroName = "Trace"

    static func recipe(
        _ arguments: MacroArguments, for function: TracedFunction, diagnostics: inout [Diagnostic]
    ) -> SpanRecipe? {
        let name = arguments.stringExpression(nil, diagnostics: &diagnostics)
        if name.isInvalid { return nil }
        let nameExpression = name.value?.trimmedDescription ?? TraceExpansion.literal(function.baseName)
        return SpanRecipe(
            closure: "traceOperation", arguments: [nameExpression], captureStyle: .attributes,
            initializerName: ExprSyntax("\(raw: nameExpression)"))
    }
}
