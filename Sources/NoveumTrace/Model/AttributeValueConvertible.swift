/// A type that can be stored as a span attribute.
///
/// The standard library's integers, floating-point numbers, `Bool`, `String` and `Substring`, arrays of those,
/// and `Optional` of any of them conform. An optional that is `nil` produces no value: the attribute is not set.
///
/// ```swift
/// span.setAttributes([
///     "query.index": i,                       // Int
///     "search.top_score": results.first?.score, // Double?: not set when nil
///     "llm.stop": ["\n\n", "END"],            // [String]
/// ])
/// ```
public protocol AttributeValueConvertible: Sendable {
    /// The attribute value, or nil when nothing should be recorded.
    var attributeValue: AttributeValue? { get }
}

extension AttributeValue: AttributeValueConvertible {
    @inlinable public var attributeValue: AttributeValue? { self }
}

extension String: AttributeValueConvertible {
    @inlinable public var attributeValue: AttributeValue? { .string(self) }
}

extension Substring: AttributeValueConvertible {
    @inlinable public var attributeValue: AttributeValue? { .string(String(self)) }
}

extension Bool: AttributeValueConvertible {
    @inlinable public var attributeValue: AttributeValue? { .bool(self) }
}

extension Int: AttributeValueConvertible {
    @inlinable public var attributeValue: AttributeValue? { .int(Int64(self)) }
}

extension Int8: AttributeValueConvertible {
    @inlinable public var attributeValue: AttributeValue? { .int(Int64(self)) }
}

extension Int16: AttributeValueConvertible {
    @inlinable public var attributeValue: AttributeValue? { .int(Int64(self)) }
}

extension Int32: AttributeValueConvertible {
    @inlinable public var attributeValue: AttributeValue? { .int(Int64(self)) }
}

extension Int64: AttributeValueConvertible {
    @inlinable public var attributeValue: AttributeValue? { .int(self) }
}

extension UInt8: AttributeValueConvertible {
    @inlinable public var attributeValue: AttributeValue? { .int(Int64(self)) }
}

extension UInt16: AttributeValueConvertible {
    @inlinable public var attributeValue: AttributeValue? { .int(Int64(self)) }
}

extension UInt32: AttributeValueConvertible {
    @inlinable public var attributeValue: AttributeValue? { .int(Int64(self)) }
}

/// Values above `Int64.max` do not fit an OpenTelemetry integer; they are recorded as their decimal string.
extension UInt64: AttributeValueConvertible {
    @inlinable public var attributeValue: AttributeValue? {
        if let exact = Int64(exactly: self) { return .int(exact) }
        return .string(String(self))
    }
}

/// Values above `Int64.max` are recorded as their decimal string.
extension UInt: AttributeValueConvertible {
    @inlinable public var attributeValue: AttributeValue? { UInt64(self).attributeValue }
}

extension Double: AttributeValueConvertible {
    @inlinable public var attributeValue: AttributeValue? { .double(self) }
}

extension Float: AttributeValueConvertible {
    @inlinable public var attributeValue: AttributeValue? { .double(Double(self)) }
}

extension Optional: AttributeValueConvertible where Wrapped: AttributeValueConvertible {
    @inlinable public var attributeValue: AttributeValue? {
        switch self {
        case .some(let value): return value.attributeValue
        case .none: return nil
        }
    }
}

/// An element type that arrays of attributes can hold.
public protocol AttributeArrayElement: AttributeValueConvertible {
    /// Builds the array attribute value from elements of this type.
    static func attributeArray(_ elements: [Self]) -> AttributeValue
}

extension String: AttributeArrayElement {
    public static func attributeArray(_ elements: [String]) -> AttributeValue { .stringArray(elements) }
}

extension Int: AttributeArrayElement {
    public static func attributeArray(_ elements: [Int]) -> AttributeValue { .intArray(elements.map(Int64.init)) }
}

extension Int64: AttributeArrayElement {
    public static func attributeArray(_ elements: [Int64]) -> AttributeValue { .intArray(elements) }
}

extension Double: AttributeArrayElement {
    public static func attributeArray(_ elements: [Double]) -> AttributeValue { .doubleArray(elements) }
}

extension Bool: AttributeArrayElement {
    public static func attributeArray(_ elements: [Bool]) -> AttributeValue { .boolArray(elements) }
}

extension Array: AttributeValueConvertible where Element: AttributeArrayElement {
    public var attributeValue: AttributeValue? { Element.attributeArray(self) }
}
