import SwiftDiagnostics
import SwiftSyntax
import SwiftSyntaxMacros

/// `@TraceRetrieval(index:)`: a retrieval span through `NoveumTrace.traceRetrieval`.
struct TraceRetrievalMacro: TracingMacro {
    static let macroName = "TraceRetrieval"

    static func recipe(
        _ arguments: MacroArguments, for function: TracedFunction, diagnostics: inout [Diagnostic]
    ) -> SpanRecipe? {
        let index = arguments.stringExpression("index", diagnostics: &diagnostics)
        if index.isInvalid { return nil }
        return SpanRecipe(
            closure: "traceRetrieval", arguments: index.value.map { ["index: \($0.trimmedDescription)"] } ?? [],
            captureStyle: .attributes)
    }
}
