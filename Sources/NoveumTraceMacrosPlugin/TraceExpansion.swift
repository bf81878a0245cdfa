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
        let statements = body.statements.trimmed

        if function.isInitializer {
            return initializerBody(
                function, statements: statements, name: recipe.initializerName ?? "\"init\"", attributes: attributes,
                span: span, recordArguments: recordArguments)
        }

        var effects = ""
        if function.isAsync { effects += " async" }
        if let throwsClause = function.throwsClause { effects += " " + throwsClause.trimmedDescription }
        let marker = (function.throwsSomething ? "try " : "") + (function.isAsync ? "await " : "")
        let call =
            "NoveumTrace.\(recipe.closure)(\((recipe.arguments + ["attributes: \(attributes)"]).joined(separator: ", ")))"

        var inner: [String] = []
        if let recordArguments { inner.append(recordArguments) }
        if options.result {
            inner.append(
                """
                return \(support).recordResult(
                    \(marker){ ()\(effects) in
                        \(statements)
                    }(), style: .\(recipe.captureStyle.rawValue), on: \(span))
                """)
        } else {
            inner.append("\(statements)")
        }
        let source = """
            return \(marker)\(call) { \(span)\(effects) in
                \(inner.joined(separator: "\n"))
            }
            """
        return Array(CodeBlockItemListSyntax("\(raw: source)"))
    }

    /// An initializer cannot run inside a closure before `self` is initialized: the span starts first, ends in
    /// `defer`, and a thrown error is recorded on its way out. The span is not active while the body runs.
    private static func initializerBody(
        _ function: TracedFunction, statements: CodeBlockItemListSyntax, name: ExprSyntax, attributes: String,
        span: String, recordArguments: String?
    ) -> [CodeBlockItemSyntax] {
        var lines = [
            "let \(span) = \(support).startInitializerSpan(\(name.trimmedDescription), attributes: \(attributes))",
            "defer { \(support).endInitializerSpan(\(span)) }",
        ]
        if let recordArguments { lines.append(recordArguments) }
        if let throwsClause = function.throwsClause {
            let typed = throwsClause.type.map { " throws(\($0.trimmedDescription))" } ?? ""
            lines.append(
                """
                do\(typed) {
                    \(statements)
                } catch {
                    \(support).recordFailure(error, on: \(span))
                    throw error
                }
                """)
        } else {
            lines.append("\(statements)")
        }
        return Array(CodeBlockItemListSyntax("\(raw: lines.joined(separator: "\n"))"))
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
            if let type = syntax.asProtocol(NamedDeclSyntax.self), !syntax.is(FunctionDeclSyntax.self),
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
