import Foundation
import Testing
@testable import NoveumTrace
import NoveumTraceTesting

@Suite("Trace context: session, user, tags and metadata")
struct TraceContextTests {
    @Test("every span started inside carries the context; nested calls add to it")
    func propagation() async throws {
        let (client, exporter) = try makeClient()
        await NoveumTrace.withContext(sessionID: "conv-1", userID: "user-7", tags: ["tier": "pro"]) {
            await client.traceOperation("outer") { _ in
                await Task.yield()
                await NoveumTrace.withContext(requestID: "req-9", tags: ["step": "rank"], metadata: ["ab": "B"]) {
                    await Task { client.startSpan(name: "child-task").end() }.value
                }
            }
        }
        client.traceOperation("outside") { _ in }
        await client.flush()
        let outer = try #require(exporter.spans.named("outer")).attributes
        #expect(outer["session.id"] == "conv-1")
        #expect(outer["gen_ai.conversation.id"] == "conv-1")
        #expect(outer["user.id"] == "user-7")
        #expect(outer["noveum.tags.tier"] == "pro")
        #expect(outer["request.id"] == nil)
        let child = try #require(exporter.spans.named("child-task")).attributes
        #expect(child["session.id"] == "conv-1")
        #expect(child["request.id"] == "req-9")
        #expect(child["noveum.tags.tier"] == "pro" && child["noveum.tags.step"] == "rank")
        #expect(child["noveum.metadata.ab"] == "B")
        let outside = try #require(exporter.spans.named("outside")).attributes
        #expect(outside["session.id"] == nil)
    }

    @Test("the Noveum payload's metadata block is filled from the context")
    func noveumMetadata() throws {
        let context = ExporterContext.standalone(project: "p")
        var attributes = TraceContext(sessionID: "s1", userID: "u1", requestID: "r1", tags: ["env": "blue"], metadata: ["k": "v"]).attributes
        attributes["llm.model"] = "gpt-4"
        let span = SpanData(
            context: SpanContext(traceID: TraceID(high: 1, low: 2), spanID: SpanID(rawValue: 3), isSampled: true),
            name: "root", startTimeNanos: 1_000_000_000, endTimeNanos: 2_000_000_000, status: .ok, attributes: attributes)
        let body = NoveumJSONEncoder(context: context).encode([span], timestampNanos: 0)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(body)) as? [String: Any])
        let trace = try #require((json["traces"] as? [[String: Any]])?.first)
        let metadata = try #require(trace["metadata"] as? [String: Any])
        #expect(metadata["user_id"] as? String == "u1")
        #expect(metadata["session_id"] as? String == "s1")
        #expect(metadata["request_id"] as? String == "r1")
        #expect(metadata["tags"] as? [String: String] == ["env": "blue"])
        #expect(metadata["custom_attributes"] as? [String: String] == ["k": "v"])
    }
}
