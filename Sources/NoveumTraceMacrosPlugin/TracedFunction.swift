import SwiftSyntax

/// What the expansion needs to know about the function or initializer being traced.
struct TracedFunction {
    /// One parameter as the body sees it.
    struct Parameter {
        /// The argument label callers write (`_` when none).
        let label: String
        /// The name the body uses, or nil for an unnamed (`_`) parameter.
        let name: String?
        /// Whether its value can be captured: not a closure (a non-escaping one cannot be stored, and none says
        /// anything useful), not `borrowing` or `consuming` (those may be noncopyable, and capturing would copy them).
        let isCapturable: Bool
    }

    let isInitializer: Bool
    /// `fetch`, or `init`.
    let baseName: String
    /// The Swift name with argument labels: `fetch(id:)`, `init(name:)`.
    let fullName: String
    let parameters: [Parameter]
    let isAsync: Bool
    /// `throws`, `throws(E)` or `rethrows`, as written; nil when the function does not throw.
    let throwsClause: ThrowsClauseSyntax?
    /// Whether the function returns a value (a return type other than `Void` or `()`).
    let returnsValue: Bool
    /// The token that names the function, where its `code.lineno` points.
    let nameToken: TokenSyntax
    let body: CodeBlockSyntax?

    var throwsSomething: Bool { throwsClause != nil }
    var isRethrows: Bool { throwsClause?.throwsSpecifier.tokenKind == .keyword(.rethrows) }

    init?(_ declaration: some DeclSyntaxProtocol) {
        if let function = declaration.as(FunctionDeclSyntax.self) {
            self.init(
                isInitializer: false, name: function.name, signature: function.signature, body: function.body,
                returnType: function.signature.returnClause?.type)
        } else if let initializer = declaration.as(InitializerDeclSyntax.self) {
            self.init(
                isInitializer: true, name: initializer.initKeyword, signature: initializer.signature,
                body: initializer.body, returnType: nil)
        } else {
            return nil
        }
    }

    private init(
        isInitializer: Bool, name: TokenSyntax, signature: FunctionSignatureSyntax, body: CodeBlockSyntax?,
        returnType: TypeSyntax?
    ) {
        self.isInitializer = isInitializer
        self.nameToken = name
        self.baseName = isInitializer ? "init" : (name.identifier?.name ?? name.trimmedDescription)
        let parameters = signature.parameterClause.parameters.map(Self.parameter)
        self.parameters = parameters
        self.fullName = "\(baseName)(\(parameters.map { "\($0.label):" }.joined()))"
        self.isAsync = signature.effectSpecifiers?.asyncSpecifier != nil
        self.throwsClause = signature.effectSpecifiers?.throwsClause
        self.returnsValue = returnType.map { !Self.isVoid($0) } ?? false
        self.body = body
    }

    private static func parameter(_ syntax: FunctionParameterSyntax) -> Parameter {
        let label = syntax.firstName.identifier?.name ?? syntax.firstName.text
        let nameToken = syntax.secondName ?? syntax.firstName
        let name = nameToken.tokenKind == .wildcard ? nil : (nameToken.identifier?.name ?? nameToken.text)
        return Parameter(label: label, name: name, isCapturable: isCapturable(syntax.type))
    }

    private static func isCapturable(_ type: TypeSyntax) -> Bool {
        if type.is(FunctionTypeSyntax.self) { return false }
        if let attributed = type.as(AttributedTypeSyntax.self) {
            for specifier in attributed.specifiers {
                if case .simpleTypeSpecifier(let simple) = specifier,
                    [.keyword(.borrowing), .keyword(.consuming)].contains(simple.specifier.tokenKind)
                {
                    return false
                }
            }
            return isCapturable(attributed.baseType)
        }
        if let tuple = type.as(TupleTypeSyntax.self), tuple.elements.count == 1, let only = tuple.elements.first {
            return isCapturable(only.type)
        }
        return true
    }

    private static func isVoid(_ type: TypeSyntax) -> Bool {
        if let tuple = type.as(TupleTypeSyntax.self) { return tuple.elements.isEmpty }
        if let identifier = type.as(IdentifierTypeSyntax.self) {
            return identifier.name.text == "Void" && identifier.genericArgumentClause == nil
        }
        if let member = type.as(MemberTypeSyntax.self) {
            return member.baseType.trimmedDescription == "Swift" && member.name.text == "Void"
        }
        return false
    }
}
