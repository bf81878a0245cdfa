/// Errors from setting up tracing. Tracing itself never throws into your code: only configuration does.
public enum NoveumTraceError: Error, Sendable, Hashable, CustomStringConvertible {
    /// ``NoveumTrace/initialize(apiKey:project:environment:endpoint:serviceVersion:config:)`` was called while
    /// a global client is installed. Call ``NoveumTrace/shutdown(timeout:)`` first, or create a
    /// ``NoveumClient`` of your own.
    case alreadyInitialized
    /// A setting, from code or the environment, is not valid. The message names it and the value's problem;
    /// it never contains the API key.
    case invalidConfiguration(String)

    public var description: String {
        switch self {
        case .alreadyInitialized:
            return "NoveumTrace is already initialized; call NoveumTrace.shutdown() before initializing again, "
                + "or create an independent NoveumClient"
        case .invalidConfiguration(let message):
            return "invalid NoveumTrace configuration: \(message)"
        }
    }
}
