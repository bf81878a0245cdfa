import Testing
@testable import NoveumTrace

/// An exporter that holds every call until the test releases it, and records which batches were in flight at once.
final class HeldExporter: SpanExporter, Sendable {
    private struct State {
        /// The span names of each call, in the order the calls arrived.
        var calls: [[String]] = []
        var held: [Int: CheckedContinuation<Void, Never>] = [:]
        var released: Set<Int> = []
        var releaseAll = false
        var inFlight = 0
        var maxInFlight = 0
        var callWaiters: [(count: Int, continuation: CheckedContinuation<Void, Never>)] = []
    }

    private let state = LockedValue(State())
    let supportsConcurrentExports: Bool
    var name: String { "held" }

    init(concurrent: Bool) {
        supportsConcurrentExports = concurrent
    }

    var calls: [[String]] { state.withLock { $0.calls } }
    var maxInFlight: Int { state.withLock { $0.maxInFlight } }

    func export(_ batch: [SpanData]) async -> ExportResult {
        let (index, arrived) = state.withLock { state in
            state.calls.append(batch.map(\.name))
            state.inFlight += 1
            state.maxInFlight = max(state.maxInFlight, state.inFlight)
            let count = state.calls.count
            let arrived = state.callWaiters.filter { $0.count <= count }.map(\.continuation)
            state.callWaiters.removeAll { $0.count <= count }
            return (count - 1, arrived)
        }
        for waiter in arrived { waiter.resume() }
        await withCheckedContinuation { continuation in
            let go = state.withLock { state -> Bool in
                if state.releaseAll || state.released.contains(index) { return true }
                state.held[index] = continuation
                return false
            }
            if go { continuation.resume() }
        }
        state.withLock { $0.inFlight -= 1 }
        return .success
    }

    /// Lets the call with this arrival index return.
    func release(_ index: Int) {
        let held = state.withLock { state in
            state.released.insert(index)
            return state.held.removeValue(forKey: index)
        }
        held?.resume()
    }

    /// Lets every held call and every later one return.
    func releaseAll() {
        let held = state.withLock { state in
            state.releaseAll = true
            defer { state.held = [:] }
            return Array(state.held.values)
        }
        for continuation in held { continuation.resume() }
    }

    /// Returns once `count` calls have arrived.
    func waitForCalls(_ count: Int) async {
        await withCheckedContinuation { continuation in
            let arrived = state.withLock { state -> Bool in
                if state.calls.count >= count { return true }
                state.callWaiters.append((count, continuation))
                return false
            }
            if arrived { continuation.resume() }
        }
    }
}

@Suite("Concurrent exports")
struct ConcurrentExportTests {
    func client(_ exporter: HeldExporter, maxConcurrentExports: Int) throws -> NoveumClient {
        try NoveumClient(
            apiKey: nil, project: "p", environment: nil, endpoint: nil, serviceVersion: nil,
            config: Configuration(
                batchSize: 10, maxQueueSize: 100, scheduleDelay: .seconds(600), maxConcurrentExports: maxConcurrentExports,
                exporters: [exporter]),
            processEnvironment: [:])
    }

    @Test("an exporter that allows it gets up to maxConcurrentExports batches at once, never more")
    func boundedConcurrency() async throws {
        let exporter = HeldExporter(concurrent: true)
        let client = try client(exporter, maxConcurrentExports: 2)
        for i in 0..<40 { client.startSpan(name: "s\(i)").end() }
        await exporter.waitForCalls(2)
        #expect(exporter.calls.count == 2)
        exporter.releaseAll()
        #expect(await client.flush() == 0)
        #expect(exporter.maxInFlight == 2)
        #expect(exporter.calls.count == 4)
        #expect(exporter.calls.allSatisfy { $0.count == 10 })
        #expect(Set(exporter.calls.joined()) == Set((0..<40).map { "s\($0)" }))
        let stats = client.stats.exporters[0]
        #expect(stats.exported == 40 && stats.batches == 4 && stats.buffered == 0)
    }

