@testable import NoveumTrace
import Tracing

/// Builds contexts the way an HTTP server integration would: extract `traceparent` from request headers.
enum InstrumentationContextFixture {
    struct HeaderExtractor: Extractor {
        func extract(key: String, from carrier: [String: String]) -> String? { carrier[key] }
    }

    struct HeaderInjector: Injector {
        func inject(_ value: String, forKey key: String, into carrier: inout [String: String]) { carrier[key] = value }
    }

    static func extract(_ traceparent: String, tracestate: String? = nil, client: NoveumClient) -> InstrumentationContext {
        var context = InstrumentationContext.topLevel
        var headers = ["traceparent": traceparent]
        if let tracestate { headers["tracestate"] = tracestate }
        client.extract(headers, into: &context, using: HeaderExtractor())
        return context
    }

    static func run(in context: InstrumentationContext, _ body: () async -> Void) async {
        await InstrumentationContext.$current.withValue(context) { await body() }
    }
}
