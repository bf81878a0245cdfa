import Testing
@testable import NoveumTrace
import NoveumTraceTesting
import Tracing

@Suite("Sampled-out spans")
struct SampledOutSpanTests {
    @Test("a span handle is a value: copies are the same span, other spans are not")
    func handles() throws {
        let (client, _) = try makeClient()
        let span = client.startSpan(name: "one")
        let copy = span
        let other = client.startSpan(name: "two")
        #expect(copy == span)
        #expect(other != span)
        #expect(Set([span, copy, other]).count == 2)
        copy.setAttribute("via.copy", true)
        client.finishSpan(span)
        client.finishSpan(other)
        #expect(span.attributeList["via.copy"] == .bool(true))
        #expect(copy.isEnded)
    }

    @Test("a sampled-out span carries its ids: its traceparent has the sampled flag 00")
    func traceparent() throws {
        let (client, _) = try makeClient(samplingRate: 0)
        let span = client.startSpan(name: "dropped", kind: .client)
        #expect(!span.isRecording)
        #expect(!span.spanContext.isSampled)
        #expect(span.name.isEmpty)  // a sampled-out span keeps only its ids
        #expect(span.kind == .client)
        #expect(span.parentSpanID == nil)
        #expect(span.traceparent == "00-\(span.traceID)-\(span.spanContext.spanID)-00")
        span.setAttributes(["ignored": 1])
        span.setStatus(.error, "ignored")
        #expect(span.attributeList.isEmpty)
        #expect(span.status == .unset)
        client.finishSpan(span)
    }

    @Test("children started by a sampled-out span's id, from another task, are sampled out in its trace")
    func fanOutByID() async throws {
        let (client, exporter) = try makeClient(samplingRate: 0)
        let registry = SampledOutSpanRegistry.shared
        let batch = client.startSpan(name: "batch")
        let batchID = batch.spanID
        #expect(registry.lookup(batchID) != nil)
        let children = await withTaskGroup(of: NoveumSpan.self) { group in
            for index in 0..<4 {
                group.addTask {
                    let child = client.startSpan(name: "item_\(index)", parentSpanID: batchID)
                    client.finishSpan(child)
                    return child
                }
            }
            return await group.reduce(into: [NoveumSpan]()) { $0.append($1) }
        }
        #expect(children.count == 4)
        for child in children {
            #expect(!child.isRecording)
            #expect(child.traceID == batch.traceID)
            #expect(child.parentSpanID == batchID)
            #expect(child.spanContext.spanID != batchID)
        }
        #expect(client.stats.unresolvedParents == 0)
        client.finishSpan(batch)
        #expect(registry.lookup(batchID) == nil)

        // After its end the id names no open span: a new trace, counted like any unknown id.
        let late = client.startSpan(name: "late", parentSpanID: batchID)
        #expect(late.traceID != batch.traceID)
        #expect(late.attributeList.isEmpty)  // sampled out: the unresolved-parent attribute is not recorded either
        #expect(client.stats.unresolvedParents == 1)
        client.finishSpan(late)
        await client.flush()
        #expect(exporter.spans.isEmpty)
        #expect(client.stats.spansSampledOut == 6)
    }

    @Test("the registry keeps at most its capacity, forgetting the oldest half of a full shard")
    func registryBound() throws {
        let registry = SampledOutSpanRegistry(capacityPerShard: 4)
        func span(_ id: UInt64) -> NoveumSpan {
            NoveumSpan(
                SpanContext(traceID: TraceID(high: 1, low: 1), spanID: SpanID(rawValue: id), isSampled: false),
                unrecorded: NonRecordingSpan(
                    parentSpanID: nil, parentIsRemote: false, kind: .internal, baseContext: nil,
                    contextSpanAtStart: nil))
        }
        // Ids 16, 32, 48, … all fall in shard 0.
        for index in 1...5 { registry.insert(span(UInt64(index * 16))) }
        // The fifth entry overflowed the shard of 4: the three oldest went, the two newest stayed.
        #expect(registry.registeredCount == 2)
        #expect(registry.lookup(SpanID(rawValue: 16)) == nil)
        #expect(registry.lookup(SpanID(rawValue: 64))?.spanContext.spanID.rawValue == 64)
        #expect(registry.lookup(SpanID(rawValue: 80))?.spanContext.spanID.rawValue == 80)
        // Registering again is idempotent; other shards have their own room.
        registry.insert(span(80))
        for index in 1...4 { registry.insert(span(UInt64(index * 16 + 1))) }
        #expect(registry.registeredCount == 6)
        registry.remove(SpanID(rawValue: 64))
        registry.remove(SpanID(rawValue: 64))
        registry.remove(SpanID(rawValue: 80))
        for index in 1...4 { registry.remove(SpanID(rawValue: UInt64(index * 16 + 1))) }
        #expect(registry.registeredCount == 0)
    }

