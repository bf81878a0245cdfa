import Foundation
import NoveumTraceTesting
import PropertyBased
import NoveumTraceTestSupport
import Testing

@testable import NoveumTrace

/// A client that exports to memory, with no redaction (so what the encoders see is exactly what was set) and
/// generous limits.
private func memoryClient(redaction: RedactionPolicy = .disabled) throws -> (NoveumClient, InMemoryExporter) {
    let exporter = InMemoryExporter()
    var config = Configuration(
        batchSize: 512, maxQueueSize: 4_096, scheduleDelay: .seconds(600), exporters: [exporter])
    config.redaction = redaction
    let client = try NoveumClient(
        apiKey: nil, project: "bad-input", environment: "ci", endpoint: nil, serviceVersion: nil, config: config,
        processEnvironment: [:])
    return (client, exporter)
}

/// Any byte, and any ASCII byte (the library's `latin1` and `ascii` generators give characters).
private let anyByte = Gen<UInt8>.value(in: 0...255)
private let asciiByte = Gen<UInt8>.value(in: 0...127)

/// Text built from raw bytes: invalid UTF-8 becomes U+FFFD (a Swift `String` is always valid Unicode).
private func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }

/// Turns generated raw material into one of the awkward attribute values.
private func awkwardValue(kind: Int, bytes: [UInt8], number: Double) -> AttributeValue {
    switch kind {
    case 0: return .string(text(bytes))
    case 1: return .string("")
    case 2: return .string(String(repeating: text(bytes.isEmpty ? [0x41] : bytes), count: 100_000 / max(1, bytes.count)))
    case 3: return .string(String(String.UnicodeScalarView((0..<32).compactMap(Unicode.Scalar.init))) + "\u{7F}\u{2028}\u{2029}\u{FEFF}\"\\/" + text(bytes))
    case 4: return .double(.nan)
    case 5: return .double(.infinity)
    case 6: return .double(-.infinity)
    case 7: return .double(number)
    case 8: return .int(bytes.reduce(Int64.min) { $0 &+ Int64($1) })
    case 9: return .stringArray((0..<5_000).map { "\($0)\(text(bytes))" })
    case 10: return .doubleArray([.nan, .infinity, -.infinity, -0.0, number, .leastNonzeroMagnitude, .greatestFiniteMagnitude])
    case 11: return .intArray([Int64.min, Int64.max, 0])
    case 12: return .boolArray([])
    default: return .stringArray([])
    }
}

/// Equality where NaN equals NaN.
private func sameValue(_ a: AttributeValue, _ b: AttributeValue) -> Bool {
    func same(_ x: Double, _ y: Double) -> Bool { x == y || (x.isNaN && y.isNaN) }
    switch (a, b) {
    case (.double(let x), .double(let y)): return same(x, y)
    case (.doubleArray(let x), .doubleArray(let y)): return x.count == y.count && zip(x, y).allSatisfy { same($0, $1) }
    default: return a == b
    }
}

/// An awkward key: from bytes (maybe empty), huge, or control characters.
private func awkwardKey(kind: Int, bytes: [UInt8]) -> String {
    switch kind % 4 {
    case 0: return text(bytes)
    case 1: return ""
    case 2: return String(repeating: "k", count: 10_000)
    default: return "key\u{0}\u{1}\n\t\"\\\u{1F600}" + text(bytes)
    }
}

@Suite("Bad input: attributes, names, traceparent, environment, LLM responses")
struct BadInputTests {
    @Test("attribute keys and values of every awkward kind: recorded and encoded to valid Noveum JSON, OTLP JSON and OTLP protobuf")
    func awkwardAttributes() async throws {
        let (client, exporter) = try memoryClient()
        let tried = LockedValue(0)
        await propertyCheck(
            count: 150, input: anyByte.array(of: 0...48), Gen.int(in: 0...13), Gen.int(in: 0...7),
            Gen.double(in: -1e300...1e300)
        ) { bytes, kind, keyKind, number in
            let value = awkwardValue(kind: kind, bytes: bytes, number: number)
            let key = awkwardKey(kind: keyKind, bytes: bytes)
            let span = client.startSpan(name: text(bytes))
            span.setAttributes(AttributeList(dictionaryLiteral: (key, value), ("plain", .int(1))))
            span.addEvent(text(bytes), attributes: ["v": String(describing: value).prefix(100).description])
            span.recordException(TestFailure(message: text(bytes)))
            span.end()
            await client.flush()
            let spans = exporter.spans
            exporter.reset()
            #expect(spans.count == 1)
            #expect(spans.first?.attributes[key].map { sameValue($0, value) } == true)
            try? PayloadCheck.expectValidPayloads(spans)
            tried.withLock { $0 += 1 }
        }
        ReliabilitySummary.record("inputs", "attribute keys and values", tried: tried.withLock { $0 }, lost: 0)
        await client.shutdown()
    }

