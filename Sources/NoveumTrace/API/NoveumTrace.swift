import Foundation
import Synchronization
import Tracing

/// The entry point: set up tracing once, then trace with inline closures, manual spans or macros.
///
/// ```swift
/// try NoveumTrace.initialize(apiKey: "key", project: "production-app", environment: "production",
///                            config: .init(samplingRate: 0.1, batchSize: 100, asyncExport: true))
///
/// let answer = try await NoveumTrace.traceLLM(model: "gpt-4", provider: "openai") { span in
///     let reply = try await llm.chat(messages)
///     span.setAttributes(["llm.input_tokens": reply.usage.promptTokens])
///     return reply.text
/// }
/// ```
///
/// The static functions use, in order: the client of the span active in the current task, the client scoped
/// with ``withClient(_:operation:)``, the global client, or, before ``initialize(apiKey:project:environment:endpoint:serviceVersion:config:)``,
/// a disabled client that records nothing.
public enum NoveumTrace {
    /// This SDK's version, as sent in exported data.
    public static let version = "0.1.0"

    /// The global client: bits of a retained `NoveumClient` pointer, or zero. A client installed here is never
    /// released, so a reader needs no lock; after ``shutdown(timeout:)`` its few hundred bytes stay allocated.
    private static let globalClient = Atomic<UInt>(0)

    @TaskLocal static var scopedClient: NoveumClient?
    /// Whether ``withClient(_:operation:)`` was ever called: until then reading the client skips the task-local
    /// lookup of `scopedClient`.
    private static let scopedClientEverUsed = Atomic<Bool>(false)

    /// Installs the global client.
    ///
    /// Arguments left nil come from `NOVEUM_API_KEY`, `NOVEUM_PROJECT`, `NOVEUM_ENVIRONMENT`, `NOVEUM_ENDPOINT` and
    /// `NOVEUM_SERVICE_VERSION`; an explicit argument always wins.
    ///
    /// With no exporters in `config`, the environment chooses them: an API key sends to Noveum,
    /// `OTEL_EXPORTER_OTLP_ENDPOINT` (or `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`) sends OTLP, both may be set; with
    /// neither, traces go to the console and to the local spool under `NOVEUM_LOCAL_DIR` (default `.noveum`),
    /// where `swift run noveum-trace list` shows them (`NOVEUM_LOCAL=0` keeps only the console).
    /// `OTEL_TRACES_EXPORTER` (`otlp`, `console`, `none`) is honoured as OpenTelemetry SDKs do. A variable that
    /// this configuration leaves unread is logged as one warning.
    ///
    /// - Throws: ``NoveumTraceError/alreadyInitialized`` if a global client is installed (shut it down first),
    ///   or ``NoveumTraceError/invalidConfiguration(_:)``.
    public static func initialize(
        apiKey: String? = nil, project: String? = nil, environment: String? = nil, endpoint: String? = nil,
        serviceVersion: String? = nil, config: Configuration = Configuration()
    ) throws(NoveumTraceError) {
        guard globalClient.load(ordering: .acquiring) == 0 else { throw .alreadyInitialized }
        let client = try NoveumClient(
            apiKey: apiKey, project: project, environment: environment, endpoint: endpoint,
            serviceVersion: serviceVersion, config: config, processEnvironment: ProcessInfo.processInfo.environment,
            localFirst: true)
        try install(client)
        // The price table (about 3,700 models) is parsed once; do it now, off the app's threads, rather than in the
        // first `setUsage`.
        Task.detached(priority: .background) { PriceTable.shared.prepare() }
    }

    /// Installs `client` as the global client.
    ///
    /// - Throws: ``NoveumTraceError/alreadyInitialized`` if a global client is installed.
    public static func install(_ client: NoveumClient) throws(NoveumTraceError) {
        let retained = Unmanaged.passRetained(client)
        let bits = UInt(bitPattern: retained.toOpaque())
        guard globalClient.compareExchange(expected: 0, desired: bits, ordering: .acquiringAndReleasing).exchanged
        else {
            retained.release()
            throw .alreadyInitialized
        }
    }

    /// Whether a global client is installed.
    public static var isInitialized: Bool { globalClient.load(ordering: .acquiring) != 0 }

    static var globalClientIfInstalled: NoveumClient? {
        let bits = globalClient.load(ordering: .acquiring)
        guard bits != 0, let pointer = UnsafeRawPointer(bitPattern: bits) else { return nil }
        return Unmanaged<NoveumClient>.fromOpaque(pointer).takeUnretainedValue()
    }

    /// The client the static API uses here: the task's scoped client, else the global one, else a disabled client.
    public static var client: NoveumClient {
        if scopedClientEverUsed.load(ordering: .relaxed), let scoped = scopedClient { return scoped }
        return globalClientIfInstalled ?? NoveumClient.disabled
    }

    /// Runs `operation` with `client` as the client of the static API in this task and its child tasks.
    public static func withClient<T, E: Error>(
        _ client: NoveumClient, isolation: isolated (any Actor)? = #isolation,
        operation: () async throws(E) -> T
    ) async throws(E) -> T {
        scopedClientEverUsed.store(true, ordering: .relaxed)
        let result: Result<T, E> = await $scopedClient.withValue(client) {
            do throws(E) { return .success(try await operation()) } catch { return .failure(error) }
        }
        return try result.get()
    }

    /// Runs synchronous `operation` with `client` as the client of the static API.
    public static func withClient<T, E: Error>(_ client: NoveumClient, operation: () throws(E) -> T) throws(E) -> T {
        scopedClientEverUsed.store(true, ordering: .relaxed)
        let result: Result<T, E> = $scopedClient.withValue(client) {
            do throws(E) { return .success(try operation()) } catch { return .failure(error) }
        }
        return try result.get()
    }

    /// The span active in the current task, if any.
    public static var currentSpan: NoveumSpan? { ActiveSpan.resolve(in: InstrumentationContext.current).active.handle }

    /// Exports every span of the global client that finished before this call. Returns how many were not delivered.
    @discardableResult
    public static func flush(timeout: Duration = .seconds(30)) async -> Int {
        await client.flush(timeout: timeout)
    }

    /// Flushes and stops the global client, then uninstalls it so ``initialize(apiKey:project:environment:endpoint:serviceVersion:config:)``
    /// may be called again. Returns how many spans were not delivered.
    @discardableResult
    public static func shutdown(timeout: Duration = .seconds(30)) async -> Int {
        guard let installed = globalClientIfInstalled else { return 0 }
        let undelivered = await installed.shutdown(timeout: timeout)
        _ = globalClient.compareExchange(
            expected: UInt(bitPattern: Unmanaged.passUnretained(installed).toOpaque()), desired: 0,
            ordering: .acquiringAndReleasing)
        return undelivered
    }

    /// What the global client has traced and delivered.
    public static var stats: NoveumStats { client.stats }
}
