import Foundation
import GRDB
import NoveumTrace

/// The local trace store: a SQLite database (WAL mode) of traces, spans, attributes and events.
///
/// It is safe to use from many tasks and many processes at once: every write is one `IMMEDIATE` transaction
/// (writers wait for each other up to ``busyTimeout``), and readers see consistent snapshots while writers work.
///
/// ```swift
/// let store = try TraceStore(directory: .resolve())
/// try store.ingestSpool()                      // what the SDK appended to .noveum/spool.jsonl
/// let recent = try store.traces(TraceQuery(limit: 20))
/// ```
public final class TraceStore: Sendable {
    /// How long a writer waits for another process's write before failing.
    public static let busyTimeout: TimeInterval = 30

    /// The database file.
    public let path: String
    /// The folder whose spool ``ingestSpool()`` reads, when the store was opened for a folder.
    public let directory: LocalTraceDirectory?
    let pool: DatabasePool

    /// Opens (and if needed creates) the store of a local trace folder.
    ///
    /// - Parameters:
    ///   - directory: the folder of the store (`traces.sqlite`) and the spool.
    ///   - create: when false, a folder with neither a store nor a spool is ``TraceStoreError/notFound(path:)``.
    public convenience init(directory: LocalTraceDirectory, create: Bool = true) throws {
        let fm = FileManager.default
        if !create && !fm.fileExists(atPath: directory.storePath) && !fm.fileExists(atPath: directory.spoolPath) {
            throw TraceStoreError.notFound(path: directory.path)
        }
        do {
            try directory.create()
        } catch {
            throw TraceStoreError.invalidArgument("Cannot create the folder \(directory.path): \(error)")
        }
        try self.init(path: directory.storePath, directory: directory)
    }

    /// Opens (and if needed creates) the store at `path`.
    public convenience init(path: String) throws {
        try self.init(path: path, directory: nil)
    }

    private init(path: String, directory: LocalTraceDirectory?) throws {
        self.path = path
        self.directory = directory
        var configuration = Configuration()
        configuration.busyMode = .timeout(Self.busyTimeout)
        configuration.label = "noveum-trace-store"
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
        }
        pool = try Self.openPool(path: path, configuration: configuration)
        try write(StoreSchema.migrate)
    }

    /// Opens the pool, retrying while another process holds the lock that switching a new file to WAL needs
    /// (SQLite reports that as busy at once, without its busy handler).
    private static func openPool(path: String, configuration: GRDB.Configuration) throws -> DatabasePool {
        let deadline = ContinuousClock.now + .seconds(busyTimeout)
        var delay = 5_000  // microseconds
        while true {
            do {
                return try DatabasePool(path: path, configuration: configuration)
            } catch let error as DatabaseError
                where (error.resultCode == .SQLITE_BUSY || error.resultCode == .SQLITE_LOCKED)
                && ContinuousClock.now < deadline
            {
                usleep(UInt32(delay))
                delay = min(delay * 2, 200_000)
            } catch {
                throw mapped(error, path: path)
            }
        }
    }

    /// Turns SQLite's "not a database" and "corrupt" into ``TraceStoreError/damaged(path:reason:)``.
    static func mapped(_ error: any Error, path: String) -> any Error {
        if let error = error as? DatabaseError,
            error.resultCode == .SQLITE_NOTADB || error.resultCode == .SQLITE_CORRUPT
        {
            return TraceStoreError.damaged(path: path, reason: error.message ?? "\(error.resultCode)")
        }
        return error
    }

    /// Runs `body` in one `IMMEDIATE` write transaction.
    func write<T>(_ body: (Database) throws -> T) throws -> T {
        do {
            return try pool.writeWithoutTransaction { db in
                var result: T?
                try db.inTransaction(.immediate) {
                    result = try body(db)
                    return .commit
                }
                // Set before the transaction commits; when `body` throws, the error leaves before this line.
                return result!
            }
        } catch {
            throw Self.mapped(error, path: path)
        }
    }

    /// Runs `body` on a read-only snapshot.
    func read<T>(_ body: (Database) throws -> T) throws -> T {
        do {
            return try pool.read(body)
        } catch {
            throw Self.mapped(error, path: path)
        }
    }

    /// The size of the database and its WAL, in bytes.
    public func fileSize() -> Int64 {
        let fm = FileManager.default
        var total: Int64 = 0
        for file in [path, path + "-wal"] {
            if let size = (try? fm.attributesOfItem(atPath: file))?[.size] as? NSNumber { total += size.int64Value }
        }
        return total
    }
}
