import SwiftDiagnostics
import SwiftSyntax

/// What a tracing attribute asks to record besides the span itself: `captureArguments`, `captureResult` and
/// `excluding`, checked against the function they are attached to.
struct CaptureOptions {
    var arguments = false
    var result = false
    /// The names of the parameters not to capture.
    var excluded: Set<String> = []

    /// Reads and checks the options; problems are appended to `diagnostics` (nil when one is an error).
    static func read(
        _ arguments: MacroArguments, for function: TracedFunction, diagnostics: inout [Diagnostic]
    ) -> CaptureOptions? {
        var options = CaptureOptions()
        var valid = true
        let captureArguments = arguments.boolLiteral("captureArguments", diagnostics: &diagnostics)
        let captureResult = arguments.boolLiteral("captureResult", diagnostics: &diagnostics)
        let excluding = arguments.stringArrayLiteral("excluding", diagnostics: &diagnostics)
        if captureArguments.isInvalid || captureResult.isInvalid || excluding.isInvalid { valid = false }
        options.arguments = captureArguments.value ?? false
        options.result = captureResult.value ?? false

        if options.result, let argument = arguments.argument("captureResult"),
            function.isInitializer || !function.returnsValue
        {
            diagnostics.append(
                Diagnostic(
                    node: argument,
                    message: function.isInitializer ? TraceDiagnostic.resultOfInitializer : .resultOfVoid,
                    fixIt: removal(of: argument, in: arguments, label: "captureResult")))
            options.result = false
        }

        if let names = excluding.value, let argument = arguments.argument("excluding") {
            if !options.arguments && !names.isEmpty {
                diagnostics.append(
                    Diagnostic(
                        node: argument, message: TraceDiagnostic.exclusionWithoutCapture,
                        fixIt: removal(of: argument, in: arguments, label: "excluding")))
            }
            let named = function.parameters.compactMap(\.name)
            for (name, element) in names where !named.contains(name) {
                valid = false
                if let parameter = function.parameters.first(where: { $0.label == name && $0.name != nil }),
                    let realName = parameter.name
                {
                    var replaced = element
                    replaced.expression = ExprSyntax(StringLiteralExprSyntax(content: realName))
                    diagnostics.append(
                        Diagnostic(
                            node: element.expression,
                            message: TraceDiagnostic.labelInsteadOfName(label: name, name: realName),
                            fixIt: FixIt(
                                message: TraceFixIt.useName(realName),
                                changes: [.replace(oldNode: Syntax(element.expression), newNode: Syntax(replaced.expression))])))
                } else {
                    diagnostics.append(
                        Diagnostic(
                            node: element.expression,
                            message: TraceDiagnostic.unknownParameter(name: name, parameters: named),
                            fixIt: FixIt(message: TraceFixIt.removeElement(name), changes: removal(of: element, in: names.map(\.element)))))
                }
            }
            options.excluded = Set(names.map(\.name))
        }
        return valid ? options : nil
    }

    /// The parameters whose values are captured, in declaration order.
    func capturedParameters(of function: TracedFunction) -> [String] {
        guard arguments else { return [] }
        return function.parameters.compactMap { parameter in
            guard let name = parameter.name, parameter.isCapturable, !excluded.contains(name) else { return nil }
            return name
        }
    }

    /// A fix-it removing one labelled argument of the attribute, and its separating comma.
    private static func removal(of argument: LabeledExprSyntax, in arguments: MacroArguments, label: String) -> FixIt {
        let all = Array(arguments.list)
        var changes: [FixIt.Change] = []
        if let index = all.firstIndex(where: { $0.id == argument.id }), index == all.count - 1, index > 0 {
            // The last argument: drop the previous argument's trailing comma too.
            var previous = all[index - 1]
            previous.trailingComma = nil
            changes.append(.replace(oldNode: Syntax(all[index - 1]), newNode: Syntax(previous)))
        }
        if all.count == 1 {
            // The only argument: drop the parentheses as well.
            var attribute = arguments.attribute
            attribute.leftParen = nil
            attribute.arguments = nil
            attribute.rightParen = nil
            return FixIt(
                message: TraceFixIt.removeArgument(label),
                changes: [.replace(oldNode: Syntax(arguments.attribute), newNode: Syntax(attribute))])
        }
        changes.append(.replace(oldNode: Syntax(argument), newNode: Syntax(TokenSyntax.unknown(""))))
        return FixIt(message: TraceFixIt.removeArgument(label), changes: changes)
    }

    /// Changes removing one element of an array literal, and its separating comma.
    private static func removal(of element: ArrayElementSyntax, in elements: [ArrayElementSyntax]) -> [FixIt.Change] {
        var changes: [FixIt.Change] = []
        if let index = elements.firstIndex(where: { $0.id == element.id }), index == elements.count - 1, index > 0 {
            var previous = elements[index - 1]
            previous.trailingComma = nil
            changes.append(.replace(oldNode: Syntax(elements[index - 1]), newNode: Syntax(previous)))
        }
        changes.append(.replace(oldNode: Syntax(element), newNode: Syntax(TokenSyntax.unknown(""))))
        return changes
    }
}
