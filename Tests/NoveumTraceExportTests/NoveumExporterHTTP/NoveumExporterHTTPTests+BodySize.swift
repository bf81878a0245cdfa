import Foundation
import NoveumTrace
import NoveumTraceTestSupport
import NoveumTraceTesting
import Testing

/// The Noveum exporter over HTTP: 413 splitting and body limits (batches halved until they fit, a span too large
/// dropped, large values intact).
extension NoveumExporterHTTPTests {
    // MARK: Sizes

    @Test("413 splits the batch into halves until it fits; a single span still too large is dropped")
    func payloadTooLargeSplits() async throws {
        let limit = 12_000
        let script: CaptureServer.Script = { _, request in
            (request.body?.count ?? .max) > limit ? .status(413) : .status(200)
        }
        try await withCaptureServer(script: script) { server in
            let client = try makeClient(endpoint: server.endpoint, exporters: [NoveumExporter(retryPolicy: fastRetries)])
            // Eight spans of about 3.7 kB: two fit in 12 kB, four do not.
            for i in 0..<8 {
                client.traceOperation("span\(i)") { $0.setAttribute("payload", letters(3_000, seed: UInt64(i))) }
            }
            #expect(await client.flush() == 0)
            let sizes = try server.requests.map { try spanNames([$0]).count }
            #expect(sizes == [8, 4, 2, 2, 4, 2, 2])
            let accepted = server.requests.filter { ($0.body?.count ?? .max) <= limit }
            #expect(try spanNames(accepted) == (0..<8).map { "span\($0)" })

            // One span larger than the server accepts, alone.
            client.traceOperation("huge") { $0.setAttribute("payload", letters(20_000, seed: 99)) }
            #expect(await client.flush() == 1)
            let stats = client.stats
            #expect(stats.exporters[0].exported == 8)
            #expect(stats.exporters[0].dropped == [.payloadTooLarge: 1])
            #expect(stats.exporters[0].retries == 0)
            #expect(stats.countsAddUp())
            await client.shutdown()
        }
    }

    @Test("the maximum body size splits batches before sending and drops a span that cannot fit")
    func maxBodySizeLocally() async throws {
        try await withCaptureServer { server in
            let client = try makeClient(
                endpoint: server.endpoint,
                exporters: [NoveumExporter(retryPolicy: fastRetries, maxBodySize: 12_000)])
            for i in 0..<4 {
                client.traceOperation("span\(i)") { $0.setAttribute("payload", letters(3_000, seed: UInt64(i))) }
            }
            client.traceOperation("huge") { $0.setAttribute("payload", letters(20_000, seed: 5)) }
            #expect(await client.flush() == 1)
            // Five spans do not fit: halves of 2 and 3, the 3 again as 1 and 2 (with the huge one dropped).
            #expect(server.requests.allSatisfy { ($0.body?.count ?? .max) <= 12_000 })
            #expect(try spanNames(server.requests).sorted() == ["span0", "span1", "span2", "span3"])
            let stats = client.stats
            #expect(stats.exporters[0].exported == 4)
            #expect(stats.exporters[0].dropped == [.payloadTooLarge: 1])
            #expect(stats.countsAddUp())
            await client.shutdown()
        }
    }

    @Test("1 MB attribute values arrive intact when no size limit applies")
    func megabyteAttributes() async throws {
        try await withCaptureServer { server in
            let memory = InMemoryExporter()
            let client = try makeClient(
                endpoint: server.endpoint, exporters: [NoveumExporter(retryPolicy: fastRetries), memory],
                redaction: .disabled)
            let prompt = letters(1_000_000, seed: 1)
            let response = letters(1_000_000, seed: 2)
            await NoveumTrace.withClient(client) {
                await NoveumTrace.traceLLM(model: "gpt-4", provider: "openai") { span in
                    let reply = await remoteCall(response)
                    span.setAttributes(["llm.input.messages": prompt, "llm.output.response": reply])
                }
            }
            #expect(await client.flush() == 0)
            let request = try #require(server.requests.first)
            #expect(request.rawBody.count < 2_000_000)  // compressed
            let span = try #require(try request.json().array("traces")?.first?.array("spans")?.first)
            #expect(span.object("attributes")?.string("llm.input.messages") == prompt)
            #expect(span.object("attributes")?.string("llm.output.response") == response)
            await client.shutdown()
        }
    }
}
