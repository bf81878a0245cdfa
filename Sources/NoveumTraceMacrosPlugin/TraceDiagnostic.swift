import SwiftDiagnostics

/// Every message the tracing macros can emit: misuse becomes one clear diagnostic at the attribute, never a
/// confusing error inside an expansion.
enum TraceDiagnostic: DiagnosticMessage {
    /// The attribute is on something other than a function, method or initializer.
    case notAFunction(macro: String, declaration: String)
    /// The function has no body (a protocol requirement): there is nothing to wrap.
    case missingBody(macro: String)
    /// A specialised macro (`@TraceLLM` and kin) on an initializer.
    case initializerNeedsTrace(macro: String)
    /// An argument the expansion must read at compile time is not a literal.
    case notLiteral(argument: String, expected: String)
    /// A string argument that names the span is empty.
    case emptyString(argument: String)
    /// `excluding:` names no parameter of the function.
    case unknownParameter(name: String, parameters: [String])
    /// `excluding:` names a parameter by its argument label instead of its name.
    case labelInsteadOfName(label: String, name: String)
    /// `excluding:` without `captureArguments: true`.
    case exclusionWithoutCapture
    /// `captureResult: true` on a function that returns nothing.
    case resultOfVoid
    /// `captureResult: true` on an initializer.
    case resultOfInitializer

    var message: String {
        switch self {
        case .notAFunction(let macro, let declaration):
            return "@\(macro) can only be attached to a function, method or initializer, not to \(declaration)"
        case .missingBody(let macro):
            return "@\(macro) needs a function body to trace; attach it to the implementation, not to a requirement "
                + "without a body"
        case .initializerNeedsTrace(let macro):
            return "@\(macro) cannot be attached to an initializer; use @Trace to trace an initializer"
        case .notLiteral(let argument, let expected):
            return "'\(argument)' must be \(expected): the macro reads it when the code is compiled"
        case .emptyString(let argument):
            return "'\(argument)' must not be empty"
        case .unknownParameter(let name, let parameters):
            let known = parameters.isEmpty ? "the function has no named parameters" : "parameters are "
                + parameters.map { "'\($0)'" }.joined(separator: ", ")
            return "'excluding' names '\(name)', which is not a parameter of this function (\(known))"
        case .labelInsteadOfName(let label, let name):
            return "'excluding' names the argument label '\(label)'; exclude the parameter by its name '\(name)'"
        case .exclusionWithoutCapture:
            return "'excluding' has no effect unless 'captureArguments' is true"
        case .resultOfVoid:
            return "'captureResult' has no effect on a function that returns nothing"
        case .resultOfInitializer:
            return "'captureResult' has no effect on an initializer"
        }
    }

    var severity: DiagnosticSeverity {
        switch self {
        case .exclusionWithoutCapture, .resultOfVoid, .resultOfInitializer: return .warning
        default: return .error
        }
    }

    var diagnosticID: MessageID {
        let id: String
        switch self {
        case .notAFunction: id = "notAFunction"
        case .missingBody: id = "missingBody"
        case .initializerNeedsTrace: id = "initializerNeedsTrace"
        case .notLiteral: id = "notLiteral"
        case .emptyString: id = "emptyString"
        case .unknownParameter: id = "unknownParameter"
        case .labelInsteadOfName: id = "labelInsteadOfName"
        case .exclusionWithoutCapture: id = "exclusionWithoutCapture"
        case .resultOfVoid: id = "resultOfVoid"
        case .resultOfInitializer: id = "resultOfInitializer"
        }
        return MessageID(domain: "NoveumTraceMacros", id: id)
    }
}

/// The fix-its offered with ``TraceDiagnostic``.
enum TraceFixIt: FixItMessage {
    case removeAttribute(macro: String)
    case replaceWithTrace(macro: String)
    case removeArgument(String)
    case removeElement(String)
    case useName(String)

    var message: String {
        switch self {
        case .removeAttribute(let macro): return "Remove '@\(macro)'"
        case .replaceWithTrace(let macro): return "Replace '@\(macro)' with '@Trace'"
        case .removeArgument(let label): return "Remove '\(label)'"
        case .removeElement(let name): return "Remove '\(name)'"
        case .useName(let name): return "Use '\(name)'"
        }
    }

    var fixItID: MessageID {
        switch self {
        case .removeAttribute: return MessageID(domain: "NoveumTraceMacros", id: "removeAttribute")
        case .replaceWithTrace: return MessageID(domain: "NoveumTraceMacros", id: "replaceWithTrace")
        case .removeArgument: return MessageID(domain: "NoveumTraceMacros", id: "removeArgument")
        case .removeElement: return MessageID(domain: "NoveumTraceMacros", id: "removeElement")
        case .useName: return MessageID(domain: "NoveumTraceMacros", id: "useName")
        }
    }
}
