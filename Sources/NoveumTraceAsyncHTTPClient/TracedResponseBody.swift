import AsyncHTTPClient
import NIOCore
import NoveumTrace

/// A response body that hands every chunk to its caller as it arrives and shows it to an ``LLMHTTPCall`` on the
/// way.
struct TracedResponseBody: AsyncSequence, Sendable {
    typealias Element = ByteBuffer

    let base: HTTPClientResponse.Body
    let call: LLMHTTPCall

    func makeAsyncIterator() -> Iterator {
        Iterator(base: base.makeAsyncIterator(), call: call)
    }

    struct Iterator: AsyncIteratorProtocol {
        var base: HTTPClientResponse.Body.AsyncIterator
        let call: LLMHTTPCall

        mutating func next() async throws -> ByteBuffer? {
            try await call.relay(from: &base, bytes: { $0.readableBytesView }, make: { ByteBuffer(bytes: $0) })
        }
    }
}