    @Test("span names: empty, huge, control characters, invalid UTF-8; encoded intact")
    func awkwardNames() async throws {
        let (client, exporter) = try memoryClient()
        let tried = LockedValue(0)
        await propertyCheck(count: 100, input: anyByte.array(of: 0...64), Gen.int(in: 0...3)) { bytes, kind in
            let name = awkwardKey(kind: kind, bytes: bytes)
            client.traceOperation(name) { span in span.updateName(name + text(bytes)) }
            await client.flush()
            let spans = exporter.spans
            exporter.reset()
            #expect(spans.map(\.name) == [name + text(bytes)])
            try? PayloadCheck.expectValidPayloads(spans)
            tried.withLock { $0 += 1 }
        }
        ReliabilitySummary.record("inputs", "span names", tried: tried.withLock { $0 }, lost: 0)
        await client.shutdown()
    }

    @Test("a redacted span with every awkward value still encodes to valid payloads")
    func redactedAwkwardValues() async throws {
        let (client, exporter) = try memoryClient(redaction: .standard)
        for kind in 0...13 {
            let bytes = Array("user@example.com sk-abcdefghijklmnopqrstuvwx \u{0}".utf8)
            client.traceOperation("redacted-\(kind)") { span in
                span.setAttributes(AttributeList(dictionaryLiteral: ("v", awkwardValue(kind: kind, bytes: bytes, number: 1.5))))
            }
        }
        await client.flush()
        #expect(exporter.spans.count == 14)
        try PayloadCheck.expectValidPayloads(exporter.spans)
        ReliabilitySummary.record("inputs", "redacted awkward values", tried: 14, lost: 0)
        await client.shutdown()
    }

    // MARK: traceparent

    static let validTraceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"

    /// Documented results: nil means "ignored, the span starts a new trace".
    @Test("traceparent: malformed headers are ignored, valid ones accepted", arguments: [
        (validTraceparent, true),
        ("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00", true),  // not sampled, still a parent
        ("00-00000000000000000000000000000000-00f067aa0ba902b7-01", false),  // all-zero trace id
        ("00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01", false),  // all-zero span id
        ("00-4bf92f3577b34da6a3ce929d0e0e473-00f067aa0ba902b7-01", false),  // short trace id
        ("00-4bf92f3577b34da6a3ce929d0e0e47366-00f067aa0ba902b7-01", false),  // long trace id
        ("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra", false),  // version 00 has exactly 4 fields
        ("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-", false),
        ("ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", false),  // version ff is invalid
        ("01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-future", true),  // later versions may add fields
        ("01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01x", false),
        ("00-4BF92F3577B34DA6A3CE929D0E0E4736-00F067AA0BA902B7-01", false),  // uppercase hex
        (" 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", false),
        ("00_4bf92f3577b34da6a3ce929d0e0e4736_00f067aa0ba902b7_01", false),
        ("0g-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", false),
        ("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-zz", false),
        ("", false),
        ("00", false),
        ("00-ééééééééééééééééééééééééééééééé-00f067aa0ba902b7-01", false),
    ])
    func traceparentTable(header: String, accepted: Bool) throws {
        let parsed = TraceParent.parse(header)
        #expect((parsed != nil) == accepted)
        if let parsed {
            #expect(parsed.isRemote)
            #expect(TraceParent.format(parsed).dropFirst(3).prefix(49) == header.dropFirst(3).prefix(49))
        }
        ReliabilitySummary.record("inputs", "traceparent \(header.prefix(60))", tried: 1, lost: 0)
    }

    @Test("traceparent: random mutations of a valid header never crash; anything accepted is well-formed")
    func traceparentMutations() async {
        let tried = LockedValue(0)
        await propertyCheck(
            count: 500, input: Gen.int(in: 0...54), anyByte, Gen.int(in: 0...3), anyByte.array(of: 0...10)
        ) { position, byte, operation, tail in
            var bytes = Array(Self.validTraceparent.utf8)
            switch operation {
            case 0: bytes[position] = byte
            case 1: bytes.remove(at: position)
            case 2: bytes.insert(byte, at: position)
            default: bytes += tail
            }
            let header = text(bytes)
            if let parsed = TraceParent.parse(header) {
                let formatted = TraceParent.format(parsed)
                #expect(formatted.utf8.count == 55)
                #expect(formatted.utf8.allSatisfy { $0 == UInt8(ascii: "-") || (48...57).contains($0) || (97...102).contains($0) })
                #expect(Array(header.utf8)[3..<52] == Array(formatted.utf8)[3..<52])
                #expect(parsed.traceID.description != String(repeating: "0", count: 32))
                #expect(parsed.spanID.description != String(repeating: "0", count: 16))
            }
            tried.withLock { $0 += 1 }
        }
        await propertyCheck(count: 300, input: anyByte.array(of: 0...120)) { bytes in
            _ = TraceParent.parse(text(bytes), traceState: text(bytes))
            tried.withLock { $0 += 1 }
        }
        ReliabilitySummary.record("inputs", "traceparent mutations and random bytes", tried: tried.withLock { $0 }, lost: 0)
    }