    @Test("a batch that finishes before an earlier one is not counted as processed until the earlier one is")
    func inOrderAccounting() async throws {
        let exporter = HeldExporter(concurrent: true)
        let client = try client(exporter, maxConcurrentExports: 2)
        for i in 0..<10 { client.startSpan(name: "first\(i)").end() }
        await exporter.waitForCalls(1)
        for i in 0..<10 { client.startSpan(name: "second\(i)").end() }
        await exporter.waitForCalls(2)
        // The flush starts once both full batches are out: started earlier, it would let the pipeline send the
        // second batch's first spans as a partial batch, and the test would depend on timing.
        let flushed = Task { await client.flush() }
        let calls = exporter.calls
        let secondCall = try #require(calls.firstIndex { $0.first == "second0" })
        exporter.release(secondCall)
        await client.pipelines[0].waitForProgress(batches: 1)
        // The later batch is delivered, but the earlier one is still in flight: flush waits on the spans processed
        // in queue order, which do not move yet, so the flush cannot return.
        let during = client.stats
        #expect(during.spansExported == 10)
        #expect(during.spansBuffered == 10)
        #expect(client.pipelines[0].processedInOrder == 0)
        exporter.release(1 - secondCall)
        #expect(await flushed.value == 0)
        #expect(await client.flush() == 0)
        let after = client.stats
        #expect(after.spansExported == 20 && after.spansBuffered == 0)
        #expect(client.pipelines[0].processedInOrder == 20)
        #expect(exporter.maxInFlight == 2)
    }

    @Test("two batches still go out at once after the queue has drained", .timeLimit(.minutes(1)))
    func concurrencyAfterDrain() async throws {
        let exporter = HeldExporter(concurrent: true)
        let client = try client(exporter, maxConcurrentExports: 2)
        exporter.release(0)
        for i in 0..<10 { client.startSpan(name: "warm\(i)").end() }
        #expect(await client.flush() == 0)
        // The loop has finished that drain, so what follows starts a new one.
        await client.pipelines[0].waitForProgress(drains: 1)
        for i in 0..<10 { client.startSpan(name: "a\(i)").end() }
        await exporter.waitForCalls(2)
        for i in 0..<10 { client.startSpan(name: "b\(i)").end() }
        // The third call arrives while the second is still held.
        await exporter.waitForCalls(3)
        #expect(exporter.maxInFlight == 2)
        exporter.releaseAll()
        #expect(await client.flush() == 0)
        #expect(client.stats.spansExported == 30)
    }

    @Test(
        "one batch at a time, in order: an exporter that does not allow more (whatever the setting), or the setting 1",
        arguments: [(concurrent: false, limit: 4), (concurrent: true, limit: 1)])
    func oneAtATime(concurrent: Bool, limit: Int) async throws {
        let exporter = HeldExporter(concurrent: concurrent)
        let client = try client(exporter, maxConcurrentExports: limit)
        for i in 0..<30 { client.startSpan(name: "s\(i)").end() }
        await exporter.waitForCalls(1)
        exporter.releaseAll()
        #expect(await client.flush() == 0)
        #expect(exporter.maxInFlight == 1)
        #expect(exporter.calls.map { $0.first } == ["s0", "s10", "s20"])
    }

    @Test("shutdown counts spans still queued behind batches in flight, and nothing is counted twice")
    func shutdownWithBatchesInFlight() async throws {
        let exporter = HeldExporter(concurrent: true)
        let client = try client(exporter, maxConcurrentExports: 2)
        for i in 0..<35 { client.startSpan(name: "s\(i)").end() }
        await exporter.waitForCalls(2)
        let undelivered = await client.shutdown(timeout: .milliseconds(200))
        // Two batches (20 spans) are held in flight; 15 wait in the queue and are stranded by the shutdown.
        #expect(undelivered >= 15)
        let stranded = client.stats
        #expect(stranded.spansDropped[.shutdown] == 15)
        exporter.releaseAll()
        await client.pipelines[0].waitForProgress(batches: 2)
        let after = client.stats
        #expect(after.spansExported == 20)
        #expect(after.spansBuffered == 0)
        #expect(after.spansEnded == after.spansExported + (after.spansDropped[.shutdown] ?? 0))
    }
}
