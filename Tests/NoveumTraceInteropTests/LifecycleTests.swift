import Logging
import NoveumTrace
import NoveumTraceLifecycle
import NoveumTraceTesting
import ServiceLifecycle
import Testing

@Suite("swift-service-lifecycle")
struct LifecycleTests {
    @Test("graceful shutdown of the service group flushes and stops the client")
    func gracefulShutdown() async throws {
        let exporter = InMemoryExporter()
        let client = try NoveumClient(project: "lifecycle", config: Configuration(exporters: [exporter]))
        let group = ServiceGroup(
            configuration: .init(services: [.init(service: NoveumTraceService(client: client))], logger: Logger(label: "test")))
        let running = Task { try await group.run() }
        client.startSpan(name: "buffered").end()
        await group.triggerGracefulShutdown()
        try await running.value
        #expect(exporter.spans.map(\.name) == ["buffered"])
        #expect(exporter.isShutdown)
    }
}
