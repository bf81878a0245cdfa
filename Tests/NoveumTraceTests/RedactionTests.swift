import Testing
@testable import NoveumTrace
import NoveumTraceTesting

@Suite("Redaction")
struct RedactionTests {
    let redactor = Redactor(policy: .standard, isLocalDestination: false)

    @Test(
        "secrets and personal data are replaced",
        arguments: [
            ("key sk-proj-abcdefghijklmnop1234 used", "key [REDACTED:api_key] used"),
            ("sk-ant-api03-AbCdEfGhIjKlMnOpQrSt", "[REDACTED:api_key]"),
            ("aws AKIAIOSFODNN7EXAMPLE here", "aws [REDACTED:api_key] here"),
            ("token ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789", "token [REDACTED:api_key]"),
            ("google AIzaSyD-abcdefghijklmnopqrstuvwxyz12345", "google [REDACTED:api_key]"),
            ("Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.e30.abc", "Authorization: Bearer [REDACTED:bearer_token]"),
            ("mail jane.doe+ai@example.co.uk now", "mail [REDACTED:email] now"),
            ("card 4111 1111 1111 1111 ok", "card [REDACTED:card_number] ok"),
            ("card 5500-0000-0000-0004", "card [REDACTED:card_number]"),
            ("call +44 20 7946 0958 today", "call [REDACTED:phone_number] today"),
            ("call (415) 555-0132 or 415-555-0199", "call [REDACTED:phone_number] or [REDACTED:phone_number]"),
        ])
    func redacts(input: String, expected: String) {
        #expect(redactor.redactText(input) == expected)
    }

    @Test(
        "ordinary text is left alone",
        arguments: [
            "gpt-4o-2024-08-06", "4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7",
            "2026-11-27T03:39:46.591861+00:00", "version 1.2.3.4", "order 1234567890123 (fails Luhn)",
            "4111 1111 1111 1112", "risk-assessment task", "ask-me-anything", "user@localhost", "@mention",
            "550e8400-e29b-41d4-a716-446655440000", "12345", "ratio 0.92 of 13 items", "sk-short",
            "Bearer", "the bearer of news", "+1", "3.14159265358979",
        ])
    func leavesAlone(input: String) {
        #expect(redactor.redactText(input) == input)
    }

    @Test("pseudonyms are stable per value and differ between values and keys")
    func pseudonyms() {
        let policy = RedactionPolicy(pseudonymizationKey: Array("salt-1".utf8))
        let pseudo = Redactor(policy: policy, isLocalDestination: false)
        let first = pseudo.redactText("from jane@example.com")
        #expect(first.hasPrefix("from EMAIL_"))
        #expect(first.count == "from EMAIL_".count + 12)
        #expect(pseudo.redactText("jane@example.com again") == first.dropFirst(5) + " again")
        #expect(pseudo.redactText("john@example.com") != first.dropFirst(5))
        let other = Redactor(policy: RedactionPolicy(pseudonymizationKey: Array("salt-2".utf8)), isLocalDestination: false)
        #expect(other.redactText("jane@example.com") != first.dropFirst(5))
        // Keys are never pseudonymised.
        #expect(pseudo.redactText("sk-abcdefghijklmnopqrstu") == "[REDACTED:api_key]")
    }

    @Test("the exported span is redacted everywhere, content follows the policy, and long values are cut and counted")
    func endToEnd() async throws {
        let remote = InMemoryExporter(name: "remote")
        var config = Configuration(exporters: [remote, LocalMemoryExporter()])
        config.redaction = RedactionPolicy(
            hook: { key, value in key == "internal.secret" ? nil : value }, maxValueLength: 60, content: .truncated(10))
        let client = try NoveumClient(
            apiKey: nil, project: "p", environment: nil, endpoint: nil, serviceVersion: nil, config: config,
            processEnvironment: [:])
        _ = try? client.traceLLM(model: "gpt-4") { span in
            span.setAttributes([
                "llm.input.messages": "Hello, my email is jane@example.com and I need help",
                "user.note": "call me at (415) 555-0132",
                "internal.secret": "drop me",
                "long.value": String(repeating: "x", count: 80),
            ])
            throw TestError(message: "failed for jane@example.com with key sk-abcdefghijklmnopqrst")
        }
        await client.flush()
        let span = try #require(remote.spans.first)
        #expect(span.attributes["llm.input.messages"] == "Hello, my …[truncated 41 chars]")
        #expect(span.attributes["user.note"] == "call me at [REDACTED:phone_number]")
        #expect(span.attributes["internal.secret"] == nil)
        #expect(span.attributes["long.value"] == .string(String(repeating: "x", count: 60) + "…[truncated 20 chars]"))
        #expect(span.statusMessage == "failed for [REDACTED:email] with key [REDACTED:api_key]")
        #expect(span.exception?.message == "failed for [REDACTED:email] with key [REDACTED:api_key]")
        #expect(span.events.first?.attributes["exception.message"] == "failed for [REDACTED:email] with key [REDACTED:api_key]")
        let local = try #require(client.pipelines[1].exporter as? LocalMemoryExporter).memory.spans.first
        #expect(local?.attributes["llm.input.messages"] == "Hello, my email is [REDACTED:email] and I need help")
        #expect(client.stats.exporters[0].truncatedValues == 2)
    }

    @Test("content capture off removes prompts and completions for every exporter")
    func contentOff() async throws {
        let memory = InMemoryExporter()
        var config = Configuration(exporters: [memory])
        config.redaction.content = .off
        let client = try NoveumClient(
            apiKey: nil, project: "p", environment: nil, endpoint: nil, serviceVersion: nil, config: config,
            processEnvironment: [:])
        client.traceLLM(model: "gpt-4") { span in
            span.setAttributes(["llm.input.messages": "secret prompt", "output.value": "answer", "llm.model": "gpt-4"])
        }
        await client.flush()
        let attributes = try #require(memory.spans.first).attributes
        #expect(attributes["llm.input.messages"] == nil && attributes["output.value"] == nil)
        #expect(attributes["llm.model"] == "gpt-4")
    }
}

/// An in-memory exporter that declares itself local, like the console or the local store.
struct LocalMemoryExporter: SpanExporter {
    let memory = InMemoryExporter(name: "local")
    var isLocal: Bool { true }
    func export(_ batch: [SpanData]) async -> ExportResult { await memory.export(batch) }
}
