import GRDB
import GRDBSQLite

/// Binds one row's values straight into a prepared statement with SQLite's C API and runs it: the store's ingest
/// path, where building GRDB's `StatementArguments` (an array of existential values per row) cost more than
/// SQLite's own work.
///
/// The statement comes from `Database.cachedStatement`, so GRDB still owns and finalizes it; this type only binds,
/// steps and resets it, leaving it as GRDB expects to find it.
struct SQLiteRow {
    private let statement: SQLiteStatement
    private let database: Database
    private var index: Int32 = 1

    /// SQLite copies the bytes before `bind` returns (`SQLITE_TRANSIENT`).
    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    init(_ statement: Statement, in database: Database) {
        self.statement = statement.sqliteStatement
        self.database = database
    }

    mutating func text(_ value: String?) {
        defer { index += 1 }
        guard var value else {
            sqlite3_bind_null(statement, index)
            return
        }
        value.withUTF8 { bytes in
            if let base = bytes.baseAddress, bytes.count > 0 {
                let text = UnsafeRawPointer(base).assumingMemoryBound(to: CChar.self)
                _ = sqlite3_bind_text(statement, index, text, Int32(clamping: bytes.count), Self.transient)
            } else {
                _ = sqlite3_bind_text(statement, index, "", 0, Self.transient)
            }
        }
    }

    mutating func int(_ value: Int64?) {
        defer { index += 1 }
        if let value { sqlite3_bind_int64(statement, index, value) } else { sqlite3_bind_null(statement, index) }
    }

    mutating func int(_ value: Int) { int(Int64(value)) }

    mutating func bool(_ value: Bool) { int(value ? 1 : 0) }

    mutating func double(_ value: Double?) {
        defer { index += 1 }
        if let value { sqlite3_bind_double(statement, index, value) } else { sqlite3_bind_null(statement, index) }
    }

    /// Runs the statement; the changed-row count is `Database.changesCount` afterwards.
    mutating func run() throws {
        let code = sqlite3_step(statement)
        sqlite3_reset(statement)
        sqlite3_clear_bindings(statement)
        index = 1
        guard code == SQLITE_DONE else {
            throw DatabaseError(
                resultCode: ResultCode(rawValue: code),
                message: database.sqliteConnection.flatMap { sqlite3_errmsg($0) }.map { String(cString: $0) })
        }
    }
}