    // MARK: Environment

    /// Documented result: an environment value that does not parse or is out of range makes `initialize` throw
    /// `invalidConfiguration` naming the variable; nothing is clamped. Empty values count as unset.
    @Test("environment: malformed values are a clear configuration error at initialize, never clamped", arguments: [
        ("NOVEUM_SAMPLING_RATE", "abc", "NOVEUM_SAMPLING_RATE"),
        ("NOVEUM_SAMPLING_RATE", "1.5", "samplingRate"),
        ("NOVEUM_SAMPLING_RATE", "-0.1", "samplingRate"),
        ("NOVEUM_SAMPLING_RATE", "NaN", "NOVEUM_SAMPLING_RATE"),
        ("NOVEUM_SAMPLING_RATE", "1e400", "NOVEUM_SAMPLING_RATE"),
        ("NOVEUM_SAMPLING_RATE", "50%", "NOVEUM_SAMPLING_RATE"),
        ("NOVEUM_BATCH_SIZE", "0", "batchSize"),
        ("NOVEUM_BATCH_SIZE", "-5", "batchSize"),
        ("NOVEUM_BATCH_SIZE", "1e3", "NOVEUM_BATCH_SIZE"),
        ("NOVEUM_BATCH_SIZE", "99999999999999999999999", "NOVEUM_BATCH_SIZE"),
        ("NOVEUM_MAX_QUEUE_SIZE", "10", "maxQueueSize"),
        ("NOVEUM_EXPORT_TIMEOUT_MS", "0", "exportTimeout"),
        ("NOVEUM_EXPORT_TIMEOUT_MS", "soon", "NOVEUM_EXPORT_TIMEOUT_MS"),
        ("NOVEUM_SCHEDULE_DELAY_MS", "-1", "scheduleDelay"),
        ("NOVEUM_ASYNC_EXPORT", "maybe", "NOVEUM_ASYNC_EXPORT"),
        ("NOVEUM_MAX_TRACES_PER_SECOND", "-3", "maxTracesPerSecond"),
        ("NOVEUM_ENDPOINT", "not a url", "endpoint"),
        ("NOVEUM_ENDPOINT", "ftp://example.com/api", "endpoint"),
        ("NOVEUM_ENDPOINT", "http://", "endpoint"),
        ("NOVEUM_ENDPOINT", "https://example.com:99999/api", "endpoint"),
        ("NOVEUM_ENDPOINT", "https://:443/api", "endpoint"),
        ("NOVEUM_PROJECT", " ", nil),  // blank counts as unset: the default project
    ] as [(String, String, String?)])
    func environment(variable: String, value: String, named: String?) {
        let result = Result { () throws(NoveumTraceError) -> NoveumClient in
            try NoveumClient(
                apiKey: nil, project: nil, environment: nil, endpoint: nil, serviceVersion: nil,
                config: Configuration(exporters: [InMemoryExporter()]), processEnvironment: [variable: value])
        }
        switch result {
        case .success(let client):
            #expect(named == nil, "accepted \(variable)=\(value)")
            #expect(client.settings.project == "default")
        case .failure(let error):
            let message = String(describing: error)
            #expect(named.map { message.contains($0) } == true, "\(message)")
            if case .invalidConfiguration = error {} else { Issue.record("unexpected error \(error)") }
        }
        ReliabilitySummary.record("inputs", "env \(variable)=\(value)", tried: 1, lost: 0)
    }

    @Test("environment: any NOVEUM_SAMPLING_RATE either fails clearly or gives a rate within 0...1")
    func samplingRateProperty() async {
        let tried = LockedValue(0)
        await propertyCheck(count: 300, input: asciiByte.array(of: 0...12), Gen.double(in: -2...2)) { bytes, number in
            for raw in [text(bytes), String(number), "\(number)e\(bytes.count)"] {
                do {
                    let config = try Configuration().resolved(environment: ["NOVEUM_SAMPLING_RATE": raw])
                    #expect((0...1).contains(config.samplingRate), "\(raw)")
                } catch {
                    #expect(String(describing: error).lowercased().contains("sampling"), "\(error)")
                }
                tried.withLock { $0 += 1 }
            }
        }
        ReliabilitySummary.record("inputs", "NOVEUM_SAMPLING_RATE values", tried: tried.withLock { $0 }, lost: 0)
    }

