import Foundation
import NoveumTrace
import NoveumTraceTestSupport
import NoveumTraceTesting
import Testing

/// The Noveum exporter over HTTP: the request and its payload (the Noveum JSON field by field, method, path,
/// headers, compression) and the transport's view of a request and its response.
extension NoveumExporterHTTPTests {
    // MARK: Payloads

    @Test("manual batch span with two children, one failed: the payload field by field")
    func manualBatchExample() async throws {
        try await withCaptureServer { server in
            let memory = InMemoryExporter()
            let client = try makeClient(
                endpoint: server.endpoint, exporters: [NoveumExporter(retryPolicy: fastRetries), memory])
            // The product document's "Batch Span Creation for Multiple Operations".
            recordBatchExample(on: client, queries: ["q", "q"])
            #expect(await client.flush() == 0)

            let requests = server.requests
            try #require(requests.count == 1)
            let json = try requests[0].json()
            #expect(json.sortedKeys == ["timestamp", "traces"])
            let timestamp = try #require(json["timestamp"] as? Double)
            #expect(abs(timestamp - Date().timeIntervalSince1970) < 60)
            let traces = try #require(json.array("traces"))
            try #require(traces.count == 1)
            let trace = traces[0]
            let recorded = memory.spans
            let root = try #require(recorded.first { $0.name == "batch_query_processing" })
            let q0 = try #require(recorded.first { $0.name == "query_processing_0" })
            let q1 = try #require(recorded.first { $0.name == "query_processing_1" })

            expectTraceEnvelope(trace, traceID: root.traceID)
            #expect(trace.string("name") == "batch_query_processing")
            #expect(trace.string("start_time") == iso(root.startTimeNanos))
            #expect(trace.string("end_time") == iso(root.endTimeNanos))
            #expect(trace["duration_ms"] as? Double == Double(root.endTimeNanos - root.startTimeNanos) / 1_000_000)
            #expect(trace.string("status") == "error")
            #expect(trace.string("status_message") == "boom")
            #expect(trace["span_count"] as? Int == 3)
            #expect(trace["error_count"] as? Int == 1)

            let spans = try #require(trace.array("spans"))
            #expect(spans.compactMap { $0.string("name") } == ["batch_query_processing", "query_processing_0", "query_processing_1"])
            expectSpan(spans[0], matches: root, otelStatus: ["code": "OK"])
            expectSpan(spans[1], matches: q0, otelStatus: ["code": "OK"])
            expectSpan(spans[2], matches: q1, otelStatus: ["code": "ERROR", "message": "boom"])
            #expect(q1.exception?.type == "NoveumTraceTestSupport.ValueError")  // module-qualified: where ValueError is declared
            #expect(spans[2].object("attributes")?.string("exception.message") == "boom")
            #expect(spans[2].array("events")?.first?.string("name") == "exception")

            // Native JSON types on the wire: numbers and Booleans unquoted.
            let body = String(decoding: try #require(requests[0].body), as: UTF8.self)
            #expect(body.contains(#""attributes":{"batch.operation":"llm_processing","batch.size":2}"#))
            #expect(body.contains(#""query.index":0,"query.text":"q","query.success":true"#))
            #expect(!body.contains("\n"))

            let stats = client.stats
            #expect(stats.exporters[0].exported == 3)
            #expect(stats.exporters[0].retries == 0)
            await client.shutdown()
        }
    }

    @Test("traceLLM and traceOperation used outside a trace: one trace each")
    func closuresOutsideTrace() async throws {
        try await withCaptureServer { server in
            let memory = InMemoryExporter()
            let client = try makeClient(
                endpoint: server.endpoint, exporters: [NoveumExporter(retryPolicy: fastRetries), memory])
            let answer = await NoveumTrace.withClient(client) {
                let text = await NoveumTrace.traceLLM(model: "gpt-4", provider: "openai") { span in
                    let reply = await remoteCall("hello")
                    span.setAttributes([
                        "llm.input_tokens": 12, "llm.output_tokens": 34, "llm.total_tokens": 46, "llm.response": reply,
                    ])
                    return reply
                }
                await NoveumTrace.traceOperation("vector_search") { span in
                    let hits = await remoteCall([0.9, 0.5, 0.1])
                    span.setAttributes([
                        "search.query": "hello world", "search.results_count": hits.count, "search.top_score": hits.first,
                    ])
                }
                return text
            }
            #expect(answer == "hello")
            #expect(await client.flush() == 0)

            let requests = server.requests
            try #require(requests.count == 1)
            let traces = try #require(try requests[0].json().array("traces"))
            try #require(traces.count == 2)
            let llm = try #require(memory.spans.first { $0.kind == .client })
            let search = try #require(memory.spans.first { $0.name == "vector_search" })
            #expect(llm.traceID != search.traceID)

            expectTraceEnvelope(traces[0], traceID: llm.traceID)
            #expect(traces[0].string("name") == "chat gpt-4")
            #expect(traces[0]["span_count"] as? Int == 1)
            #expect(traces[0].string("status") == "ok")
            let llmSpan = try #require(traces[0].array("spans")?.first)
            expectSpan(llmSpan, matches: llm, kind: "CLIENT", otelStatus: ["code": "OK"])
            let attributes = try #require(llmSpan.object("attributes"))
            #expect(attributes.string("llm.model") == "gpt-4")
            #expect(attributes.string("llm.provider") == "openai")
            #expect(attributes.string("gen_ai.request.model") == "gpt-4")
            #expect(attributes.string("gen_ai.provider.name") == "openai")
            #expect((attributes["llm.input_tokens"] as? NSNumber)?.intValue == 12)

            expectTraceEnvelope(traces[1], traceID: search.traceID)
            #expect(traces[1].string("name") == "vector_search")
            let searchSpan = try #require(traces[1].array("spans")?.first)
            expectSpan(searchSpan, matches: search, otelStatus: ["code": "OK"])
            let body = String(decoding: try #require(requests[0].body), as: UTF8.self)
            #expect(body.contains(#""search.results_count":3"#))
            #expect(body.contains(#""search.top_score":0.9"#))
            await client.shutdown()
        }
    }

    @Test("method, path and headers")
    func headersAndPath() async throws {
        try await withCaptureServer { server in
            let client = try makeClient(endpoint: server.endpoint, exporters: [NoveumExporter(retryPolicy: fastRetries)])
            client.traceOperation("work") { _ in }
            #expect(await client.flush() == 0)
            let request = try #require(server.requests.first)
            #expect(request.method == "POST")
            #expect(request.path == "/api/v1/traces")
            #expect(request.headers["authorization"] == "Bearer test-key")
            #expect(request.headers["content-type"] == "application/json")
            #expect(request.headers["content-encoding"] == "gzip")
            #expect(request.headers["user-agent"] == "noveum-trace-swift/\(NoveumTrace.version)")
            #expect(request.rawBody.prefix(2) == [0x1F, 0x8B])
            #expect(try spanNames([request]) == ["work"])
            await client.shutdown()
        }
    }

    @Test("compression off: plain JSON and no Content-Encoding")
    func uncompressed() async throws {
        try await withCaptureServer { server in
            let client = try makeClient(
                endpoint: server.endpoint, exporters: [NoveumExporter(compression: false, retryPolicy: fastRetries)])
            client.traceOperation("plain") { _ in }
            #expect(await client.flush() == 0)
            let request = try #require(server.requests.first)
            #expect(request.headers["content-encoding"] == nil)
            #expect(request.rawBody.first == UInt8(ascii: "{"))
            #expect(try spanNames([request]) == ["plain"])
            await client.shutdown()
        }
    }

    // MARK: Transport

    @Test("URLSessionTransport: status, headers and body of a response; refused connections throw")
    func transportResponses() async throws {
        try await withCaptureServer(script: { _, _ in .status(429, headers: ["Retry-After": "7"]) }) { server in
            let transport = URLSessionTransport()
            let response = try await transport.send(
                HTTPTransport.Request(url: server.endpoint + "/v1/traces", headers: [("X-Test", "1")], body: [1, 2, 3]),
                timeout: .seconds(10))
            #expect(response.status == 429)
            #expect(response.header("retry-after") == "7")
            let received = try #require(server.requests.first)
            #expect(received.headers["x-test"] == "1")
            #expect(received.rawBody == [1, 2, 3])
        }
        let refused = try RefusedPort()
        let transport = URLSessionTransport()
        await #expect(throws: (any Error).self) {
            _ = try await transport.send(
                HTTPTransport.Request(url: "http://127.0.0.1:\(refused.port)/v1/traces"), timeout: .seconds(10))
        }
    }
}
