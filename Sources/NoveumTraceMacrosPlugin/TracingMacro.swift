import SwiftDiagnostics
import SwiftSyntax
import SwiftSyntaxMacros

/// What the five tracing macros share. Each is a body macro (it wraps the function's body) and a peer macro that
/// adds nothing: the peer role lets it see, and diagnose, declarations a body macro cannot attach to.
protocol TracingMacro: BodyMacro, PeerMacro {
    /// The attribute's name without `@`.
    static var macroName: String { get }
    /// The static inline closure of `NoveumTrace` the expansion calls.
    static var closure: String { get }
    /// The macro's own string arguments (not the capture options), in the order the closure takes them.
    static var parameters: [SpanRecipe.Parameter] { get }
    /// Where captured arguments and results go.
    static var captureStyle: SpanRecipe.CaptureStyle { get }
    /// Whether the macro traces initializers (only `@Trace` does; the others offer a fix-it to it).
    static var tracesInitializers: Bool { get }
}

extension TracingMacro {
    /// The expansions are laid out by ``TraceExpansion`` (the body keeps its own layout); the formatter would
    /// rewrap the user's code.
    static var formatMode: FormatMode { .disabled }

    static var tracesInitializers: Bool { false }

    static func expansion(
        of node: AttributeSyntax, providingBodyFor declaration: some DeclSyntaxProtocol & WithOptionalCodeBlockSyntax,
        in context: some MacroExpansionContext
    ) throws -> [CodeBlockItemSyntax] {
        let original = TraceExpansion.unchanged(declaration.body)
        guard let function = TracedFunction(declaration) else {
            // An accessor or a deinitializer: the body role reaches them, the peer role does not.
            context.diagnose(
                Diagnostic(
                    node: node, message: TraceDiagnostic.notAFunction(macro: macroName, declaration: describe(declaration)),
                    fixIt: removeAttribute(node)))
            return original
        }
        // No body (a protocol requirement): the peer role reports it.
        guard let body = function.body else { return [] }

        var diagnostics: [Diagnostic] = []
        defer { diagnostics.forEach(context.diagnose) }
        if function.isInitializer && !tracesInitializers {
            var replacement = node
            replacement.attributeName = TypeSyntax(IdentifierTypeSyntax(name: .identifier("Trace")))
            replacement.leftParen = nil
            replacement.arguments = nil
            replacement.rightParen = nil
            diagnostics.append(
                Diagnostic(
                    node: node, message: TraceDiagnostic.initializerNeedsTrace(macro: macroName),
                    fixIt: FixIt(
                        message: TraceFixIt.replaceWithTrace(macro: macroName),
                        changes: [.replace(oldNode: Syntax(node), newNode: Syntax(replacement))])))
            return original
        }
        let arguments = MacroArguments(node)
        let recipe = SpanRecipe(
            closure: closure, parameters: parameters, captureStyle: captureStyle, tracesInitializers: tracesInitializers,
            arguments: arguments, for: function, diagnostics: &diagnostics)
        let options = CaptureOptions.read(arguments, for: function, diagnostics: &diagnostics)
        guard let recipe, let options else { return original }
        return TraceExpansion.body(of: function, body: body, recipe: recipe, options: options, in: context)
    }

    static func expansion(
        of node: AttributeSyntax, providingPeersOf declaration: some DeclSyntaxProtocol,
        in context: some MacroExpansionContext
    ) throws -> [DeclSyntax] {
        if let function = TracedFunction(declaration) {
            if function.body == nil {
                context.diagnose(
                    Diagnostic(node: node, message: TraceDiagnostic.missingBody(macro: macroName), fixIt: removeAttribute(node)))
            }
        } else if !declaration.is(AccessorDeclSyntax.self) && !declaration.is(DeinitializerDeclSyntax.self) {
            context.diagnose(
                Diagnostic(
                    node: node, message: TraceDiagnostic.notAFunction(macro: macroName, declaration: describe(declaration)),
                    fixIt: removeAttribute(node)))
        }
        return []
    }

    /// A fix-it deleting the attribute.
    static func removeAttribute(_ node: AttributeSyntax) -> FixIt {
        FixIt(
            message: TraceFixIt.removeAttribute(macro: macroName),
            changes: [
                .replace(oldNode: Syntax(node), newNode: Syntax(TokenSyntax.unknown("", leadingTrivia: node.leadingTrivia)))
            ])
    }

    /// "a stored property", "a type", … for the diagnostic.
    static func describe(_ declaration: some DeclSyntaxProtocol) -> String {
        if let variable = declaration.as(VariableDeclSyntax.self) {
            let computed = variable.bindings.contains { binding in
                guard let accessors = binding.accessorBlock?.accessors else { return false }
                if case .accessors(let list) = accessors {
                    return list.contains { [.keyword(.get), .keyword(.set)].contains($0.accessorSpecifier.tokenKind) }
                }
                return true
            }
            return computed ? "a computed property" : "a stored property"
        }
        if declaration.is(SubscriptDeclSyntax.self) { return "a subscript" }
        if declaration.is(AccessorDeclSyntax.self) { return "an accessor" }
        if declaration.is(DeinitializerDeclSyntax.self) { return "a deinitializer" }
        if declaration.is(EnumCaseDeclSyntax.self) { return "an enum case" }
        if declaration.is(StructDeclSyntax.self) || declaration.is(ClassDeclSyntax.self)
            || declaration.is(EnumDeclSyntax.self) || declaration.is(ActorDeclSyntax.self)
            || declaration.is(ProtocolDeclSyntax.self) || declaration.is(ExtensionDeclSyntax.self)
        {
            return "a type; attach it to each method to trace"
        }
        return "this declaration"
    }
}
