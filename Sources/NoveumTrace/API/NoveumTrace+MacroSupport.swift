import Tracing

// The small hook the `NoveumTraceMacros` product needs for initializers, which cannot run inside an inline
// closure. SPI: not part of the public API.

extension NoveumTrace {
    /// Starts a span the way the inline closures do (same client, same parent), without making it active.
    @_spi(Macros)
    public static func startDetachedSpan(
        _ name: String, attributes: [String: any AttributeValueConvertible]
    ) -> NoveumSpan {
        let origin = SpanOrigin.current
        return origin.client.open(SpanTemplate(name: name), extra: attributes, from: origin)
    }
}

extension NoveumSpan {
    /// Records a thrown error exactly as the inline closures do (cancellation as status `cancelled`).
    @_spi(Macros)
    public func recordThrownError(_ error: any Error) {
        recordFailure(error)
    }

    /// Ends the span as the inline closures do when their body returns: status `ok` unless one was set.
    @_spi(Macros)
    public func endSucceeded() {
        finishSucceeded()
    }
}
