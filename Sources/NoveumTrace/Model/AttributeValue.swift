/// The value of a span or event attribute: the types OpenTelemetry and the Noveum API both carry.
///
/// You rarely build one by hand: ``NoveumSpan/setAttributes(_:)-([String:AttributeValueConvertible])`` takes a dictionary literal that mixes
/// `Int`, `Double`, `Bool`, `String`, arrays of those and optionals, and converts each value through
/// ``AttributeValueConvertible``.
public enum AttributeValue: Sendable, Hashable {
    case string(String)
    case int(Int64)
    case double(Double)
    case bool(Bool)
    case stringArray([String])
    case intArray([Int64])
    case doubleArray([Double])
    case boolArray([Bool])
}

extension AttributeValue: CustomStringConvertible {
    /// The value as plain text: strings unquoted, arrays in brackets.
    public var description: String {
        switch self {
        case .string(let v): return v
        case .int(let v): return String(v)
        case .double(let v): return String(v)
        case .bool(let v): return String(v)
        case .stringArray(let v): return "[" + v.joined(separator: ", ") + "]"
        case .intArray(let v): return "[" + v.map(String.init).joined(separator: ", ") + "]"
        case .doubleArray(let v): return "[" + v.map { String($0) }.joined(separator: ", ") + "]"
        case .boolArray(let v): return "[" + v.map(String.init).joined(separator: ", ") + "]"
        }
    }
}

extension AttributeValue: ExpressibleByStringLiteral, ExpressibleByStringInterpolation,
    ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral, ExpressibleByBooleanLiteral
{
    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int64) { self = .int(value) }
    public init(floatLiteral value: Double) { self = .double(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
}

extension AttributeValue {
    /// The string payload, if this is a string.
    public var stringValue: String? {
        if case .string(let v) = self { return v }
        return nil
    }

    /// The integer payload, if this is an integer.
    public var intValue: Int64? {
        if case .int(let v) = self { return v }
        return nil
    }

    /// The number as a `Double`, if this is an integer or a double.
    public var doubleValue: Double? {
        switch self {
        case .double(let v): return v
        case .int(let v): return Double(v)
        default: return nil
        }
    }

    /// The Boolean payload, if this is a Boolean.
    public var boolValue: Bool? {
        if case .bool(let v) = self { return v }
        return nil
    }
}
