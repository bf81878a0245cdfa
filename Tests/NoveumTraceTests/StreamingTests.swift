import Testing
@testable import NoveumTrace
import NoveumTraceTesting

struct Chunk: Sendable {
    var delta: String?
    var usage: LLMUsage?
}

func chunks(_ parts: [String], usage: LLMUsage? = nil, failAfter: Int? = nil) -> AsyncThrowingStream<Chunk, any Error> {
    AsyncThrowingStream { continuation in
        for (index, part) in parts.enumerated() {
            if let failAfter, index == failAfter {
                continuation.finish(throwing: TestError(message: "connection reset"))
                return
            }
            continuation.yield(Chunk(delta: part))
        }
        if let usage { continuation.yield(Chunk(delta: nil, usage: usage)) }
        continuation.finish()
    }
}

@Suite("Streaming")
struct StreamingTests {
    func stream(
        _ client: NoveumClient, _ parts: [String], usage: LLMUsage? = nil, failAfter: Int? = nil
    ) async throws -> TracedStream<AsyncThrowingStream<Chunk, any Error>> {
        try await NoveumTrace.withClient(client) {
            try await NoveumTrace.traceLLMStream(
                model: "gpt-4o", provider: "openai", text: { $0.delta }, usage: { $0.usage }
            ) { _ in
                try await Task.sleep(for: .milliseconds(2))
                return chunks(parts, usage: usage, failAfter: failAfter)
            }
        }
    }

    @Test("a finished stream records output, chunks, time to first chunk and the final usage")
    func finished() async throws {
        let (client, exporter) = try makeClient()
        var received = ""
        for try await chunk in try await stream(client, ["Hel", "lo", "!"], usage: LLMUsage(inputTokens: 9, outputTokens: 3)) {
            received += chunk.delta ?? ""
        }
        #expect(received == "Hello!")
        await client.flush()
        let span = try #require(exporter.spans.first)
        #expect(span.status == .ok)
        #expect(span.attributes["llm.output.response"] == "Hello!")
        #expect(span.attributes["llm.stream.chunks"] == .int(4))
        #expect(span.attributes["llm.input_tokens"] == .int(9))
        #expect(span.attributes["llm.output_tokens"] == .int(3))
        let ttft = try #require(span.attributes["llm.time_to_first_token_ms"]?.doubleValue)
        #expect(ttft >= 2 && Double(span.durationNanos) / 1e6 >= ttft)
    }

    @Test("a stream that throws records the error")
    func throwing() async throws {
        let (client, exporter) = try makeClient()
        await #expect(throws: TestError.self) {
            for try await _ in try await stream(client, ["a", "b", "c"], failAfter: 2) {}
        }
        await client.flush()
        let span = try #require(exporter.spans.first)
        #expect(span.status == .error && span.statusMessage == "connection reset")
        #expect(span.attributes["llm.output.response"] == "ab")
    }

    @Test("a consumer that stops early ends the span as abandoned")
    func abandoned() async throws {
        let (client, exporter) = try makeClient()
        do {
            for try await _ in try await stream(client, ["a", "b", "c", "d"]) { break }
        }
        await client.flush()
        let span = try #require(exporter.spans.first)
        #expect(span.status == .cancelled)
        #expect(span.attributes["llm.stream.abandoned"] == .bool(true))
        #expect(span.attributes["llm.stream.chunks"] == .int(1))
    }

    @Test("a failure while opening the stream ends the span at once")
    func openFailure() async throws {
        let (client, exporter) = try makeClient()
        await #expect(throws: TestError.self) {
            _ = try await NoveumTrace.withClient(client) {
                try await NoveumTrace.traceLLMStream(model: "gpt-4o") { _ -> AsyncThrowingStream<Chunk, any Error> in
                    throw TestError(message: "401")
                }
            }
        }
        await client.flush()
        #expect(exporter.spans.first?.status == .error)
    }

    @Test("a cancelled consumer ends the span as cancelled")
    func cancelled() async throws {
        let (client, exporter) = try makeClient()
        let never = AsyncThrowingStream<Chunk, any Error> { continuation in
            continuation.yield(Chunk(delta: "x"))
        }
        let task = Task {
            let traced = try await NoveumTrace.withClient(client) {
                try await NoveumTrace.traceLLMStream(model: "gpt-4o", text: { $0.delta }) { _ in never }
            }
            for try await _ in traced { try await Task.sleep(for: .seconds(60)) }
        }
        task.cancel()
        _ = await task.result
        await client.flush()
        let span = try #require(exporter.spans.first)
        #expect(span.status == .cancelled)
    }
}
