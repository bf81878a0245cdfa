extension LLMHTTPCall {
    /// Takes the next chunk of a response body from `iterator`, shows its bytes to the call and returns the chunk to
    /// hand to the consumer: the one step of every traced response body.
    ///
    /// The chunk is returned as it came, except in a stream whose usage the capture asked for (``bodyToSend``):
    /// then events are handed on whole, as `make` builds them from ``forward(_:)``'s bytes, without what asking
    /// for usage added. At the end of the body the call finishes, and an error from `iterator` fails it before it
    /// is rethrown; a body that is dropped before its end leaves the call to end as abandoned when it is released.
    ///
    /// ```swift
    /// mutating func next() async throws -> ByteBuffer? {
    ///     try await call.relay(from: &base, bytes: { $0.readableBytesView }, make: { ByteBuffer(bytes: $0) })
    /// }
    /// ```
    ///
    /// - Parameters:
    ///   - iterator: The iterator of the body as the HTTP client delivers it.
    ///   - bytes: The bytes of one chunk.
    ///   - make: A chunk made of the given bytes.
    /// - Returns: The chunk, or nil at the end of the body.
    public func relay<Iterator: AsyncIteratorProtocol, Bytes: Collection<UInt8>>(
        from iterator: inout Iterator, bytes: (Iterator.Element) -> Bytes, make: ([UInt8]) -> Iterator.Element
    ) async throws -> Iterator.Element? {
        do {
            while true {
                guard let chunk = try await iterator.next() else {
                    if let rest = endOfBody() { return make(rest) }
                    finish()
                    return nil
                }
                guard let replaced = forward(bytes(chunk)) else { return chunk }
                // A chunk that completes no event yet is held back until its event ends.
                if !replaced.isEmpty { return make(replaced) }
            }
        } catch {
            fail(error)
            throw error
        }
    }

    /// Takes the next chunk of a response body whose chunks are bytes, like ``relay(from:bytes:make:)``.
    ///
    /// - Parameter iterator: The iterator of the body as the HTTP client delivers it.
    /// - Returns: The chunk, or nil at the end of the body.
    public func relay<Iterator: AsyncIteratorProtocol>(from iterator: inout Iterator) async throws -> Iterator.Element?
    where Iterator.Element: RangeReplaceableCollection<UInt8> {
        try await relay(from: &iterator, bytes: { $0 }, make: { Iterator.Element($0) })
    }
}

/// A response body whose chunks reach the consumer as they arrive, shown to an ``LLMHTTPCall`` on the way (and
/// rewritten only as ``LLMHTTPCall/relay(from:bytes:make:)`` says): iterate it once. The call finishes at the end
/// of the body, fails with its error, and ends as abandoned when the body is dropped before its end.
///
/// HTTP client integrations wrap the body they return in it; `NoveumTraceOpenAPI` does so for
/// swift-openapi-runtime's `HTTPBody`.
public struct LLMTracedChunks<Base: AsyncSequence & Sendable>: AsyncSequence, Sendable
where Base.Element: RangeReplaceableCollection<UInt8> {
    public typealias Element = Base.Element

    private let base: Base
    private let call: LLMHTTPCall

    /// The chunks of `base`, shown to `call` as they pass.
    public init(_ base: Base, call: LLMHTTPCall) {
        self.base = base
        self.call = call
    }

    /// An iterator over the chunks.
    public func makeAsyncIterator() -> Iterator {
        Iterator(base: base.makeAsyncIterator(), call: call)
    }

    /// Hands each chunk over as it arrives.
    public struct Iterator: AsyncIteratorProtocol {
        var base: Base.AsyncIterator
        let call: LLMHTTPCall

        /// The next chunk, or nil at the end of the body.
        public mutating func next() async throws -> Element? {
            try await call.relay(from: &base)
        }
    }
}
