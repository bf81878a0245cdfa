import SwiftCompilerPlugin
import SwiftSyntaxMacros

/// The compiler plugin that carries the tracing macros.
@main
struct NoveumTraceMacrosPlugin: CompilerPlugin {
    let providingMacros: [any Macro.Type] = [
        TraceMacro.self, TraceLLMMacro.self, TraceAgentMacro.self, TraceToolMacro.self, TraceRetrievalMacro.self,
    ]
}
