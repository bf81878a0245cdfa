import Foundation
import NoveumTrace
import NoveumTraceOTLP
import NoveumTraceTestSupport
import Testing

/// The reference receiver in `../shared/tools/otlp_ref_receiver.py` (beside the package's folder, as in CI):
/// a small OTLP/HTTP server built on the official `opentelemetry-proto` Python classes. It decodes what the
/// exporter sends with an implementation independent of ours and answers `GET /spans` with every span it
/// decoded (hex ids, enum names, native JSON values).
enum ReferenceReceiver {
    static let script = Loopback.packageRoot.appendingPathComponent("../shared/tools/otlp_ref_receiver.py").standardized

    /// Why the tests cannot run here, or nil when they can.
    static let unavailableReason: String? = {
        guard FileManager.default.fileExists(atPath: script.path) else {
            return "reference receiver not found at \(script.path) (shared/ must sit beside the package folder)"
        }
        guard Loopback.run("python3", ["--version"]) == 0 else {
            return "python3 is not installed; the reference receiver needs it"
        }
        guard Loopback.run("python3", ["-c", "import opentelemetry.proto.collector.trace.v1.trace_service_pb2"]) == 0 else {
            return "the Python module opentelemetry-proto is missing: pip install opentelemetry-proto"
        }
        return nil
    }()

    /// Starts a receiver on a free loopback port and waits until it answers.
    static func start() async throws -> (server: ServerProcess, url: String) {
        let port = Loopback.freePort()
        let server = try ServerProcess(executable: "python3", arguments: [script.path, "--http-port", String(port)])
        let url = "http://127.0.0.1:\(port)"
        let ready = await Loopback.poll(timeout: .seconds(30)) { () async -> Bool? in
            if let response = await Loopback.get(url + "/healthz", timeout: 1), response.status == 200 { return true }
            return server.process.isRunning ? nil : false
        }
        guard ready == true else {
            let output = server.output
            server.stop()
            throw ReceiverError(message: "the reference receiver did not start: \(output)")
        }
        return (server, url)
    }

    struct ReceiverError: Error, CustomStringConvertible {
        var message: String
        var description: String { message }
    }

    /// Every span the receiver decoded, and the raw JSON text.
    static func spans(_ url: String) async throws -> (spans: [[String: Any]], text: String) {
        let response = try #require(await Loopback.get(url + "/spans"))
        #expect(response.status == 200)
        let spans = try #require(try JSONSerialization.jsonObject(with: response.body) as? [[String: Any]])
        return (spans, String(decoding: response.body, as: UTF8.self))
    }
}

@Suite(
    "Reference OTLP receiver (official opentelemetry-proto decoder)",
    .enabled(if: ReferenceReceiver.unavailableReason == nil, Comment(rawValue: ReferenceReceiver.unavailableReason ?? "")))
struct ReferenceReceiverTests {
    @Test("every span shape decodes with the reference decoder", arguments: [OTLPProtocol.httpProtobuf, .httpJSON])
    func fixtures(protocol proto: OTLPProtocol) async throws {
        let (server, url) = try await ReferenceReceiver.start()
        defer { server.stop() }

        let exporter = try OTLPExporter(.init(endpoint: url + "/v1/traces", protocol: proto), environment: [:])
        exporter.start(.standalone(project: "otlp-ref", environment: "ci", serviceVersion: "1.2.3"))
        let result = await exporter.export(Fixtures.all)
        #expect(result == .success, "receiver output: \(server.output)")

        let (spans, text) = try await ReferenceReceiver.spans(url)
        try #require(spans.count == Fixtures.all.count)
        for (received, expected) in zip(spans, Fixtures.all) {
            #expect(received["_transport"] as? String == proto.rawValue)
            checkSpan(received, expected)
            checkResource(received, service: "otlp-ref", environment: "ci", version: "1.2.3")
        }
        // The receiver prints Python values: ints stay ints and doubles stay floats.
        #expect(text.contains(#""int.zero": 0, "#))
        #expect(text.contains(#""double.zero": 0.0, "#))
        #expect(text.contains(#""int.min": -9223372036854775808, "#))
        #expect(text.contains(#""doubles": [0.5, -2.0, 0.0]"#))
        #expect(text.contains(#""strings.empty": []"#))
    }

