@testable import NoveumTraceMacrosPlugin
import SwiftSyntaxMacroExpansion
import SwiftSyntaxMacros
import SwiftSyntaxMacrosGenericTestSupport
import Testing

/// The macros under test, by attribute name.
let tracingMacros: [String: MacroSpec] = [
    "Trace": MacroSpec(type: TraceMacro.self),
    "TraceLLM": MacroSpec(type: TraceLLMMacro.self),
    "TraceAgent": MacroSpec(type: TraceAgentMacro.self),
    "TraceTool": MacroSpec(type: TraceToolMacro.self),
    "TraceRetrieval": MacroSpec(type: TraceRetrievalMacro.self),
]

/// swift-syntax's expansion assertion, reporting failures as Swift Testing issues at the caller's line.
func assertExpansion(
    _ source: String, expandedSource: String, diagnostics: [DiagnosticSpec] = [], applyFixIts: [String]? = nil,
    fixedSource: String? = nil, fileID: StaticString = #fileID, filePath: StaticString = #filePath,
    line: UInt = #line, column: UInt = #column
) {
    assertMacroExpansion(
        source, expandedSource: expandedSource, diagnostics: diagnostics, macroSpecs: tracingMacros,
        applyFixIts: applyFixIts, fixedSource: fixedSource, testFileName: "Agent.swift",
        failureHandler: { failure in
            Issue.record(
                Comment(rawValue: failure.message),
                sourceLocation: SourceLocation(
                    fileID: failure.location.fileID, filePath: failure.location.filePath,
                    line: failure.location.line, column: failure.location.column))
        }, fileID: fileID, filePath: filePath, line: line, column: column)
}
