import AsyncHTTPClient
import Foundation
import NIOCore
@testable import NoveumTrace
import NoveumTraceTestSupport
import NoveumTraceTesting
import Testing

/// A client that exports to memory on flush only, with `redaction` (default: nothing removed, so a test sees
/// exactly what capture recorded) and the LLM `vocabularies` exported.
func makeCaptureClient(
    redaction: RedactionPolicy = .disabled, vocabularies: Set<LLMVocabulary> = Set(LLMVocabulary.allCases)
) throws -> (NoveumClient, InMemoryExporter) {
    let exporter = InMemoryExporter()
    var config = Configuration(scheduleDelay: .seconds(600), exporters: [exporter])
    config.redaction = redaction
    config.llmVocabularies = vocabularies
    let client = try NoveumClient(
        apiKey: nil, project: "capture-tests", environment: "test", endpoint: nil, serviceVersion: nil, config: config,
        processEnvironment: [:])
    return (client, exporter)
}

/// Capture settings that recognise `server` as `provider` in `format`, recording on `client`.
func capture(
    _ server: ProviderServer, path: String = "", format: LLMAPIFormat, provider: String, client: NoveumClient,
    content: Bool = true
) -> LLMHTTPCapture {
    var capture = LLMHTTPCapture(endpoints: [], captureContent: content, client: client)
    capture = capture.adding(baseURL: server.baseURL + path, format: format, provider: provider)
    return capture
}

/// A JSON POST request with an API key in every header providers use.
func jsonRequest(_ url: String, body: String, headers extra: [(String, String)] = []) -> HTTPClientRequest {
    var request = HTTPClientRequest(url: url)
    request.method = .POST
    request.headers.add(name: "Content-Type", value: "application/json")
    for (name, value) in extra { request.headers.add(name: name, value: value) }
    request.body = .bytes(ByteBuffer(string: body))
    return request
}

/// Reads a whole response body.
func readBody(_ response: HTTPClientResponse) async throws -> [UInt8] {
    var bytes: [UInt8] = []
    for try await chunk in response.body { bytes += chunk.readableBytesView }
    return bytes
}

/// Flushes `client` and returns the one exported span.
func exportedSpan(_ client: NoveumClient, _ exporter: InMemoryExporter) async throws -> SpanData {
    _ = await client.flush()
    let spans = exporter.spans
    try #require(spans.count == 1, "expected one span, got \(spans.map(\.name))")
    return spans[0]
}

extension SpanData {
    func string(_ key: String) -> String? { attributes[key]?.stringValue }
    func int(_ key: String) -> Int64? { attributes[key]?.intValue }
    func double(_ key: String) -> Double? {
        if case .double(let value)? = attributes[key] { return value }
        return nil
    }
    func strings(_ key: String) -> [String]? {
        if case .stringArray(let value)? = attributes[key] { return value }
        return nil
    }
    func bool(_ key: String) -> Bool? {
        if case .bool(let value)? = attributes[key] { return value }
        return nil
    }
}