    @Test("spans traced through a client arrive after flush, with parents, events, links and status", arguments: [OTLPProtocol.httpProtobuf, .httpJSON])
    func throughClient(protocol proto: OTLPProtocol) async throws {
        let (server, url) = try await ReferenceReceiver.start()
        defer { server.stop() }

        let exporter = try OTLPExporter(.init(endpoint: url + "/v1/traces", protocol: proto), environment: [:])
        let client = try NoveumClient(
            project: "ref-client", environment: "staging", serviceVersion: "2.0.0", config: .init(exporters: [exporter]))
        struct Overloaded: Error {}
        let linked = SpanContext(traceID: Fixtures.traceB, spanID: Fixtures.linkedSpanID, isSampled: true, isRemote: true)
        var rootID: SpanID?
        var llmID: SpanID?
        var traceID: TraceID?
        await client.traceOperation("handle_request", kind: .server) { root async in
            rootID = root.spanID
            traceID = root.traceID
            root.addLink(linked, attributes: ["link.kind": "follows"])
            do {
                try await client.traceLLM(model: "gpt-4o-mini", provider: "openai") { span async throws(Overloaded) in
                    llmID = span.spanID
                    span.setAttributes(["llm.input_tokens": 12, "llm.output_tokens": 5, "gen_ai.request.temperature": 0.2])
                    span.addEvent("first_token", attributes: ["ttft_ms": 42.5])
                    throw Overloaded()
                }
            } catch {}
            root.setStatus(.ok)
        }
        #expect(await client.flush() == 0, "receiver output: \(server.output)")
        await client.shutdown()

        let (spans, _) = try await ReferenceReceiver.spans(url)
        try #require(spans.count == 2)
        let ids_ = (root: try #require(rootID), llm: try #require(llmID), trace: try #require(traceID))
        let root = try #require(spans.first { $0["name"] as? String == "handle_request" })
        let llm = try #require(spans.first { $0["name"] as? String == "chat gpt-4o-mini" })
        #expect(root["trace_id"] as? String == ids_.trace.description)
        #expect(root["span_id"] as? String == ids_.root.description)
        #expect(root["parent_span_id"] as? String == "")
        #expect(root["kind"] as? String == "SPAN_KIND_SERVER")
        #expect((root["status"] as? [String: Any])?["code"] as? String == "STATUS_CODE_OK")
        let links = try #require(root["links"] as? [[String: Any]])
        #expect(links.count == 1)
        #expect(links.first?["trace_id"] as? String == Fixtures.traceB.description)
        #expect(links.first?["span_id"] as? String == Fixtures.linkedSpanID.description)
        #expect(links.first?["flags"] as? Int == 0x301)
        #expect((links.first?["attributes"] as? [String: Any])?["link.kind"] as? String == "follows")

        #expect(llm["trace_id"] as? String == ids_.trace.description)
        #expect(llm["span_id"] as? String == ids_.llm.description)
        #expect(llm["parent_span_id"] as? String == ids_.root.description)
        #expect(llm["kind"] as? String == "SPAN_KIND_CLIENT")
        let status = try #require(llm["status"] as? [String: Any])
        #expect(status["code"] as? String == "STATUS_CODE_ERROR")
        #expect((status["message"] as? String)?.isEmpty == false)
        let attributes = try #require(llm["attributes"] as? [String: Any])
        #expect(attributes["llm.model"] as? String == "gpt-4o-mini")
        #expect(attributes["gen_ai.request.model"] as? String == "gpt-4o-mini")
        #expect(attributes["gen_ai.provider.name"] as? String == "openai")
        #expect(attributes["openinference.span.kind"] as? String == "LLM")
        #expect((attributes["llm.input_tokens"] as? NSNumber)?.int64Value == 12)
        #expect((attributes["llm.output_tokens"] as? NSNumber)?.int64Value == 5)
        #expect((attributes["gen_ai.request.temperature"] as? NSNumber)?.doubleValue == 0.2)
        #expect(attributes["noveum.status"] as? String == "error")
        let events = try #require(llm["events"] as? [[String: Any]])
        #expect(events.map { $0["name"] as? String } == ["first_token", "exception", "gen_ai.client.operation.exception"])
        #expect(attributes["error.type"] as? String == (events.last?["attributes"] as? [String: Any])?["exception.type"] as? String)
        #expect(((events.first?["attributes"] as? [String: Any])?["ttft_ms"] as? NSNumber)?.doubleValue == 42.5)
        for span in spans {
            checkResource(span, service: "ref-client", environment: "staging", version: "2.0.0")
            #expect((span["start_time_unix_nano"] as? NSNumber)?.uint64Value ?? 0 > 1_600_000_000_000_000_000)
            #expect(
                ((span["end_time_unix_nano"] as? NSNumber)?.uint64Value ?? 0)
                    >= ((span["start_time_unix_nano"] as? NSNumber)?.uint64Value ?? .max))
        }
    }

    func checkResource(_ span: [String: Any], service: String, environment: String, version: String) {
        let resource = span["resource"] as? [String: Any] ?? [:]
        #expect(resource["service.name"] as? String == service)
        #expect(resource["service.version"] as? String == version)
        #expect(resource["deployment.environment"] as? String == environment)
        #expect(resource["telemetry.sdk.name"] as? String == "noveum-trace-swift")
        #expect(resource["telemetry.sdk.language"] as? String == "swift")
        #expect(resource["telemetry.sdk.version"] as? String == NoveumTrace.version)
        let scope = span["scope"] as? [String: Any] ?? [:]
        #expect(scope["name"] as? String == "noveum-trace-swift")
        #expect(scope["version"] as? String == NoveumTrace.version)
    }

