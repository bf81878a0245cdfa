import Foundation
import Logging
import NoveumTraceTesting
import Synchronization
import Testing

@testable import NoveumTrace

/// A client that sends to `endpoint` through `exporters`, reading no environment variables, with a schedule delay
/// long enough that only full batches, `flush` and `shutdown` trigger exports.
private func makeClient(
    endpoint: String, exporters: [any SpanExporter], apiKey: String? = "test-key", batchSize: Int = 100,
    maxQueueSize: Int = 2_048, asyncExport: Bool = true, exportTimeout: Duration = .seconds(30), logger: Logger? = nil,
    redaction: RedactionPolicy = .standard, maxConcurrentExports: Int = 2
) throws -> NoveumClient {
    var config = Configuration(
        batchSize: batchSize, asyncExport: asyncExport, maxQueueSize: maxQueueSize, scheduleDelay: .seconds(600),
        exportTimeout: exportTimeout, maxConcurrentExports: maxConcurrentExports, exporters: exporters)
    config.redaction = redaction
    if let logger {
        config.logger = logger
    } else {
        // Expected failures would log warnings; keep the test output for real problems.
        config.logger.logLevel = .error
    }
    return try NoveumClient(
        apiKey: apiKey, project: "production-app", environment: "development", endpoint: endpoint,
        serviceVersion: nil, config: config, processEnvironment: [:])
}

/// ISO 8601 as the Noveum payload writes it, computed here independently of the encoder.
private func iso(_ nanos: UInt64) -> String {
    let formatter = DateFormatter()
    formatter.locale = Locale(identifier: "en_US_POSIX")
    formatter.timeZone = TimeZone(identifier: "UTC")
    formatter.dateFormat = "yyyy-MM-dd'T'HH:mm:ss"
    let seconds = formatter.string(from: Date(timeIntervalSince1970: TimeInterval(nanos / 1_000_000_000)))
    let micros = Int(nanos % 1_000_000_000 / 1_000)
    return seconds + "." + String(repeating: "0", count: 6 - String(micros).count) + String(micros) + "+00:00"
}

/// Checks one span object of a payload against the span the client recorded, field by field.
private func expectSpan(_ json: [String: Any], matches span: SpanData, kind: String = "INTERNAL", otelStatus: [String: String]) {
    #expect(json.string("span_id") == span.spanID.description)
    #expect(json.string("span_id")?.count == 16)
    #expect(json.string("trace_id") == span.traceID.description)
    #expect(json.string("trace_id")?.count == 32)
    if let parent = span.parentSpanID {
        #expect(json.string("parent_span_id") == parent.description)
    } else {
        #expect(json.isNull("parent_span_id"))
    }
    #expect(json.string("name") == span.name)
    #expect(json.string("start_time") == iso(span.startTimeNanos))
    #expect(json.string("end_time") == iso(span.endTimeNanos))
    #expect(json["duration_ms"] as? Double == Double(span.endTimeNanos - span.startTimeNanos) / 1_000_000)
    #expect(json.string("status") == span.status.rawValue)
    if let message = span.statusMessage {
        #expect(json.string("status_message") == message)
    } else {
        #expect(json.isNull("status_message"))
    }
    let attributes = json.object("attributes") ?? [:]
    #expect(attributes.sortedKeys == span.attributes.map(\.key).sorted())
    for element in span.attributes {
        switch element.value {
        case .string(let value): #expect(attributes.string(element.key) == value, "\(element.key)")
        case .int(let value): #expect((attributes[element.key] as? NSNumber)?.int64Value == value, "\(element.key)")
        case .double(let value): #expect(attributes[element.key] as? Double == value, "\(element.key)")
        case .bool(let value): #expect(attributes[element.key] as? Bool == value, "\(element.key)")
        default: Issue.record("unexpected array attribute \(element.key)")
        }
    }
    let events = json.array("events") ?? []
    #expect(events.count == span.events.count)
    for (event, recorded) in zip(events, span.events) {
        #expect(event.string("name") == recorded.name)
        #expect(event.string("timestamp") == iso(recorded.timeNanos))
        #expect(event.object("attributes")?.sortedKeys == recorded.attributes.map(\.key).sorted())
    }
    #expect(json.array("links")?.isEmpty == true)
    if let exception = span.exception {
        #expect(json.object("exception")?.string("type") == exception.type)
        #expect(json.object("exception")?.string("message") == exception.message)
        #expect(json.object("exception")?.sortedKeys == ["message", "type"])
    } else {
        #expect(json["exception"] == nil)
    }
    let otel = json.object("otel") ?? [:]
    #expect(otel.string("trace_id") == span.traceID.description)
    #expect(otel.string("span_id") == span.spanID.description)
    if let parent = span.parentSpanID {
        #expect(otel.string("parent_span_id") == parent.description)
    } else {
        #expect(otel.isNull("parent_span_id"))
    }
    #expect(otel.string("kind") == kind)
    #expect((otel["status"] as? [String: String]) == otelStatus)
    #expect(otel.string("name") == span.name)
    #expect((otel["scope"] as? [String: String]) == ["name": "noveum-trace-swift", "version": NoveumTrace.version])
}

