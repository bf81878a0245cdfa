import Foundation
import GRDB
import NoveumTrace
@testable import NoveumTraceStore
import Testing

/// The receiver's answers and bounds, driven in process: every refusal is counted, nothing refused is stored, and the
/// counts add up to the store's contents.
@Suite("OTLP receiver")
struct OTLPReceiverTests {
    let resource = Resource(attributes: ["service.name": "sender", "telemetry.sdk.language": "python"])

    /// `count` spans of one new trace, numbered from `first`.
    func spans(trace: UInt64, count: Int, attributes: AttributeList = ["k": "v"]) -> [SpanData] {
        (0..<count).map { index in
            span(trace: trace, id: UInt64(index + 1), parent: index == 0 ? nil : 1, name: "span \(index)",
                start: 1_000 + UInt64(index), duration: 10, attributes: attributes)
        }
    }

    func protobuf(_ spans: [SpanData]) -> [UInt8] { OTLPProtobufEncoder().encode(spans, resource: resource) }

    func send(
        _ receiver: OTLPReceiver, _ body: [UInt8], type: String? = "application/x-protobuf", encoding: String? = nil
    ) async -> OTLPReceiver.Response {
        await receiver.receive(contentType: type, contentEncoding: encoding) { limit in
            guard body.count <= limit else { throw OTLPReceiver.BodyTooLarge() }
            return body
        }
    }

    func header(_ response: OTLPReceiver.Response, _ name: String) -> String? {
        response.headers.first { $0.name == name }?.value
    }

    @Test("protobuf and JSON, gzip or not: 200 with the request's content type, spans stored once")
    func accepts() async throws {
        let store = try TraceStore(directory: try temporaryDirectory())
        let receiver = OTLPReceiver(store: store)
        let first = protobuf(spans(trace: 1, count: 3))
        var response = await send(receiver, first)
        #expect(response.status == 200 && response.body.isEmpty)
        #expect(header(response, "Content-Type") == "application/x-protobuf")
        response = await send(receiver, try #require(Gzip.compress(first)), encoding: "gzip")  // a retry: replaced
        #expect(response.status == 200)
        let json = OTLPJSONEncoder().encode(spans(trace: 2, count: 2), resource: resource)
        response = await send(receiver, json, type: "application/json; charset=utf-8")
        #expect(response.status == 200 && String(decoding: response.body, as: UTF8.self) == "{}")
        #expect(header(response, "Content-Type") == "application/json")
        #expect(try store.counts() == (traces: 2, spans: 5))
        #expect(receiver.counts.acceptedRequests == 3 && receiver.counts.acceptedSpans == 8)
        #expect(try store.trace(traceHex(2))
            .spans.allSatisfy { $0.service == "sender" && $0.sdk == "python" })
    }

    @Test("invalid ids are partial success; malformed bodies, wrong types, bombs and oversize bodies store nothing")
    func refusals() async throws {
        let store = try TraceStore(directory: try temporaryDirectory())
        let receiver = OTLPReceiver(
            store: store, limits: .init(maxBodyBytes: 1 << 20, maxDecodedBytes: 4 << 20))
        // One valid span and one with an all-zero trace id (hand-built JSON: the encoders cannot write it).
        let partial = """
            {"resourceSpans":[{"scopeSpans":[{"spans":[
              {"traceId":"0af7651916cd43dd8448eb211c80319c","spanId":"b7ad6b7169203331","name":"ok"},
              {"traceId":"00000000000000000000000000000000","spanId":"b7ad6b7169203332","name":"bad"}]}]}]}
            """
        var response = await send(receiver, Array(partial.utf8), type: "application/json")
        #expect(response.status == 200)
        #expect(String(decoding: response.body, as: UTF8.self)
            == "{\"partialSuccess\":{\"rejectedSpans\":\"1\",\"errorMessage\":\"invalid trace id\"}}")

        let valid = protobuf(spans(trace: 3, count: 4))
        response = await send(receiver, Array(valid.dropLast(5)))  // truncated protobuf
        #expect(response.status == 400 && header(response, "Content-Type") == "application/x-protobuf")
        response = await send(receiver, Array("{\"resourceSpans\":[".utf8), type: "application/json")
        #expect(response.status == 400 && String(decoding: response.body, as: UTF8.self).contains("\"code\":3"))
        response = await send(receiver, valid, type: "text/plain")
        #expect(response.status == 415)
        response = await send(receiver, valid, type: nil)
        #expect(response.status == 415)
        response = await send(receiver, valid, encoding: "br")
        #expect(response.status == 415)
        response = await send(receiver, Array("not gzip".utf8), encoding: "gzip")
        #expect(response.status == 400)
        // A gzip bomb: 40 KB that inflates to 40 MB, ten times the decoded limit.
        let bomb = try #require(Gzip.compress([UInt8](repeating: 0, count: 40 << 20), level: 9))
        #expect(bomb.count < 1 << 20)
        response = await send(receiver, bomb, encoding: "gzip")
        #expect(response.status == 413)
        response = await send(receiver, [UInt8](repeating: 0x0A, count: (1 << 20) + 1))
        #expect(response.status == 413)

