import Logging

/// What a client tells each of its exporters when it starts them: who is tracing, the resource, a logger, and a
/// way to report retries into ``NoveumStats``.
///
/// Exporters are usually created before the client (in ``Configuration/exporters``), so they learn the project,
/// environment and service from here instead of repeating them.
public struct ExporterContext: Sendable {
    /// The client's settings: project, environment, endpoint, service version.
    public let settings: ClientSettings
    /// The resource every span of this client belongs to.
    public let resource: Resource
    /// The SDK's logger.
    public let logger: Logger
    private let retryCounter: @Sendable (Int) -> Void
    /// The exporter's disk buffer, when ``Configuration/diskBuffer`` is set and the exporter uses one.
    let diskBuffer: DiskBuffer?

    init(
        settings: ClientSettings, resource: Resource, logger: Logger, diskBuffer: DiskBuffer? = nil,
        retryCounter: @escaping @Sendable (Int) -> Void
    ) {
        self.settings = settings
        self.resource = resource
        self.logger = logger
        self.diskBuffer = diskBuffer
        self.retryCounter = retryCounter
    }

    /// A context for exporters used outside a client, in tests.
    ///
    /// It never fails: an `endpoint` that is not an http(s) URL with a host is replaced by
    /// ``ClientSettings/defaultEndpoint``, and an empty `project` by `default`.
    public static func standalone(
        project: String = "default", environment: String = "development", serviceVersion: String? = nil,
        endpoint: String? = nil, apiKey: String? = nil
    ) -> ExporterContext {
        let project = project.isEmpty ? "default" : project
        let settings =
            (try? ClientSettings(
                apiKey: apiKey, project: project, environment: environment, endpoint: endpoint,
                serviceVersion: serviceVersion, processEnvironment: [:]))
            ?? ClientSettings(
                unchecked: project, environment: environment, apiKey: apiKey, serviceVersion: serviceVersion)
        return ExporterContext(
            settings: settings, resource: Resource(settings: settings, environment: [:]),
            logger: Logger(label: "noveum.trace"), retryCounter: { _ in })
    }

    /// The API key configured for the client, for exporters that authenticate with it. Never log it.
    public var apiKey: String? { settings.apiKey }

    /// Counts `count` repeated requests in the exporter's ``ExporterStats/retries``.
    public func recordRetries(_ count: Int) {
        retryCounter(count)
    }
}