/// Checks the trace-level fields that are the same for every trace of these tests.
private func expectTraceEnvelope(_ trace: [String: Any], traceID: TraceID) {
    #expect(trace.string("trace_id") == traceID.description)
    #expect(
        (trace["attributes"] as? [String: String])
            == [
                "noveum.project": "production-app", "noveum.environment": "development",
                "noveum.sdk.version": NoveumTrace.version, "noveum.sampling.decision": "record",
            ])
    let metadata = trace.object("metadata") ?? [:]
    #expect(metadata.isNull("user_id") && metadata.isNull("session_id") && metadata.isNull("request_id"))
    #expect((metadata["tags"] as? [String: Any])?.isEmpty == true)
    #expect((metadata["custom_attributes"] as? [String: Any])?.isEmpty == true)
    #expect(trace.array("events")?.isEmpty == true)
    #expect((trace["sdk"] as? [String: String]) == ["name": "noveum-trace-swift", "version": NoveumTrace.version])
    #expect(trace.string("project") == "production-app")
    #expect(trace.string("environment") == "development")
    #expect(trace.string("schema_version") == "2.0")
    let otel = trace.object("otel") ?? [:]
    #expect(otel.string("trace_id") == traceID.description)
    let resource = otel["resource"] as? [String: String] ?? [:]
    #expect(resource["service.name"] == "production-app")
    #expect(resource["deployment.environment"] == "development")
    #expect(resource["telemetry.sdk.name"] == "noveum-trace-swift")
    #expect(resource["telemetry.sdk.version"] == NoveumTrace.version)
    #expect(resource["telemetry.sdk.language"] == "swift")
}

/// A string of `count` pseudo-random letters: compresses poorly, like real prompts and responses.
private func letters(_ count: Int, seed: UInt64) -> String {
    var generator = SplitMix(seed: seed)
    let alphabet = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 ".utf8)
    return String(decoding: (0..<count).map { _ in alphabet[Int(generator.next() % UInt64(alphabet.count))] }, as: UTF8.self)
}

/// Stands in for a call to an LLM or a vector database.
private func remoteCall<T: Sendable>(_ value: T) async -> T {
    await Task.yield()
    return value
}

/// The names of all spans in the captured requests' bodies, in arrival order.
private func spanNames(_ requests: [CapturedRequest]) throws -> [String] {
    try requests.flatMap { request in
        try (request.json().array("traces") ?? []).flatMap { ($0.array("spans") ?? []).compactMap { $0.string("name") } }
    }
}

@Suite("Noveum exporter over HTTP", .serialized)
struct NoveumExporterHTTPTests {
    // MARK: Payloads

