import ArgumentParser
import NoveumTrace
import NoveumTraceStore

/// The store every command reads: `--dir`, else `NOVEUM_LOCAL_DIR`, else `.noveum`.
struct StoreOptions: ParsableArguments {
    @Option(name: .long, help: "The local trace folder (default: NOVEUM_LOCAL_DIR, else .noveum).")
    var dir: String?

    var directory: LocalTraceDirectory {
        dir.map(LocalTraceDirectory.init(path:)) ?? .resolve()
    }

    /// Opens the store and ingests the spool. With `create` false, a folder with no store and no spool is an error.
    func openStore(create: Bool = false) throws -> TraceStore {
        let store = try TraceStore(directory: directory, create: create)
        try store.ingestSpool()
        return store
    }
}
