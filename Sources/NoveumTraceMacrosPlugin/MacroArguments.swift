import SwiftDiagnostics
import SwiftSyntax
import SwiftSyntaxMacros

/// The arguments written in a tracing attribute, read at compile time.
struct MacroArguments {
    let attribute: AttributeSyntax
    let list: LabeledExprListSyntax

    init(_ attribute: AttributeSyntax) {
        self.attribute = attribute
        if case .argumentList(let list) = attribute.arguments {
            self.list = list
        } else {
            self.list = []
        }
    }

    /// The argument labelled `label`, or the unlabelled first argument when `label` is nil.
    func argument(_ label: String?) -> LabeledExprSyntax? {
        list.first { $0.label?.text == label }
    }

    /// A string-valued argument, passed on to the expansion as written (a literal or any `String` expression).
    /// A `nil` literal counts as absent; an empty string literal is diagnosed and yields `.invalid`.
    func stringExpression(_ label: String?, diagnostics: inout [Diagnostic]) -> ArgumentValue<ExprSyntax> {
        guard let argument = argument(label) else { return .absent }
        let expression = argument.expression
        if expression.is(NilLiteralExprSyntax.self) { return .absent }
        if let literal = expression.as(StringLiteralExprSyntax.self), literal.representedLiteralValue == "" {
            diagnostics.append(
                Diagnostic(node: expression, message: TraceDiagnostic.emptyString(argument: label ?? "name")))
            return .invalid
        }
        return .value(expression.trimmed)
    }

    /// A `Bool` argument that must be a literal.
    func boolLiteral(_ label: String, diagnostics: inout [Diagnostic]) -> ArgumentValue<Bool> {
        guard let argument = argument(label) else { return .absent }
        guard let literal = argument.expression.as(BooleanLiteralExprSyntax.self) else {
            diagnostics.append(
                Diagnostic(
                    node: argument.expression,
                    message: TraceDiagnostic.notLiteral(argument: label, expected: "a Boolean literal ('true' or 'false')")))
            return .invalid
        }
        return .value(literal.literal.tokenKind == .keyword(.true))
    }

    /// A `[String]` argument that must be an array literal of plain string literals; each name comes with the
    /// element it was read from, for fix-its.
    func stringArrayLiteral(
        _ label: String, diagnostics: inout [Diagnostic]
    ) -> ArgumentValue<[(name: String, element: ArrayElementSyntax)]> {
        guard let argument = argument(label) else { return .absent }
        let notLiteral = Diagnostic(
            node: argument.expression,
            message: TraceDiagnostic.notLiteral(argument: label, expected: "an array of string literals"))
        guard let array = argument.expression.as(ArrayExprSyntax.self) else {
            diagnostics.append(notLiteral)
            return .invalid
        }
        var names: [(name: String, element: ArrayElementSyntax)] = []
        for element in array.elements {
            guard let literal = element.expression.as(StringLiteralExprSyntax.self),
                let value = literal.representedLiteralValue
            else {
                diagnostics.append(
                    Diagnostic(
                        node: element.expression,
                        message: TraceDiagnostic.notLiteral(argument: label, expected: "an array of string literals")))
                return .invalid
            }
            names.append((value, element))
        }
        return .value(names)
    }
}

/// An argument as read: not written, written but unusable (already diagnosed), or its value.
enum ArgumentValue<Value> {
    case absent
    case invalid
    case value(Value)

    var value: Value? {
        if case .value(let value) = self { return value }
        return nil
    }

    var isInvalid: Bool {
        if case .invalid = self { return true }
        return false
    }
}