    @Test("a library's withSpan inside a sampled-out closure is a sampled-out child in the same trace")
    func libraryChild() async throws {
        let (client, exporter) = try makeClient(samplingRate: 0)
        client.traceOperation("root") { root in
            let child = client.withSpan("library") { library in
                #expect(client.activeSpan(identifiedBy: InstrumentationContext.current ?? .topLevel) == library)
                return library
            }
            #expect(!child.isRecording)
            #expect(child.traceID == root.traceID)
            #expect(child.parentSpanID == root.spanContext.spanID)
            #expect(NoveumTrace.currentSpan == root)
        }
        await client.flush()
        #expect(exporter.spans.isEmpty)
    }

    @Test("a sampled-out closure binds its span inline: children, currentSpan and inject see it, and nothing is boxed")
    func inlineBinding() async throws {
        let (client, exporter) = try makeClient(samplingRate: 0)
        #expect(!ActiveSpan.binding.get().isActive)
        await client.traceOperation("root", kind: .client) { root in
            let bound = ActiveSpan.binding.get()
            #expect(bound.inline.isPresent)
            #expect(bound.span == nil)  // held inline: no box was allocated
            let current = NoveumTrace.currentSpan
            #expect(current == root)
            #expect(current?.spanContext == root.spanContext)
            #expect(current?.kind == .client)
            #expect(current?.parentSpanID == nil)
            #expect(current?.isRecording == false)

            var headers: [String: String] = [:]
            client.inject(.topLevel, into: &headers, using: InstrumentationContextFixture.HeaderInjector())
            #expect(headers["traceparent"] == root.traceparent)
            #expect(headers["traceparent"]?.hasSuffix("-00") == true)

            client.traceOperation("child") { child in
                #expect(child.traceID == root.traceID)
                #expect(child.parentSpanID == root.spanContext.spanID)
                #expect(!child.isRecording)
                #expect(NoveumTrace.currentSpan == child)
                #expect(NoveumTrace.currentSpan?.parentSpanID == root.spanContext.spanID)
                let grandchild = client.startSpan(name: "manual")
                #expect(grandchild.traceID == root.traceID)
                #expect(grandchild.parentSpanID == child.spanContext.spanID)
                client.finishSpan(grandchild)
            }
            #expect(NoveumTrace.currentSpan == root)
            let task = Task { NoveumTrace.currentSpan }
            #expect(await task.value == root)
        }
        #expect(NoveumTrace.currentSpan == nil)
        await client.flush()
        #expect(exporter.spans.isEmpty)
        #expect(client.stats.spansSampledOut == 3)
    }

    @Test("a sampled-out span with a tracestate or a start context is boxed, and reads the same")
    func boxedBinding() async throws {
        let (client, exporter) = try makeClient(samplingRate: 0)
        // A start context: the binding keeps it (its span's `context` starts from it).
        let incoming = InstrumentationContextFixture.extract(
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00", tracestate: "vendor=abc", client: client)
        await InstrumentationContextFixture.run(in: incoming) {
            client.traceOperation("remote child") { span in
                #expect(ActiveSpan.binding.get().span != nil)
                #expect(!ActiveSpan.binding.get().inline.isPresent)
                #expect(span.traceID.description == "4bf92f3577b34da6a3ce929d0e0e4736")
                #expect(span.parentSpanID?.description == "00f067aa0ba902b7")
                #expect(NoveumTrace.currentSpan == span)
                var headers: [String: String] = [:]
                client.inject(
                    InstrumentationContext.current ?? .topLevel, into: &headers,
                    using: InstrumentationContextFixture.HeaderInjector())
                #expect(headers["traceparent"] == "00-4bf92f3577b34da6a3ce929d0e0e4736-\(span.spanContext.spanID)-00")
                #expect(headers["tracestate"] == "vendor=abc")
                client.traceOperation("grandchild") { child in
                    #expect(child.parentSpanID == span.spanContext.spanID)
                    #expect(child.spanContext.traceState == "vendor=abc")
                }
            }
        }
        // A tracestate without a start context (a span made by hand, bound with withActive).
        let stated = NoveumSpan(
            SpanContext(
                traceID: TraceID(high: 7, low: 9), spanID: SpanID(rawValue: 11), isSampled: false,
                traceState: "k=v"),
            unrecorded: NonRecordingSpan(
                parentSpanID: nil, parentIsRemote: false, kind: .internal, baseContext: nil, contextSpanAtStart: nil))
        stated.withActive {
            #expect(ActiveSpan.binding.get().span != nil)
            #expect(NoveumTrace.currentSpan?.spanContext.traceState == "k=v")
            let child = client.startSpan(name: "child")
            #expect(child.traceID == TraceID(high: 7, low: 9))
            #expect(child.parentSpanID == SpanID(rawValue: 11))
            #expect(child.spanContext.traceState == "k=v")
            client.finishSpan(child)
        }
        await client.flush()
        #expect(exporter.spans.isEmpty)
    }
}
