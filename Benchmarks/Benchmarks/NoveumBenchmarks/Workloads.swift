import Benchmark
import BenchmarkSupport
import NoveumTrace
import Tracing

// The workloads, once on our own API and once on swift-distributed-tracing's `Tracer` API for the baselines.
// Each function makes its spans and nothing else; the generic ones are specialised for each tracer.

// MARK: Our API

enum NoveumWork {
    /// A sampled span started and finished by hand.
    @inline(__always)
    static func startFinish(_ client: NoveumClient) {
        let span = client.startSpan(name: "op")
        client.finishSpan(span)
    }

    /// The same, through the inline closure.
    @inline(__always)
    static func traceOperation() async {
        await NoveumTrace.traceOperation("op") { (span: NoveumSpan) async in blackHole(span) }
    }

    /// The same, synchronous.
    @inline(__always)
    static func traceOperationSync() {
        NoveumTrace.traceOperation("op") { span in blackHole(span) }
    }

    /// The synchronous closure on `client` (the sampled-out cases).
    @inline(__always)
    static func traceOperationSync(_ client: NoveumClient) {
        client.traceOperation("op") { span in blackHole(span) }
    }

    /// A span with four attributes (string, int, double, bool), set one call at a time.
    @inline(__always)
    static func fourAttributes(_ client: NoveumClient) {
        Fixtures.fourAttributesSpan(client)
    }

    /// The same four attributes in one dictionary literal, the README's idiom.
    @inline(__always)
    static func fourAttributesDictionary(_ client: NoveumClient) {
        let span = client.startSpan(name: "op")
        span.setAttributes(["attr.string": "value", "attr.int": 42, "attr.double": 3.25, "attr.bool": true])
        client.finishSpan(span)
    }

    /// One LLM call: `traceLLM` writes 8 attributes (model, provider, operation in three vocabularies), the body
    /// adds the usual 5 from the response.
    @inline(__always)
    static func llmCall() async {
        await NoveumTrace.traceLLM(model: "gpt-4o", provider: "openai") { (span: NoveumSpan) async in
            span.setAttributes([
                "llm.input_tokens": 1200, "llm.output_tokens": 300, "llm.total_tokens": 1500,
                "llm.cost.total": 0.0105, "llm.finish_reason": "stop",
            ])
        }
    }

    /// An LLM span by hand with the attributes an exporter usually carries (the delivery benchmarks' span).
    @inline(__always)
    static func llmSpanByHand(_ client: NoveumClient) {
        let span = client.startSpan(name: "chat gpt-4o", kind: .client)
        span.setAttributes(ExportFixtures.llmAttributes)
        client.finishSpan(span)
    }

    /// A three-level tree of inline closures: 3 spans.
    @inline(__always)
    static func nestedTree() async {
        await NoveumTrace.traceOperation("root") { _ in
            await NoveumTrace.traceOperation("child") { _ in
                await NoveumTrace.traceOperation("leaf") { (span: NoveumSpan) async in blackHole(span) }
            }
        }
    }

    /// One trace of 10 spans by hand: a root and 9 children started with the root's id (the Python comparison's
    /// workload).
    @inline(__always)
    static func traceOfTen(_ client: NoveumClient) {
        let root = client.startSpan(name: "trace")
        let rootID = root.spanID
        for _ in 0..<9 {
            let child = client.startSpan(name: "span", parentSpanID: rootID)
            client.finishSpan(child)
        }
        client.finishSpan(root)
    }
}

// MARK: swift-distributed-tracing's API

enum TracerWork {
    @inline(__always)
    static func startFinish<T: Tracer>(_ tracer: T) {
        let span = tracer.startSpan("op")
        span.end()
        blackHole(span)
    }

    @inline(__always)
    static func withSpan<T: Tracer>(_ tracer: T) async {
        await tracer.withSpan("op") { (span: T.Span) async in blackHole(span) }
    }

    @inline(__always)
    static func withSpanSync<T: Tracer>(_ tracer: T) {
        tracer.withSpan("op") { (span: T.Span) in blackHole(span) }
    }

    @inline(__always)
    static func fourAttributes<T: Tracer>(_ tracer: T) {
        blackHole(Fixtures.fourAttributesSpan(tracer))
    }

    @inline(__always)
    static func fourAttributesBatch<T: Tracer>(_ tracer: T) {
        let span = tracer.startSpan("op")
        span.updateAttributes { attributes in
            attributes["attr.string"] = "value"
            attributes["attr.int"] = 42
            attributes["attr.double"] = 3.25
            attributes["attr.bool"] = true
        }
        span.end()
        blackHole(span)
    }

    /// The same 13 attributes as ``NoveumWork/llmCall()``, in one batch update.
    @inline(__always)
    static func llmCall<T: Tracer>(_ tracer: T) async {
        await tracer.withSpan("chat gpt-4o", ofKind: .client) { (span: T.Span) async in
            span.updateAttributes { attributes in
                attributes["llm.model"] = "gpt-4o"
                attributes["llm.provider"] = "openai"
                attributes["llm.operation"] = "chat"
                attributes["gen_ai.operation.name"] = "chat"
                attributes["gen_ai.request.model"] = "gpt-4o"
                attributes["gen_ai.provider.name"] = "openai"
                attributes["openinference.span.kind"] = "LLM"
                attributes["llm.model_name"] = "gpt-4o"
                attributes["llm.input_tokens"] = 1200
                attributes["llm.output_tokens"] = 300
                attributes["llm.total_tokens"] = 1500
                attributes["llm.cost.total"] = 0.0105
                attributes["llm.finish_reason"] = "stop"
            }
        }
    }

    @inline(__always)
    static func nestedTree<T: Tracer>(_ tracer: T) async {
        await tracer.withSpan("root") { (_: T.Span) async in
            await tracer.withSpan("child") { (_: T.Span) async in
                await tracer.withSpan("leaf") { (span: T.Span) async in blackHole(span) }
            }
        }
    }

    @inline(__always)
    static func traceOfTen<T: Tracer>(_ tracer: T) {
        let root = tracer.startSpan("trace")
        let context = root.context
        for _ in 0..<9 {
            let child = tracer.startSpan("span", context: context)
            child.end()
            blackHole(child)
        }
        root.end()
        blackHole(root)
    }
}