    // MARK: LLM responses

    /// Documented result: a body that is not a JSON object gives nil; a JSON object always gives a summary whose
    /// token counts are non-negative, and fields of the wrong type are ignored.
    @Test("LLM responses: malformed JSON, wrong types and extreme numbers never crash", arguments: [
        ("", false),
        ("null", false),
        ("[1,2,3]", false),
        ("\"text\"", false),
        ("{\"usage\":", false),
        ("{}", true),
        ("{\"usage\": \"lots\"}", true),
        ("{\"usage\": {\"prompt_tokens\": -5, \"completion_tokens\": 1.5, \"total_tokens\": \"7\"}}", true),
        ("{\"usage\": {\"prompt_tokens\": 1e308, \"completion_tokens\": NaN}}", false),
        ("{\"usage\": {\"input_tokens\": 9223372036854775807, \"cache_read_input_tokens\": 9223372036854775807, \"cache_creation_input_tokens\": 9223372036854775807}}", true),
        ("{\"usage\": {\"prompt_tokens\": 9223372036854775807, \"completion_tokens\": 9223372036854775807}}", true),
        ("{\"usageMetadata\": {\"candidatesTokenCount\": 9223372036854775807, \"thoughtsTokenCount\": 9223372036854775807}}", true),
        ("{\"usage\": {\"prompt_tokens\": 18446744073709551615}}", true),
        ("{\"choices\": [{\"message\": {\"content\": 5, \"tool_calls\": [{\"function\": 3}, 7]}}, \"x\", null]}", true),
        ("{\"choices\": {\"0\": {}}}", true),
        ("{\"content\": [{\"type\": \"text\", \"text\": null}, 5], \"model\": 3}", true),
        ("{\"candidates\": [{\"content\": {\"parts\": [{\"text\": [1]}]}}]}", true),
        ("{\"meta\": {\"tokens\": {\"input_tokens\": true}}, \"prompt_eval_count\": \"x\"}", true),
    ])
    func llmResponses(body: String, isObject: Bool) throws {
        let summary = LLMResponseSummary.parse(Array(body.utf8))
        #expect((summary != nil) == isObject)
        if let summary {
            checkUsage(summary.usage)
            let (client, _) = try memoryClient()
            client.traceLLM(model: "gpt-4o", provider: "openai") { span in span.setResponse(summary) }
        }
        ReliabilitySummary.record("inputs", "LLM response \(body.prefix(50))", tried: 1, lost: 0)
    }

    @Test("LLM responses: random bytes and random JSON-like text never crash the usage parsers")
    func llmResponseProperty() async {
        let tried = LockedValue(0)
        let fragments = [
            "{", "}", "[", "]", ",", ":", "\"usage\"", "\"prompt_tokens\"", "\"completion_tokens\"", "\"choices\"",
            "\"message\"", "\"content\"", "\"usageMetadata\"", "\"promptTokenCount\"", "\"thoughtsTokenCount\"",
            "\"cache_read_input_tokens\"", "\"input_tokens\"", "9223372036854775807", "-1", "1e999", "0.5", "null",
            "true", "\"x\"",
        ]
        await propertyCheck(count: 400, input: Gen.int(in: 0...(fragments.count - 1)).array(of: 0...40), anyByte.array(of: 0...64)) { picks, bytes in
            let jsonish = picks.map { fragments[$0] }.joined()
            for body in [Array(jsonish.utf8), bytes, Array("{\"usage\":{\(jsonish)}}".utf8)] {
                if let summary = LLMResponseSummary.parse(body) { checkUsage(summary.usage) }
                tried.withLock { $0 += 1 }
            }
        }
        ReliabilitySummary.record("inputs", "LLM response bodies", tried: tried.withLock { $0 }, lost: 0)
    }

    private func checkUsage(_ usage: LLMUsage) {
        for count in [usage.inputTokens, usage.outputTokens, usage.totalTokens, usage.cacheReadTokens,
                      usage.cacheCreationTokens, usage.reasoningTokens] {
            if let count { #expect(count >= 0) }
        }
        let cost = ModelPrice(input: 2.5, output: 10).cost(of: usage)
        #expect(cost.total.isFinite && cost.total >= 0)
    }
}

private struct TestFailure: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}
