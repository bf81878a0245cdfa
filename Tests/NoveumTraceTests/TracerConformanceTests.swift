import Testing
@testable import NoveumTrace
import NoveumTraceTesting
import Tracing

@Suite("swift-distributed-tracing conformance")
struct TracerConformanceTests {
    @Test("withSpan from Tracing and our closures nest into one tree")
    func mixedNesting() async throws {
        let (client, exporter) = try makeClient()
        await client.withSpan("library.request", ofKind: .server) { librarySpan in
            librarySpan.attributes["http.request.method"] = "GET"
            await client.traceLLM(model: "gpt-4") { llm in
                await Task.yield()
                client.withSpan("library.inner") { inner in
                    inner.setStatus(.init(code: .error, message: "inner failed"))
                }
                llm.setStatus(.ok)
            }
        }
        await client.flush()
        let spans = exporter.spans
        let server = try #require(spans.named("library.request"))
        let llm = try #require(spans.named("chat gpt-4"))
        let inner = try #require(spans.named("library.inner"))
        #expect(server.kind == .server)
        #expect(server.attributes["http.request.method"] == "GET")
        #expect(llm.parentSpanID == server.spanID)
        #expect(inner.parentSpanID == llm.spanID)
        #expect(inner.status == .error && inner.statusMessage == "inner failed")
        #expect(Set(spans.map(\.traceID)).count == 1)
    }

    @Test("closure, library withSpan, closure, Tracer startSpan: each is the child of the one around it")
    func closureOutermostNesting() async throws {
        let (client, exporter) = try makeClient()
        client.traceOperation("outer") { outer in
            #expect(client.activeSpan(identifiedBy: InstrumentationContext.current ?? .topLevel) == outer)
            client.withSpan("library") { library in
                #expect(client.activeSpan(identifiedBy: InstrumentationContext.current ?? .topLevel) == library)
                client.traceOperation("inner") { inner in
                    #expect(NoveumTrace.currentSpan == inner)
                    #expect(client.activeSpan(identifiedBy: InstrumentationContext.current ?? .topLevel) == inner)
                    // What AsyncHTTPClient does for an outgoing request.
                    let request = client.startSpan("http.client", context: InstrumentationContext.current ?? .topLevel)
                    var headers: [String: String] = [:]
                    client.inject(
                        InstrumentationContext.current ?? .topLevel, into: &headers,
                        using: InstrumentationContextFixture.HeaderInjector())
                    #expect(headers["traceparent"] == inner.traceparent)
                    request.end()
                }
            }
        }
        await client.flush()
        let spans = exporter.spans
        let outer = try #require(spans.named("outer"))
        let library = try #require(spans.named("library"))
        let inner = try #require(spans.named("inner"))
        let request = try #require(spans.named("http.client"))
        #expect(outer.parentSpanID == nil)
        #expect(library.parentSpanID == outer.spanID)
        #expect(inner.parentSpanID == library.spanID)
        #expect(request.parentSpanID == inner.spanID)
        #expect(Set(spans.map(\.traceID)).count == 1)
    }

    @Test("a context captured before a closure and handed in from inside it resolves to the closure's span")
    func explicitOuterContext() async throws {
        let (client, exporter) = try makeClient()
        client.withSpan("request") { _ in
            let captured = InstrumentationContext.current ?? .topLevel
            client.traceOperation("step") { _ in
                client.withSpan("sibling", context: captured) { _ in }
            }
        }
        await client.flush()
        let spans = exporter.spans
        let request = try #require(spans.named("request"))
        let step = try #require(spans.named("step"))
        let sibling = try #require(spans.named("sibling"))
        #expect(step.parentSpanID == request.spanID)
        // The captured context names the request span; the closure's span was started under that same context, so
        // code handing it over from inside the closure still gets the closure's span as the parent.
        #expect(sibling.parentSpanID == step.spanID)
    }

    @Test("inject writes traceparent and tracestate for the active span")
    func inject() async throws {
        let (client, _) = try makeClient()
        let incoming = InstrumentationContextFixture.extract(
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", tracestate: "vendor=abc", client: client)
        await InstrumentationContextFixture.run(in: incoming) {
            client.traceOperation("outgoing") { span in
                var headers: [String: String] = [:]
                client.inject(InstrumentationContext.current!, into: &headers, using: InstrumentationContextFixture.HeaderInjector())
                #expect(headers["traceparent"] == "00-4bf92f3577b34da6a3ce929d0e0e4736-\(span.spanContext.spanID)-01")
                #expect(headers["tracestate"] == "vendor=abc")
            }
        }
    }

    @Test("a malformed traceparent is ignored and a new trace starts")
    func malformedTraceparent() async throws {
        let (client, exporter) = try makeClient()
        let context = InstrumentationContextFixture.extract("00-zz-00f067aa0ba902b7-01", client: client)
        await InstrumentationContextFixture.run(in: context) {
            client.traceOperation("fresh") { _ in }
        }
        await client.flush()
        #expect(exporter.spans.first?.parentSpanID == nil)
    }

    @Test("recordError, events and links through the Tracing API")
    func tracingSpanAPI() async throws {
        let (client, exporter) = try makeClient()
        let other = client.startSpan(name: "other")
        other.end()
        let span = client.startSpan("tracing-api")
        span.recordError(TestError(message: "bad"), attributes: ["retry": 1])
        span.addEvent(SpanEvent(name: "checkpoint", attributes: ["step": 2]))
        span.addLink(SpanLink(context: other.context, attributes: [:]))
        span.operationName = "renamed"
        span.end()
        await client.flush()
        let exported = try #require(exporter.spans.named("renamed"))
        #expect(exported.exception?.message == "bad")
        #expect(exported.events.map(\.name) == ["exception", "checkpoint"])
        #expect(exported.events[0].attributes["retry"] == .int(1))
        #expect(exported.links.first?.context.spanID == other.spanContext.spanID)
    }
}
