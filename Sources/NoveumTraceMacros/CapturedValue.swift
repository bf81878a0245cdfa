/// Turns captured arguments and results into attribute values: values that are attributes already (numbers,
/// strings, Booleans, arrays of them) stay themselves, anything else becomes its `String(describing:)`.
enum CapturedValue {
    /// The attribute for `value`; nil for a `nil` optional.
    static func attribute(_ value: Any) -> AttributeValue? {
        if let convertible = value as? any AttributeValueConvertible { return convertible.attributeValue }
        return .string(String(describing: value))
    }

    /// `value` as text: a string as itself, anything else described.
    static func text(_ value: Any) -> String {
        if let string = value as? String { return string }
        switch attribute(value) {
        case .string(let text): return text
        case nil: return "null"
        case let other?: return json(other)
        }
    }

    /// `{"name": value, …}` in argument order.
    static func jsonObject(_ arguments: KeyValuePairs<String, Any>) -> String {
        var text = "{"
        for (index, (name, value)) in arguments.enumerated() {
            if index > 0 { text += "," }
            text += quoted(name) + ":" + (attribute(value).map(json) ?? "null")
        }
        return text + "}"
    }

    static func json(_ value: AttributeValue) -> String {
        switch value {
        case .string(let text): return quoted(text)
        case .bool(let flag): return flag ? "true" : "false"
        case .int(let number): return String(number)
        case .double(let number): return number.isFinite ? String(number) : quoted(String(number))
        case .stringArray(let texts): return "[" + texts.map(quoted).joined(separator: ",") + "]"
        case .boolArray(let flags): return "[" + flags.map { $0 ? "true" : "false" }.joined(separator: ",") + "]"
        case .intArray(let numbers): return "[" + numbers.map { String($0) }.joined(separator: ",") + "]"
        case .doubleArray(let numbers):
            return "[" + numbers.map { $0.isFinite ? String($0) : quoted(String($0)) }.joined(separator: ",") + "]"
        }
    }

    /// A JSON string literal.
    static func quoted(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case let control where control.value < 0x20:
                let hex = String(control.value, radix: 16)
                result += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result + "\""
    }
}
