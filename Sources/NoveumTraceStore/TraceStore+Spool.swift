import Foundation
import GRDB
import NoveumTrace

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#elseif canImport(Musl)
import Musl
#endif

extension TraceStore {
    /// Ingests what was appended to the folder's spool since the last ingest; a store opened by path has no spool.
    @discardableResult
    public func ingestSpool() throws -> SpoolIngestResult {
        guard let directory else { return SpoolIngestResult() }
        return try ingestSpool(at: directory.spoolPath)
    }

    /// Ingests the complete lines appended to the spool at `spoolPath` since the last ingest, exactly once.
    ///
    /// The read, the inserts and the new offset are one `IMMEDIATE` transaction, so concurrent ingesters (in this
    /// process or others) never store a line twice or skip one. A line still being written (no newline yet) waits
    /// for the next ingest. When everything was ingested, the spool is emptied under the same exclusive `flock` that
    /// writers take, so no line appended meanwhile is lost.
    ///
    /// - Parameters:
    ///   - spoolPath: the spool file to read.
    ///   - truncate: empty the spool once it is fully ingested (default true).
    @discardableResult
    public func ingestSpool(at spoolPath: String, truncate: Bool = true) throws -> SpoolIngestResult {
        guard FileManager.default.fileExists(atPath: spoolPath) else { return SpoolIngestResult() }
        var lockedFD: Int32 = -1
        defer {
            if lockedFD >= 0 {
                _ = flock(lockedFD, LOCK_UN)
                close(lockedFD)
            }
        }
        return try write { db in
            let fd = open(spoolPath, O_RDWR | O_CLOEXEC)
            guard fd >= 0 else { return SpoolIngestResult() }
            var keepOpen = false
            defer { if !keepOpen { close(fd) } }
            var result = SpoolIngestResult()
            var offset = try Int64.fetchOne(db, sql: "SELECT offset FROM spool_state WHERE path = ?", arguments: [spoolPath]) ?? 0
            var info = stat()
            guard fstat(fd, &info) == 0 else { return result }
            let size = Int64(info.st_size)
            // Emptied or replaced since; a negative offset (a damaged store) would make every read fail, forever.
            if size < offset || offset < 0 { offset = 0 }
            let chunkSize = 8 << 20
            var pending: [UInt8] = []
            var position = offset
            var records: [LocalSpanRecord] = []
            while position < size {
                let want = Int(min(Int64(chunkSize), size - position))
                var chunk = [UInt8](repeating: 0, count: want)
                let got = chunk.withUnsafeMutableBytes { pread(fd, $0.baseAddress, want, off_t(position)) }
                if got <= 0 { break }
                pending.append(contentsOf: chunk[0..<got])
                position += Int64(got)
                guard let lastNewline = pending.lastIndex(of: UInt8(ascii: "\n")) else { continue }
                var start = 0
                for index in 0...lastNewline where pending[index] == UInt8(ascii: "\n") {
                    if index > start {
                        do {
                            records.append(try LocalSpanLineDecoder.decode(Data(pending[start..<index])))
                        } catch {
                            result.malformedLines += 1
                        }
                    }
                    start = index + 1
                }
                offset += Int64(lastNewline + 1)
                pending.removeFirst(lastNewline + 1)
                if records.count >= 5_000 {
                    try Self.insert(records, in: db)
                    result.spans += records.count
                    records.removeAll(keepingCapacity: true)
                }
            }
            if !records.isEmpty {
                try Self.insert(records, in: db)
                result.spans += records.count
            }
            if truncate && offset == size && size > 0 && LocalSpoolFile.lock(fd, LOCK_EX) {
                // Writers hold the same lock while appending: if nothing was appended meanwhile, empty the spool.
                // The lock is held until this transaction commits.
                keepOpen = true
                lockedFD = fd
                var now = stat()
                if fstat(fd, &now) == 0 && Int64(now.st_size) == offset && ftruncate(fd, 0) == 0 {
                    offset = 0
                    result.truncated = true
                }
            }
            try db.execute(
                sql: "INSERT OR REPLACE INTO spool_state (path, offset) VALUES (?, ?)", arguments: [spoolPath, offset])
            return result
        }
    }
}
