/// Attributes written as a dictionary literal, for ``NoveumSpan/setAttributes(_:)-(AttributeLiteral)``:
/// `span.setAttributes(["llm.input_tokens": usage.promptTokens, "llm.response": text])`.
///
/// A `Dictionary` literal is built and hashed by the caller before the span can say it records nothing; this
/// type keeps the pairs as written and nothing else, so a span that is not recording (its trace sampled out)
/// ignores them without hashing a key, and a recording span sets them (in key order, as from a dictionary)
/// without building a dictionary. Values may mix `Int`, `Double`, `Bool`, `String`, arrays of those and optionals
/// (nil values set nothing). A key written twice sets the last value (a `Dictionary` literal would stop the
/// program).
///
/// You do not name this type: a literal passed to `setAttributes` is one. A `[String: any
/// AttributeValueConvertible]` variable still goes to the dictionary overload.
public struct AttributeLiteral: ExpressibleByDictionaryLiteral, Sendable {
    @usableFromInline
    let pairs: [(String, any AttributeValueConvertible)]

    @inlinable
    public init(dictionaryLiteral elements: (String, any AttributeValueConvertible)...) {
        pairs = elements
    }
}