        #expect(try store.counts() == (traces: 1, spans: 1))
        let counts = receiver.counts
        #expect(counts.acceptedRequests == 1 && counts.acceptedSpans == 1 && counts.rejectedSpans == 1)
        #expect(counts.malformedRequests == 3 && counts.unsupportedRequests == 3 && counts.oversizedRequests == 2)
    }

    @Test("a huge attribute value is stored whole")
    func hugeValue() async throws {
        let store = try TraceStore(directory: try temporaryDirectory())
        let receiver = OTLPReceiver(store: store)
        let big = String(repeating: "prompt ", count: 300_000)  // 2.1 MB
        let response = await send(
            receiver, try #require(Gzip.compress(protobuf(spans(trace: 4, count: 1, attributes: ["input.value": .string(big)])))),
            encoding: "gzip")
        #expect(response.status == 200)
        let stored = try store.trace(traceHex(4))
        #expect(stored.spans.first?.attributes.first { $0.key == "input.value" }?.value == big)
    }

    @Test("too many requests at once get 429 before their body is read; a full queue gets 503; both with Retry-After")
    func bounds() async throws {
        let directory = try temporaryDirectory()
        let store = try TraceStore(directory: directory)
        let receiver = OTLPReceiver(
            store: store, limits: .init(maxConcurrentRequests: 2, maxQueuedSpans: 10, retryAfterSeconds: 3))
        // Hold the store's write lock from another connection, on a thread of its own: queued spans wait for it.
        let lock = WriteLockHolder(path: store.path)
        try lock.acquire()
        let first = protobuf(spans(trace: 5, count: 8))
        async let firstResponse = send(receiver, first)  // queued: 8 spans wait for the lock
        while receiver.queuedSpans == 0 { await Task.yield() }
        let overflow = await send(receiver, protobuf(spans(trace: 6, count: 5)))  // 8 + 5 > 10
        #expect(overflow.status == 503 && header(overflow, "Retry-After") == "3")
        // A second request parks in its body reader; a third finds both slots taken.
        let parked = AsyncStream<Void>.makeStream()
        let resume = AsyncStream<Void>.makeStream()
        async let parkedResponse = receiver.receive(contentType: "application/x-protobuf", contentEncoding: nil) { _ in
            parked.continuation.yield()
            for await _ in resume.stream { break }
            return self.protobuf(self.spans(trace: 7, count: 1))
        }
        for await _ in parked.stream { break }
        let refused = await send(receiver, protobuf(spans(trace: 8, count: 1)))
        #expect(refused.status == 429 && header(refused, "Retry-After") == "3")
        resume.continuation.yield()
        lock.release()
        #expect(await firstResponse.status == 200)
        #expect(await parkedResponse.status == 200)
        #expect(try store.counts() == (traces: 2, spans: 9))
        let counts = receiver.counts
        #expect(counts.acceptedSpans == 9 && counts.refusedRequests == 2 && counts.acceptedRequests == 2)
    }


    @Test("a flood from several senders at once: every answer is 200, 429 or 503, and the counts match the store")
    func flood() async throws {
        let store = try TraceStore(directory: try temporaryDirectory())
        let receiver = OTLPReceiver(store: store, limits: .init(maxConcurrentRequests: 3, maxQueuedSpans: 600))
        let bodies = (0..<40).map { protobuf(spans(trace: 100 + UInt64($0), count: 64)) }
        let statuses = await withTaskGroup(of: Int.self) { group in
            for body in bodies { group.addTask { await send(receiver, body).status } }
            return await group.reduce(into: [Int]()) { $0.append($1) }
        }
        #expect(statuses.allSatisfy { [200, 429, 503].contains($0) })
        let accepted = statuses.filter { $0 == 200 }.count
        #expect(accepted > 0)
        #expect(try store.counts() == (traces: accepted, spans: accepted * 64))
        #expect(receiver.counts.acceptedRequests == accepted && receiver.counts.refusedRequests == 40 - accepted)
        #expect(receiver.queuedSpans == 0)
    }
}

/// Holds a store's write lock (`BEGIN IMMEDIATE`) on a thread of its own until released.
final class WriteLockHolder: @unchecked Sendable {
    let path: String
    private let locked = DispatchSemaphore(value: 0)
    private let released = DispatchSemaphore(value: 0)
    private var failure: (any Error)?

    init(path: String) { self.path = path }

    func acquire() throws {
        let thread = Thread { [self] in
            do {
                let queue = try DatabaseQueue(path: path)
                try queue.writeWithoutTransaction { db in
                    try db.execute(sql: "BEGIN IMMEDIATE")
                    locked.signal()
                    released.wait()
                    try db.execute(sql: "COMMIT")
                }
            } catch {
                failure = error
                locked.signal()
            }
        }
        thread.start()
        locked.wait()
        if let failure { throw failure }
    }

    func release() { released.signal() }
}