    @Test("manual batch span with two children, one failed: the payload field by field")
    func manualBatchExample() async throws {
        try await withCaptureServer { server in
            let memory = InMemoryExporter()
            let client = try makeClient(
                endpoint: server.endpoint, exporters: [NoveumExporter(retryPolicy: fastRetries), memory])
            // The product document's "Batch Span Creation for Multiple Operations".
            let queries = ["q", "q"]
            let batch = client.startSpan(
                name: "batch_query_processing",
                attributes: ["batch.size": queries.count, "batch.operation": "llm_processing"])
            for (i, query) in queries.enumerated() {
                let span = client.startSpan(
                    name: "query_processing_\(i)", parentSpanID: batch.spanID,
                    attributes: ["query.index": i, "query.text": String(query.prefix(100))])
                if i == 0 {
                    span.setAttributes(["query.success": true])
                    span.setStatus(.ok)
                } else {
                    span.recordException(ValueError())
                    span.setStatus(.error, "boom")
                }
                client.finishSpan(span)
            }
            batch.setStatus(.ok)
            client.finishSpan(batch)
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
            #expect(q1.exception?.type == "NoveumTraceExportTests.ValueError")
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

    // MARK: Retries

    @Test("503 with Retry-After, then success: delivered once, one retry counted, Retry-After honoured")
    func serviceUnavailableThenSuccess() async throws {
        let script: CaptureServer.Script = { index, _ in
            index == 0 ? .status(503, headers: ["Retry-After": "1"]) : .status(200)
        }
        try await withCaptureServer(script: script) { server in
            // Backoff alone would retry at once; Retry-After (1 s, capped at 300 ms) makes it wait.
            let policy = HTTPRetryPolicy(
                maxAttempts: 3, initialBackoff: .zero, maxBackoff: .zero, maxRetryAfter: .milliseconds(300))
            let client = try makeClient(endpoint: server.endpoint, exporters: [NoveumExporter(retryPolicy: policy)])
            for i in 0..<5 { client.traceOperation("op\(i)") { _ in } }
            #expect(await client.flush() == 0)

            let requests = server.requests
            #expect(requests.count == 2)
            #expect(requests.count == 2 && requests[0].body == requests[1].body)
            if requests.count == 2 {
                #expect(requests[1].receivedAt - requests[0].receivedAt >= .milliseconds(290))
            }
            let stats = client.stats
            #expect(stats.spansEnded == 5)
            #expect(stats.exporters[0].exported == 5)
            #expect(stats.exporters[0].dropped.isEmpty)
            #expect(stats.exporters[0].retries == 1)
            #expect(stats.countsAddUp())
            await client.shutdown()
        }
    }

    @Test("429 without Retry-After: backoff, then delivered")
    func tooManyRequests() async throws {
        let script: CaptureServer.Script = { index, _ in index < 2 ? .status(429) : .status(200) }
        try await withCaptureServer(script: script) { server in
            let client = try makeClient(endpoint: server.endpoint, exporters: [NoveumExporter(retryPolicy: fastRetries)])
            for i in 0..<3 { client.traceOperation("op\(i)") { _ in } }
            #expect(await client.flush() == 0)
            #expect(server.requests.count == 3)
            let stats = client.stats
            #expect(stats.exporters[0].exported == 3)
            #expect(stats.exporters[0].retries == 2)
            #expect(stats.countsAddUp())
            await client.shutdown()
        }
    }

    @Test("5xx until the attempts run out: dropped as export_failed", arguments: [500, 502, 503, 504])
    func retriesExhausted(status: Int) async throws {
        try await withCaptureServer(script: { _, _ in .status(status) }) { server in
            let client = try makeClient(endpoint: server.endpoint, exporters: [NoveumExporter(retryPolicy: fastRetries)])
            for i in 0..<4 { client.traceOperation("op\(i)") { _ in } }
            #expect(await client.flush() == 4)
            #expect(server.requests.count == fastRetries.maxAttempts)
            let stats = client.stats
            #expect(stats.exporters[0].exported == 0)
            #expect(stats.exporters[0].dropped == [.exportFailed: 4])
            #expect(stats.exporters[0].retries == fastRetries.maxAttempts - 1)
            #expect(stats.countsAddUp())
            await client.shutdown()
        }
    }

    @Test("400, 401, 403 and 404 are not retried; the key never reaches the logs", arguments: [400, 401, 403, 404])
    func refusedIsNotRetried(status: Int) async throws {
        try await withCaptureServer(script: { _, _ in .status(status) }) { server in
            let logs = LogCapture()
            let client = try makeClient(
                endpoint: server.endpoint, exporters: [NoveumExporter(retryPolicy: fastRetries)],
                apiKey: "sk-secret-key-123", logger: logs.logger)
            for i in 0..<3 { client.traceOperation("op\(i)") { _ in } }
            #expect(await client.flush() == 3)
            #expect(server.requests.count == 1)
            #expect(server.requests.first?.headers["authorization"] == "Bearer sk-secret-key-123")
            let stats = client.stats
            #expect(stats.exporters[0].dropped == [.exportFailed: 3])
            #expect(stats.exporters[0].retries == 0)
            #expect(stats.exporters[0].failedBatches == 1)
            #expect(stats.countsAddUp())
            await client.shutdown()
            #expect(logs.at(.warning).contains { $0.text.contains("HTTP \(status)") })
            #expect(!logs.all.contains { $0.text.contains("sk-secret") })
        }
    }

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

    // MARK: Outages

    @Test("backend down, then up: spans buffer up to the queue bound, then are delivered; counts add up")
    func backendDownThenUp() async throws {
        let refused = try RefusedPort()
        let transport = RecordingTransport()
        let policy = HTTPRetryPolicy(
            maxAttempts: 100_000, initialBackoff: .milliseconds(1), maxBackoff: .milliseconds(5))
        let client = try makeClient(
            endpoint: "http://127.0.0.1:\(refused.port)/api",
            exporters: [NoveumExporter(transport: transport, retryPolicy: policy)], batchSize: 2, maxQueueSize: 4,
            // One export at a time, so that the queue bound alone decides what is buffered and what is dropped,
            // and batches arrive in order.
            maxConcurrentExports: 1)

        // A full batch wakes the exporter, which finds the backend down and keeps retrying.
        for i in 0..<2 { client.traceOperation("early\(i)") { _ in } }
        await transport.waitForFailures(1)
        // Meanwhile the queue fills to its bound (4); the rest are dropped and counted.
        for i in 0..<7 { client.traceOperation("late\(i)") { _ in } }
        var stats = client.stats
        #expect(stats.spansEnded == 9)
        #expect(stats.exporters[0].exported == 0)
        #expect(stats.exporters[0].dropped == [.queueFull: 3])
        #expect(stats.exporters[0].buffered == 6)
        #expect(stats.countsAddUp())

        // The backend comes up at the same address.
        refused.release()
        try await withCaptureServer(port: refused.port) { server in
            #expect(await client.flush() == 0)
            stats = client.stats
            #expect(stats.exporters[0].exported == 6)
            #expect(stats.exporters[0].dropped == [.queueFull: 3])
            #expect(stats.exporters[0].buffered == 0)
            #expect(stats.exporters[0].retries >= 1)
            #expect(stats.exporters[0].retries == transport.failureCount)
            #expect(stats.countsAddUp())
            let names = try spanNames(server.requests)
            #expect(names == ["early0", "early1", "late0", "late1", "late2", "late3"])
            await client.shutdown()
        }
    }

    @Test("a backend that never answers delays neither the caller nor shutdown past its deadline")
    func hungBackend() async throws {
        try await withCaptureServer(script: { _, _ in .hang }) { server in
            let client = try makeClient(
                endpoint: server.endpoint,
                exporters: [NoveumExporter(retryPolicy: .none, requestTimeout: .seconds(60))], asyncExport: false,
                exportTimeout: .seconds(60))
            client.traceOperation("first") { _ in }
            await server.waitForRequests(1)  // the export is now stuck in a request with no answer

            let clock = ContinuousClock()
            let callerTime = clock.measure {
                for i in 0..<500 { client.traceOperation("op\(i)") { $0.setAttribute("i", i) } }
            }
            #expect(callerTime < .seconds(1))
            // The exporter sends two batches at once (maxConcurrentExports 2): the first full batch of 100 goes
            // out beside the stuck one, and gets stuck too.
            await server.waitForRequests(2)

            let deadline = Duration.milliseconds(500)
            let started = clock.now
            let undelivered = await client.shutdown(timeout: deadline)
            let shutdownTime = clock.now - started
            #expect(shutdownTime < deadline + .milliseconds(500))
            #expect(undelivered == 501)
            let stats = client.stats
            #expect(stats.spansEnded == 501)
            #expect(stats.exporters[0].exported == 0)
            #expect(stats.exporters[0].dropped == [.shutdown: 400])
            #expect(stats.exporters[0].buffered == 101)  // the ones stuck in the two requests
            #expect(stats.countsAddUp())
        }
    }

    @Test("an export that outlives the export timeout is cancelled and counted as export_timeout")
    func exportTimeout() async throws {
        try await withCaptureServer(script: { _, _ in .hang }) { server in
            let client = try makeClient(
                endpoint: server.endpoint,
                exporters: [NoveumExporter(retryPolicy: fastRetries, requestTimeout: .seconds(60))],
                exportTimeout: .milliseconds(300))
            for i in 0..<3 { client.traceOperation("op\(i)") { _ in } }
            let clock = ContinuousClock()
            let started = clock.now
            #expect(await client.flush(timeout: .seconds(20)) == 3)
            #expect(clock.now - started < .seconds(5))
            let stats = client.stats
            #expect(stats.exporters[0].dropped == [.exportTimeout: 3])
            #expect(stats.countsAddUp())
            await client.shutdown(timeout: .seconds(1))
        }
    }

    // MARK: Transport

    @Test("URLSessionTransport: a request that gets no answer fails at its timeout")
    func transportTimeout() async throws {
        try await withCaptureServer(script: { _, _ in .hang }) { server in
            let transport = URLSessionTransport()
            let clock = ContinuousClock()
            let started = clock.now
            await #expect(throws: URLError.self) {
                _ = try await transport.send(
                    HTTPTransport.Request(url: server.endpoint + "/v1/traces", body: Array("{}".utf8)),
                    timeout: .milliseconds(200))
            }
            let elapsed = clock.now - started
            #expect(elapsed >= .milliseconds(190))
            #expect(elapsed < .seconds(3))
        }
    }

    @Test("URLSessionTransport: cancelling the calling task cancels the request at once")
    func transportCancellation() async throws {
        try await withCaptureServer(script: { _, _ in .hang }) { server in
            let transport = URLSessionTransport()
            let request = HTTPTransport.Request(url: server.endpoint + "/v1/traces", body: Array("{}".utf8))
            let task = Task { try await transport.send(request, timeout: .seconds(60)) }
            await server.waitForRequests(1)
            let clock = ContinuousClock()
            let started = clock.now
            task.cancel()
            let result = await task.result
            #expect(clock.now - started < .seconds(5))
            #expect(throws: CancellationError.self) { try result.get() }
        }
    }

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

    // MARK: Configuration

    @Test("without an API key nothing is sent: dropped as export_failed, one warning")
    func missingAPIKey() async throws {
        try await withCaptureServer { server in
            let logs = LogCapture()
            let client = try makeClient(
                endpoint: server.endpoint, exporters: [NoveumExporter(retryPolicy: fastRetries)], apiKey: nil,
                logger: logs.logger)
            client.traceOperation("a") { _ in }
            #expect(await client.flush() == 1)
            client.traceOperation("b") { _ in }
            #expect(await client.flush() == 1)
            #expect(server.requests.isEmpty)
            #expect(client.stats.exporters[0].dropped == [.exportFailed: 2])
            #expect(logs.at(.warning).filter { $0.message.contains("no API key") }.count == 1)
            await client.shutdown()
        }
    }
}
