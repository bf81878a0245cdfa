import GRDB

extension TraceStore {
    /// Retention: deletes traces that started before `olderThanNanos`, then the oldest traces until the data fits in
    /// `maxBytes` (pages in use, not counting free pages), and with `vacuum` shrinks the file.
    @discardableResult
    public func prune(olderThanNanos: Int64? = nil, maxBytes: Int64? = nil, vacuum: Bool = true) throws -> PruneResult {
        let before = fileSize()
        var deleted = 0
        if let cutoff = olderThanNanos {
            deleted += try write { db in
                try Self.delete(where: "start_ns < ?", arguments: [cutoff], db: db)
            }
        }
        if let maxBytes {
            guard maxBytes > 0 else { throw TraceStoreError.invalidArgument("The size limit must be positive") }
            while true {
                let removed = try write { db -> Int in
                    let used = try Self.usedBytes(db)
                    guard used > maxBytes else { return -1 }
                    let count = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM traces") ?? 0
                    guard count > 0 else { return -1 }
                    // Remove the oldest share in proportion to the excess (at least one trace), then measure again.
                    let share = Double(used - maxBytes) / Double(used)
                    let batch = max(1, Int((Double(count) * share).rounded(.up)))
                    return try Self.delete(
                        where: "trace_id IN (SELECT trace_id FROM traces ORDER BY start_ns LIMIT ?)", arguments: [batch],
                        db: db)
                }
                if removed < 0 { break }
                deleted += removed
            }
        }
        if vacuum && deleted > 0 {
            do {
                try pool.writeWithoutTransaction { db in
                    try db.execute(sql: "VACUUM")
                    try db.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)")
                }
            } catch {
                throw Self.mapped(error, path: path)
            }
        }
        return PruneResult(deletedTraces: deleted, bytesBefore: before, bytesAfter: fileSize())
    }

    private static func usedBytes(_ db: Database) throws -> Int64 {
        let pages = try Int64.fetchOne(db, sql: "PRAGMA page_count") ?? 0
        let free = try Int64.fetchOne(db, sql: "PRAGMA freelist_count") ?? 0
        let size = try Int64.fetchOne(db, sql: "PRAGMA page_size") ?? 4096
        return (pages - free) * size
    }

    private static func delete(where condition: String, arguments: StatementArguments, db: Database) throws -> Int {
        try db.execute(sql: "CREATE TEMP TABLE IF NOT EXISTS doomed (trace_id TEXT PRIMARY KEY)")
        try db.execute(sql: "DELETE FROM doomed")
        try db.execute(sql: "INSERT INTO doomed SELECT trace_id FROM traces WHERE \(condition)", arguments: arguments)
        let count = db.changesCount
        for table in ["attributes", "events", "spans", "traces"] {
            try db.execute(sql: "DELETE FROM \(table) WHERE trace_id IN (SELECT trace_id FROM doomed)")
        }
        try db.execute(sql: "DELETE FROM doomed")
        return count
    }
}