    /// Compares one decoded span with the `SpanData` it came from.
    func checkSpan(_ received: [String: Any], _ span: SpanData) {
        #expect(received["trace_id"] as? String == span.traceID.description)
        #expect(received["span_id"] as? String == span.spanID.description)
        #expect(received["parent_span_id"] as? String == (span.parentSpanID?.description ?? ""))
        #expect(received["trace_state"] as? String == (span.context.traceState ?? ""))
        #expect(received["name"] as? String == span.name)
        let kind: String
        switch span.kind {
        case .internal: kind = "SPAN_KIND_INTERNAL"
        case .server: kind = "SPAN_KIND_SERVER"
        case .client: kind = "SPAN_KIND_CLIENT"
        case .producer: kind = "SPAN_KIND_PRODUCER"
        case .consumer: kind = "SPAN_KIND_CONSUMER"
        }
        #expect(received["kind"] as? String == kind)
        #expect((received["start_time_unix_nano"] as? NSNumber)?.uint64Value == span.startTimeNanos)
        #expect((received["end_time_unix_nano"] as? NSNumber)?.uint64Value == span.endTimeNanos)
        let flags = 0x100 | (span.context.isSampled ? 1 : 0) | (span.parentIsRemote ? 0x200 : 0)
        #expect(received["flags"] as? Int == flags)
        #expect(received["dropped_attributes_count"] as? Int == span.droppedAttributeCount)
        #expect(received["dropped_events_count"] as? Int == span.droppedEventCount)

        var expectedAttributes = span.attributes
        if span.status != .unset { expectedAttributes["noveum.status"] = .string(span.status.rawValue) }
        checkAttributes(received["attributes"], expectedAttributes, span.name)

        let status = received["status"] as? [String: Any] ?? [:]
        let codes: [NoveumSpan.Status: String] = [.unset: "UNSET", .ok: "OK", .error: "ERROR", .timeout: "ERROR", .cancelled: "ERROR"]
        #expect(status["code"] as? String == "STATUS_CODE_" + codes[span.status]!)
        let message: String
        switch span.status {
        case .unset, .ok: message = ""
        case .error: message = span.statusMessage ?? ""
        case .timeout, .cancelled: message = span.statusMessage ?? span.status.rawValue
        }
        #expect(status["message"] as? String == message)

        let events = received["events"] as? [[String: Any]] ?? []
        #expect(events.count == span.events.count)
        for (event, expected) in zip(events, span.events) {
            #expect(event["name"] as? String == expected.name)
            #expect((event["time_unix_nano"] as? NSNumber)?.uint64Value == expected.timeNanos)
            checkAttributes(event["attributes"], expected.attributes, expected.name)
        }
        let links = received["links"] as? [[String: Any]] ?? []
        #expect(links.count == span.links.count)
        for (link, expected) in zip(links, span.links) {
            #expect(link["trace_id"] as? String == expected.context.traceID.description)
            #expect(link["span_id"] as? String == expected.context.spanID.description)
            #expect(link["trace_state"] as? String == (expected.context.traceState ?? ""))
            #expect(link["flags"] as? Int == 0x100 | (expected.context.isSampled ? 1 : 0) | (expected.context.isRemote ? 0x200 : 0))
            checkAttributes(link["attributes"], expected.attributes, "link")
        }
    }

    func checkAttributes(_ received: Any?, _ expected: AttributeList, _ context: String) {
        let dictionary = received as? [String: Any] ?? [:]
        #expect(Set(dictionary.keys) == Set(expected.map(\.key)), "attribute keys of \(context)")
        for element in expected {
            #expect(matches(dictionary[element.key], element.value), "attribute \(element.key) of \(context)")
        }
    }

    func matches(_ json: Any?, _ value: AttributeValue) -> Bool {
        switch value {
        case .string(let v): return json as? String == v
        case .bool(let v): return (json as? NSNumber)?.boolValue == v
        case .int(let v): return (json as? NSNumber)?.int64Value == v
        case .double(let v): return (json as? NSNumber)?.doubleValue == v
        case .stringArray(let v): return (json as? [Any])?.count == v.count && zip(json as! [Any], v).allSatisfy { matches($0, .string($1)) }
        case .intArray(let v): return (json as? [Any])?.count == v.count && zip(json as! [Any], v).allSatisfy { matches($0, .int($1)) }
        case .doubleArray(let v): return (json as? [Any])?.count == v.count && zip(json as! [Any], v).allSatisfy { matches($0, .double($1)) }
        case .boolArray(let v): return (json as? [Any])?.count == v.count && zip(json as! [Any], v).allSatisfy { matches($0, .bool($1)) }
        }
    }
}
