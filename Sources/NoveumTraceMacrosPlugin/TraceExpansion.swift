import SwiftSyntax
import SwiftSyntaxBuilder
import SwiftSyntaxMacros

/// Builds the new body of a traced function: the original body moved into the inline closure the macro names, or,
/// for an initializer, a span started before the body and ended by `defer`.
enum TraceExpansion {
    /// The module-qualified support namespace the expansions call.
    static let support = "NoveumTraceMacros.MacroSupport"
    /// The name the expansion gives the span.
    static let spanName = "__noveumSpan"

    static func body(
        of function: TracedFunction, body: CodeBlockSyntax, recipe: SpanRecipe, options: CaptureOptions,
        in context: some MacroExpansionContext
    ) -> [CodeBlockItemSyntax] {
        let captured = options.capturedParameters(of: function)
        let needsSpan = !captured.isEmpty || options.result || function.isInitializer
        // Not `context.makeUniqueName`: the compiler's unique names start with `$`, which a closure parameter
        // cannot (it would name a property wrapper's projection). The body never sees this name.
        let span = needsSpan ? spanName : "_"
        let attributes = codeAttributes(of: function, in: context)
        let recordArguments: String? =
            captured.isEmpty
            ? nil
            : "\(support).recordArguments([\(captured.map { "\"\($0)\": \($0) as Any" }.joined(separator: ", "))], "
                + "style: .\(recipe.captureStyle.rawValue), on: \(span))"
        let indent = "    "

        if function.isInitializer {
            var lines = [
                "let \(span) = \(support).startInitializerSpan(\(recipe.initializerName?.trimmedDescription ?? "\"init\""), "
                    + "attributes: \(attributes))",
                "defer { \(support).endInitializerSpan(\(span)) }",
            ]
            if let recordArguments { lines.append(recordArguments) }
            if let throwsClause = function.throwsClause {
                let typed = throwsClause.type.map { " throws(\($0.trimmedDescription))" } ?? ""
                lines.append("do\(typed) {")
                lines.append(reindented(body.statements, by: indent))
                lines.append("} catch {")
                lines.append(indent + "\(support).recordFailure(error, on: \(span))")
                lines.append(indent + "throw error")
                lines.append("}")
            } else {
                lines.append(reindented(body.statements, by: ""))
            }
            return items(lines)
        }

        var effects = ""
        if function.isAsync { effects += " async" }
        if let throwsClause = function.throwsClause {
            // A `rethrows` function's closure is `throws`: the compiler still checks that only the function's
            // throwing arguments can make it throw.
            effects += function.isRethrows ? " throws" : " " + throwsClause.trimmedDescription
        }
        let marker = (function.throwsSomething ? "try " : "") + (function.isAsync ? "await " : "")
        let call =
            "NoveumTrace.\(recipe.closure)(\((recipe.arguments + ["attributes: \(attributes)"]).joined(separator: ", ")))"

        var lines = ["return \(marker)\(call) { \(span)\(effects) in"]
        if let recordArguments { lines.append(indent + recordArguments) }
        if options.result {
            lines.append(indent + "return \(support).recordResult(")
            lines.append(indent + indent + "\(marker){ ()\(effects) in")
            lines.append(reindented(body.statements, by: indent + indent + indent))
            lines.append(indent + indent + "}(), style: .\(recipe.captureStyle.rawValue), on: \(span))")
        } else {
            lines.append(reindented(body.statements, by: indent))
        }
        lines.append("}")
        return items(lines)
    }

    /// The body as it was, for an attribute that was diagnosed: the function compiles untraced.
    static func unchanged(_ body: CodeBlockSyntax?) -> [CodeBlockItemSyntax] {
        guard let body else { return [] }
        return items([reindented(body.statements, by: "")])
    }

    /// Parses the generated lines into statements, blank lines dropped, indented one level inside the body's braces.
    private static func items(_ lines: [String]) -> [CodeBlockItemSyntax] {
        let source = lines.filter { !$0.isEmpty }.joined(separator: "\n")
            .split(separator: "\n", omittingEmptySubsequences: false)
            .map { $0.isEmpty ? "" : "    " + $0 }
            .joined(separator: "\n")
        return Array(CodeBlockItemListSyntax("\(raw: source)"))
    }

    /// The body's statements as text, its own indentation replaced by `indent`, comments kept. Every line moves
    /// by the same amount, so multi-line string literals stay valid.
    static func reindented(_ statements: CodeBlockItemListSyntax, by indent: String) -> String {
        var lines = statements.description.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let isBlank = { (line: String) in line.allSatisfy { $0 == " " || $0 == "\t" } }
        while let first = lines.first, isBlank(first) { lines.removeFirst() }
        while let last = lines.last, isBlank(last) { lines.removeLast() }
        let common = lines.filter { !isBlank($0) }.map { $0.prefix { $0 == " " || $0 == "\t" }.count }.min() ?? 0
        return lines.map { isBlank($0) ? "" : indent + $0.dropFirst(common) }.joined(separator: "\n")
    }

    /// `["code.function": …, "code.namespace": …, "code.filepath": …, "code.lineno": …]`.
    static func codeAttributes(of function: TracedFunction, in context: some MacroExpansionContext) -> String {
        var entries = ["\"code.function\": \(literal(function.fullName))"]
        if let namespace = namespace(in: context) { entries.append("\"code.namespace\": \(literal(namespace))") }
        if let location = context.location(of: function.nameToken, at: .afterLeadingTrivia, filePathMode: .filePath) {
            entries.append("\"code.filepath\": \(location.file.trimmedDescription)")
            entries.append("\"code.lineno\": \(location.line.trimmedDescription)")
        } else {
            entries.append("\"code.filepath\": #filePath")
            entries.append("\"code.lineno\": #line")
        }
        return "[\(entries.joined(separator: ", "))]"
    }

    /// The enclosing types, outermost first: `Outer.Inner`; nil at top level.
    private static func namespace(in context: some MacroExpansionContext) -> String? {
        var names: [String] = []
        for syntax in context.lexicalContext {
            if let type = syntax.asProtocol((any NamedDeclSyntax).self), !syntax.is(FunctionDeclSyntax.self),
                syntax.is(StructDeclSyntax.self) || syntax.is(ClassDeclSyntax.self) || syntax.is(EnumDeclSyntax.self)
                    || syntax.is(ActorDeclSyntax.self) || syntax.is(ProtocolDeclSyntax.self)
            {
                names.append(type.name.identifier?.name ?? type.name.text)
            } else if let extensionDecl = syntax.as(ExtensionDeclSyntax.self) {
                names.append(extensionDecl.extendedType.trimmedDescription)
            } else if syntax.is(FunctionDeclSyntax.self) || syntax.is(ClosureExprSyntax.self) {
                // A local function: the namespace is that of the enclosing function's type, if any.
                continue
            }
        }
        return names.isEmpty ? nil : names.reversed().joined(separator: ".")
    }

    /// A string literal spelling `text`, escaped.
    static func literal(_ text: String) -> String {
        StringLiteralExprSyntax(content: text).trimmedDescription
    }
}
