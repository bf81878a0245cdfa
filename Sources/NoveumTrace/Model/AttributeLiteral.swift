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

    /// Converts the non-nil values into scratch space on the stack, in key order (as a dictionary's are set, so a
    /// span records the same attributes in the same order whichever form set them), and passes them to `body`.
    func withSortedElements<Result>(_ body: (UnsafeMutableBufferPointer<AttributeList.Element>) -> Result) -> Result {
        withUnsafeTemporaryAllocation(of: AttributeList.Element.self, capacity: pairs.count) { scratch in
            var count = 0
            var sorted = true
            for (key, value) in pairs {
                guard let attribute = value.attributeValue else { continue }
                if count > 0, sorted, key < scratch[count - 1].key { sorted = false }
                scratch.initializeElement(at: count, to: AttributeList.Element(key: key, value: attribute))
                count += 1
            }
            var elements = UnsafeMutableBufferPointer(rebasing: scratch[..<count])
            // The standard library's sort is stable: of a key written twice, the later value is set last and wins.
            if !sorted { elements.sort { $0.key < $1.key } }
            defer { elements.deinitialize() }
            return body(elements)
        }
    }
}
