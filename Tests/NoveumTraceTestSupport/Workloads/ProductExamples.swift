import NoveumTrace

/// The error the product document's example records.
package struct ValueError: Error, CustomStringConvertible {
    package init() {}
    package var description: String { "boom" }
}

/// The product document's "Batch Span Creation for Multiple Operations" (and the Python SDK's parity workload,
/// `Scripts/python/parity_workload.py`): a batch span with one child per query; the first child succeeds, every
/// other one fails with ``ValueError``.
package func recordBatchExample(on client: NoveumClient, queries: [String] = ["q", "q"]) {
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
}

/// A tiny, fast retry policy for tests.
package let fastRetries = HTTPRetryPolicy(
    maxAttempts: 4, initialBackoff: .milliseconds(1), maxBackoff: .milliseconds(5), maxRetryAfter: .milliseconds(50))
