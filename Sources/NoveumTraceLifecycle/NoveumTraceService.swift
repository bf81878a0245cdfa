import NoveumTrace
import ServiceLifecycle

/// Runs a `NoveumClient` as a swift-service-lifecycle `Service`, so Vapor and Hummingbird apps flush their spans
/// when they shut down.
///
/// Put it last in the service group, so it shuts down after the services that produce spans:
///
/// ```swift
/// let group = ServiceGroup(
///     services: [app, NoveumTraceService(client: NoveumTrace.client)],
///     gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
/// try await group.run()
/// ```
public struct NoveumTraceService: Service {
    /// The client to shut down.
    public let client: NoveumClient
    /// How long shutdown may take to deliver what is buffered.
    public let shutdownTimeout: Duration

    public init(client: NoveumClient, shutdownTimeout: Duration = .seconds(10)) {
        self.client = client
        self.shutdownTimeout = shutdownTimeout
    }

    /// Waits for graceful shutdown (or cancellation), then flushes and stops the client within its deadline.
    public func run() async throws {
        try? await gracefulShutdown()
        await client.shutdown(timeout: shutdownTimeout)
    }
}
