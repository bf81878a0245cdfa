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
            do {
                while true {
                    guard let chunk = try await base.next() else {
                        if let rest = call.endOfBody() { return ByteBuffer(bytes: rest) }
                        call.finish()
                        return nil
                    }
                    guard let replaced = call.forward(chunk.readableBytesView) else { return chunk }
                    // A chunk that completes no event yet is held back until its event ends.
                    if !replaced.isEmpty { return ByteBuffer(bytes: replaced) }
                }
            } catch {
                call.fail(error)
                throw error
            }
        }
    }
}
