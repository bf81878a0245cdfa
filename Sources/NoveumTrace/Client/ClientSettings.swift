/// Who is tracing: the API key, project, environment, endpoint and service version a client was set up with.
///
/// An argument passed in code wins; a nil argument falls back to `NOVEUM_API_KEY`, `NOVEUM_PROJECT`,
/// `NOVEUM_ENVIRONMENT`, `NOVEUM_ENDPOINT` and `NOVEUM_SERVICE_VERSION`, then to the defaults.
public struct ClientSettings: Sendable, Hashable, CustomStringConvertible {
    /// The default Noveum API endpoint.
    public static let defaultEndpoint = "https://api.noveum.ai/api"

    /// The API key, kept out of every description.
    let apiKey: String?
    /// The project the traces belong to; default `default`.
    public let project: String
    /// The deployment environment; default `development`.
    public let environment: String
    /// The Noveum API base URL; requests go to `{endpoint}/v1/traces`.
    public let endpoint: String
    /// The version of the traced service, if known.
    public let serviceVersion: String?

    /// Whether an API key is configured.
    public var hasAPIKey: Bool { apiKey != nil }

    /// The settings with the API key masked, and the endpoint without user information or query.
    public var description: String {
        "ClientSettings(project: \(project), environment: \(environment), endpoint: \(HTTPURLCheck.redacted(endpoint)), "
            + "serviceVersion: \(serviceVersion ?? "nil"), apiKey: \(apiKey == nil ? "none" : "<redacted>"))"
    }

    /// Settings of the SDK's own making, valid by construction (the disabled client's): nothing is checked.
    init(unchecked project: String) {
        apiKey = nil
        self.project = project
        environment = "development"
        endpoint = Self.defaultEndpoint
        serviceVersion = nil
    }

    init(
        apiKey: String?, project: String?, environment: String?, endpoint: String?, serviceVersion: String?,
        processEnvironment: [String: String]
    ) throws(NoveumTraceError) {
        let env = EnvironmentReader(processEnvironment)
        self.apiKey = apiKey.flatMap { $0.isEmpty ? nil : $0 } ?? env.string("NOVEUM_API_KEY")
        self.project = project ?? env.string("NOVEUM_PROJECT") ?? "default"
        self.environment = environment ?? env.string("NOVEUM_ENVIRONMENT") ?? "development"
        self.serviceVersion = serviceVersion ?? env.string("NOVEUM_SERVICE_VERSION")
        let rawEndpoint = endpoint ?? env.string("NOVEUM_ENDPOINT") ?? Self.defaultEndpoint
        var checked = try HTTPURLCheck.checked(rawEndpoint, setting: "endpoint")
        while checked.hasSuffix("/") { checked.removeLast() }
        self.endpoint = checked
        guard !self.project.isEmpty else { throw .invalidConfiguration("project must not be empty") }
    }

    /// Settings with the default endpoint and a `project` the caller knows is not empty: nothing to check, so
    /// nothing can fail.
    init(unchecked project: String, environment: String, apiKey: String?, serviceVersion: String?) {
        self.apiKey = apiKey.flatMap { $0.isEmpty ? nil : $0 }
        self.project = project
        self.environment = environment
        self.endpoint = Self.defaultEndpoint
        self.serviceVersion = serviceVersion
    }
}
