#if canImport(Darwin)
import Darwin
#elseif canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import Foundation
import Logging
import Synchronization

/// One exporter's directory of batches not delivered yet: one file per batch (see ``DiskBufferRecord``), named by
/// the time it was written so that names sort oldest first.
///
/// Every operation runs on the export side (the pipeline's export task or the redelivery task), never on a thread
/// that ends a span.
///
/// Files are written whole under a temporary name (`.<name>.tmp`) and renamed, so a file with a final name is
/// complete; a temporary file whose writer has died is a torn write, removed and counted at the next scan. The
/// process that sends a batch holds an exclusive `flock` on its file from before its request until its removal or
/// release: the writer takes it before the rename, so no other process can take a batch that is on its first
/// request. A lock taken on a file that another process has just removed is noticed (its link count is zero) and
/// given up.
final class DiskBuffer: Sendable {
    /// A batch this process holds the lock of.
    struct Claim: Sendable {
        let name: String
        let descriptor: Int32
        let spans: Int
        /// A request carrying it may already have reached the backend (the flag was set when it was claimed).
        let attemptedBefore: Bool
    }

    /// Why a batch could not be written.
    enum WriteFailure: Error, Equatable {
        /// No space left (or larger than ``DiskBufferConfiguration/maxBytes`` alone).
        case full
        /// Read-only, missing permissions or any other error.
        case unavailable
    }

    private struct Entry {
        var spans: Int
        var bytes: Int
        var created: UInt64
        /// Whether this process is sending it, and which request: a first one (its spans are still the pipeline's,
        /// counted as buffered) or a later one (they are the disk's, counted as waiting).
        var sending: Sending

        enum Sending { case no, first, again }

        var inFlight: Bool { sending != .no }
    }

    private struct State {
        /// Known files by name, and their names in order (oldest first).
        var entries: [String: Entry] = [:]
        var order: [String] = []
        var bytes = 0
        var scanned = false
        var backendUnavailable = false
        var sequence = 0
        var batchesWritten = 0
        var spansDeferred = 0
        var recoveredSpans = 0
        var deliveredFromDisk = 0
        var redelivered = 0
        var corruptRecords = 0
        var writeFailures = 0

        mutating func insert(_ name: String, _ entry: Entry) {
            guard entries.updateValue(entry, forKey: name) == nil else { return }
            bytes += entry.bytes
            // New batches are the newest: usually an append.
            if let last = order.last, last > name {
                let index = order.partitionIndex { $0 >= name }
                order.insert(name, at: index)
            } else {
                order.append(name)
            }
        }

        /// The oldest batch this process is not sending, other than those in `skipped`.
        func oldestIdle(skipping skipped: Set<String>) -> String? {
            order.first { name in entries[name].map { !$0.inFlight } == true && !skipped.contains(name) }
        }

        mutating func remove(_ name: String) {
            guard let entry = entries.removeValue(forKey: name) else { return }
            bytes -= entry.bytes
            let index = order.partitionIndex { $0 >= name }
            if index < order.count && order[index] == name { order.remove(at: index) }
        }
    }

    let configuration: DiskBufferConfiguration
    /// This exporter's subdirectory.
    let path: String
    private let logger: Logger
    // A pthread-based lock, as elsewhere in the core: the thread sanitizer cannot see `Mutex`'s futex on Linux.
    private let state = LockedValue(State())
    private let warnings = WarnOnce()
    /// Held for a whole ``scan()``.
    private let scanning = LockedValue(())
    /// Reports spans delivered or dropped outside a pipeline export (sent from disk, evicted, expired) to the
    /// pipeline's counts.
    let report: @Sendable (_ delivered: Int, _ dropped: ExportResult) -> Void
    /// In the names of the files this instance writes: a process id is no help in containers, where every start is
    /// process 1.
    private let instance = String(UInt32.random(in: 0...UInt32.max), radix: 16)

    init(
        configuration: DiskBufferConfiguration, subdirectory: String, logger: Logger,
        report: @escaping @Sendable (_ delivered: Int, _ dropped: ExportResult) -> Void
    ) {
        self.configuration = configuration
        var root = configuration.directory
        while root.count > 1 && root.hasSuffix("/") { root.removeLast() }
        self.path = root + "/" + subdirectory
        self.logger = logger
        self.report = report
    }

    // MARK: Writing

    /// Writes a batch and returns it claimed (locked, on its way to its first request); fails without leaving a
    /// file behind.
    func write(_ record: DiskBufferRecord) -> Result<Claim, WriteFailure> {
        scanIfNeeded()
        let bytes = record.encoded()
        guard bytes.count <= configuration.maxBytes else {
            return failWrite(.full, "a batch is larger than the disk buffer's maxBytes", ["bytes": "\(bytes.count)"])
        }
        let name = state.withLock { state -> String in
            state.sequence += 1
            return Self.fileName(created: record.created, instance: instance, sequence: state.sequence)
        }
        let temporary = path + "/." + name + ".tmp"
        var descriptor = posixOpen(temporary, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        if descriptor < 0 && errno == ENOENT {
            createDirectory()
            descriptor = posixOpen(temporary, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        }
        guard descriptor >= 0 else { return failWrite(Self.failure(errno), "cannot create a file", errorMetadata()) }
        // Taken before the rename: no other process can claim the batch while this one sends it.
        _ = LocalSpoolFile.lock(descriptor, LOCK_EX)
        // Each step runs only if the one before succeeded, so `errno` names the step that failed.
        guard LocalSpoolFile.writeAll(bytes, to: descriptor),
            !configuration.synchronous || fsync(descriptor) == 0,
            rename(temporary, path + "/" + name) == 0
        else {
            let failure = Self.failure(errno)
            let metadata = errorMetadata()
            unlink(temporary)
            close(descriptor)
            return failWrite(failure, "cannot write a batch", metadata)
        }
        if configuration.synchronous { syncDirectory() }
        let evict = state.withLock { state -> Bool in
            state.insert(name, Entry(spans: record.spans, bytes: bytes.count, created: record.created, sending: .first))
            state.batchesWritten += 1
            return state.bytes > configuration.maxBytes
        }
        if evict { evictOldest() }
        return .success(Claim(name: name, descriptor: descriptor, spans: record.spans, attemptedBefore: false))
    }

    private func failWrite(
        _ failure: WriteFailure, _ message: String, _ metadata: Logger.Metadata
    ) -> Result<Claim, WriteFailure> {
        state.withLock { $0.writeFailures += 1 }
        let key = failure == .full ? "full" : "unavailable"
        var metadata = metadata
        metadata["directory"] = "\(path)"
        if warnings.first(key) {
            logger.warning(
                "disk buffer: \(message); sending batches from memory only (spans then lost are counted as disk_\(key))",
                metadata: metadata)
        } else {
            logger.debug("disk buffer: \(message)", metadata: metadata)
        }
        return .failure(failure)
    }

    // MARK: Claims

    /// Records that a request carrying the batch is about to be made.
    func markAttempted(_ claim: Claim) {
        setFlag(claim, 1)
    }

    /// The batch was delivered, refused for good, or is to be dropped: removes its file (once) and unlocks it.
    func remove(_ claim: Claim) {
        unlink(path + "/" + claim.name)
        close(claim.descriptor)
        state.withLock { $0.remove(claim.name) }
    }

    /// The batch was not delivered: leaves it on disk for a later attempt and unlocks it. `reachedBackend` false
    /// (the connection was refused, or the backend answered with an error) clears its attempted flag: the backend
    /// did not keep it. `deferred` counts it as deferred (its first request, from a pipeline export).
    func release(_ claim: Claim, reachedBackend: Bool, deferred: Bool) {
        if !reachedBackend && !claim.attemptedBefore { setFlag(claim, 0) }
        close(claim.descriptor)
        state.withLock { state in
            state.entries[claim.name]?.sending = .no
            if deferred { state.spansDeferred += claim.spans }
        }
    }

    /// Counts a batch delivered from disk.
    func noteDelivered(_ claim: Claim, exported: Int) {
        state.withLock { state in
            state.deliveredFromDisk += exported
            if claim.attemptedBefore { state.redelivered += claim.spans }
        }
    }

    private func setFlag(_ claim: Claim, _ value: UInt8) {
        var byte = value
        _ = pwrite(claim.descriptor, &byte, 1, off_t(DiskBufferRecord.flagsOffset))
    }

    /// Claims the oldest batch waiting that no process holds, reading it whole. Removes (and counts) files that
    /// cannot be read and batches past ``DiskBufferConfiguration/maxAge`` on the way. With `rescan`, first lists
    /// the directory again to find batches other processes wrote.
    func claimOldest(rescan: Bool) -> (Claim, DiskBufferRecord)? {
        if rescan { scan() } else { scanIfNeeded() }
        var skipped: Set<String> = []
        while true {
            let candidate = state.withLock { $0.oldestIdle(skipping: skipped) }
            guard let name = candidate else { return nil }
            switch lockAndRead(name) {
            case .claimed(let claim, let record):
                return (claim, record)
            case .busy:
                skipped.insert(name)
            case .gone:
                state.withLock { $0.remove(name) }
            }
        }
    }

    private enum Opened {
        case claimed(Claim, DiskBufferRecord)
        /// Another process holds it.
        case busy
        /// Removed: delivered by another process, unreadable, or expired.
        case gone
    }

    /// Locks and reads one file.
    private func lockAndRead(_ name: String) -> Opened {
        let file = path + "/" + name
        let descriptor = posixOpen(file, O_RDWR | O_CLOEXEC)
        guard descriptor >= 0 else { return .gone }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            close(descriptor)
            return .busy
        }
        var status = stat()
        guard fstat(descriptor, &status) == 0, status.st_nlink > 0 else {
            close(descriptor)
            return .gone
        }
        guard let bytes = Self.readAll(descriptor, size: Int(status.st_size)), let record = DiskBufferRecord.decode(bytes)
        else {
            unlink(file)
            close(descriptor)
            state.withLock { $0.corruptRecords += 1 }
            warnCorrupt(name)
            return .gone
        }
        let age = Int64(clamping: WallClock.nanosecondsSinceEpoch()) - Int64(clamping: record.created)
        if Duration.nanoseconds(age) > configuration.maxAge {
            unlink(file)
            close(descriptor)
            report(0, .dropped(record.spans, reason: .expired))
            return .gone
        }
        let claim = Claim(name: name, descriptor: descriptor, spans: record.spans, attemptedBefore: record.attempted)
        state.withLock { $0.entries[name]?.sending = .again }
        return .claimed(claim, record)
    }

    /// Removes the oldest batches no process holds until the directory is within its bound; counts their spans
    /// as dropped with ``DropReason/diskFull``.
    private func evictOldest() {
        var evicted = 0
        var skipped: Set<String> = []
        while true {
            let candidate = state.withLock { state -> String? in
                state.bytes > configuration.maxBytes ? state.oldestIdle(skipping: skipped) : nil
            }
            guard let name = candidate else { break }
            let descriptor = posixOpen(path + "/" + name, O_RDWR | O_CLOEXEC)
            guard descriptor >= 0 else {
                state.withLock { $0.remove(name) }
                continue
            }
            defer { close(descriptor) }
            var status = stat()
            guard flock(descriptor, LOCK_EX | LOCK_NB) == 0, fstat(descriptor, &status) == 0 else {
                skipped.insert(name)
                continue
            }
            let spans = state.withLock { state -> Int in
                defer { state.remove(name) }
                return state.entries[name]?.spans ?? 0
            }
            if status.st_nlink > 0 {
                unlink(path + "/" + name)
                evicted += spans
            }
        }
        guard evicted > 0 else { return }
        if warnings.first("evicted") {
            logger.warning(
                "disk buffer full: removed the oldest batches (counted as disk_full)",
                metadata: ["directory": "\(path)", "max_bytes": "\(configuration.maxBytes)", "spans": "\(evicted)"])
        }
        report(0, .dropped(evicted, reason: .diskFull))
    }

    // MARK: The backend's state

    /// Whether the last request failed: batches then wait on disk until a retry of the oldest succeeds.
    var backendUnavailable: Bool {
        get { state.withLock { $0.backendUnavailable } }
    }

    func setBackendUnavailable(_ value: Bool) {
        state.withLock { $0.backendUnavailable = value }
    }

    /// Wakes the redelivery task.
    let wake = WakeSignal()

    private let stopped = Atomic<Bool>(false)

    /// The client was released without shutting down: the redelivery task ends.
    func stop() {
        stopped.store(true, ordering: .relaxed)
        wake.signal()
    }

    var isStopped: Bool { stopped.load(ordering: .relaxed) }

    /// A request of a new batch failed: new batches wait on disk, and the redelivery task starts retrying.
    func noteBackendFailure() {
        setBackendUnavailable(true)
        wake.signal()
    }

    /// Whether batches are waiting (that this process knows of).
    var hasWaitingBatches: Bool {
        state.withLock { state in state.entries.values.contains { !$0.inFlight } }
    }

    var stats: DiskBufferStats {
        let now = WallClock.nanosecondsSinceEpoch()
        return state.withLock { state in
            var batches = 0
            var spans = 0
            var bytes = 0
            var oldest: UInt64?
            for entry in state.entries.values where entry.sending != .first {
                batches += 1
                spans += entry.spans
                bytes += entry.bytes
                oldest = min(oldest ?? entry.created, entry.created)
            }
            return DiskBufferStats(
                directory: path, batches: batches, spans: spans, bytes: bytes,
                oldestAge: oldest.map { .nanoseconds(Int64(clamping: now) - Int64(clamping: $0)) },
                backendUnavailable: state.backendUnavailable, batchesWritten: state.batchesWritten,
                spansDeferred: state.spansDeferred, recoveredSpans: state.recoveredSpans,
                deliveredFromDisk: state.deliveredFromDisk, redelivered: state.redelivered,
                corruptRecords: state.corruptRecords, writeFailures: state.writeFailures)
        }
    }

    // MARK: Scanning

    private func scanIfNeeded() {
        if !state.withLock({ $0.scanned }) { scan() }
    }

    /// Lists the directory: indexes batches not known yet (other processes' and earlier ones'), forgets those
    /// removed by others, and removes torn writes and unreadable files. One scan at a time: two at once (the first
    /// write's and the redelivery task's first pass) could both index a file another process wrote, and the second
    /// index it again after the first claimed, sent and removed it.
    func scan() {
        scanning.withLock { _ in scanDirectory() }
    }

    private func scanDirectory() {
        createDirectory()
        // Taken before the listing: a batch indexed by then was renamed into place before it, so one the listing
        // lacks was removed. A batch this process writes while the directory is listed is indexed after the
        // listing began; it must not be taken for removed (it would stay on disk, unsent and uncounted).
        let known = state.withLock { state in Set(state.entries.keys) }
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: path) else {
            state.withLock { $0.scanned = true }
            return
        }
        var present: Set<String> = []
        var found: [(String, Entry)] = []
        for name in names {
            if name.hasPrefix(".") && name.hasSuffix(".tmp") {
                if !name.contains("-\(instance)-") { removeIfAbandoned(name) }
                continue
            }
            guard name.hasSuffix(Self.suffix) else { continue }
            present.insert(name)
            // Known, or being written by this instance (renamed, not indexed yet).
            if known.contains(name) || name.contains("-\(instance)-") { continue }
            switch readHeader(name) {
            case .some(let entry): found.append((name, entry))
            case .none: continue
            }
        }
        state.withLock { state in
            state.scanned = true
            for name in known where !present.contains(name) && state.entries[name]?.sending == .no {
                state.remove(name)
            }
            for (name, entry) in found {
                state.insert(name, entry)
                state.recoveredSpans += entry.spans
            }
        }
    }

    /// The index entry of a file found by a scan; nil (after removing it, if no one holds it) when its header
    /// cannot be read.
    private func readHeader(_ name: String) -> Entry? {
        let file = path + "/" + name
        let descriptor = posixOpen(file, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { return nil }
        let size = Int(status.st_size)
        var prefix = [UInt8](repeating: 0, count: min(size, DiskBufferRecord.prefixLength + DiskBufferRecord.maxHeaderLength))
        let read = prefix.withUnsafeMutableBytes { posixRead(descriptor, $0.baseAddress, $0.count) }
        if read == prefix.count, let header = DiskBufferRecord.header(prefix[...]),
            header.bodyOffset + header.bodyLength == size
        {
            return Entry(spans: header.spans, bytes: size, created: header.created, sending: .no)
        }
        // Unreadable: remove it unless a process holds it (a writer holds only temporary names, so this is damage).
        if flock(descriptor, LOCK_EX | LOCK_NB) == 0 && fstat(descriptor, &status) == 0 && status.st_nlink > 0 {
            unlink(file)
            state.withLock { $0.corruptRecords += 1 }
            warnCorrupt(name)
        }
        return nil
    }

    /// How old a temporary file must be before a scan takes it for a torn write: a writer creates the file and
    /// then locks it, so a young file may be unlocked only because its writer has not locked it yet.
    static let abandonedAfterSeconds = 10

    /// Removes a temporary file whose writer has died (no one holds its lock, and it is not new): a torn write.
    private func removeIfAbandoned(_ name: String) {
        let file = path + "/" + name
        let descriptor = posixOpen(file, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0,
            Int(WallClock.nanosecondsSinceEpoch() / 1_000_000_000) - Self.modificationSeconds(status)
                >= Self.abandonedAfterSeconds,
            flock(descriptor, LOCK_EX | LOCK_NB) == 0, fstat(descriptor, &status) == 0, status.st_nlink > 0
        else { return }
        unlink(file)
        state.withLock { $0.corruptRecords += 1 }
        warnCorrupt(name)
    }

    private static func modificationSeconds(_ status: stat) -> Int {
        #if canImport(Darwin)
        Int(status.st_mtimespec.tv_sec)
        #else
        Int(status.st_mtim.tv_sec)
        #endif
    }

    private func warnCorrupt(_ name: String) {
        if warnings.first("corrupt") {
            logger.warning(
                "disk buffer: removed a batch file that was written only in part or is damaged (counted in stats)",
                metadata: ["directory": "\(path)", "file": "\(name)"])
        }
    }

    // MARK: Files

    static let suffix = ".batch"

    /// `<created, 20 digits>-<instance>-<sequence>.batch`: names sort by creation time.
    static func fileName(created: UInt64, instance: String, sequence: Int) -> String {
        let digits = String(created)
        return String(repeating: "0", count: max(0, 20 - digits.count)) + digits + "-\(instance)-\(sequence)" + suffix
    }

    private func createDirectory() {
        var prefix = path.hasPrefix("/") ? "" : "."
        for component in path.split(separator: "/") {
            prefix += "/" + component
            _ = mkdir(prefix, 0o700)
        }
    }

    private func syncDirectory() {
        let descriptor = posixOpen(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return }
        _ = fsync(descriptor)
        close(descriptor)
    }

    private static func failure(_ code: Int32) -> WriteFailure {
        code == ENOSPC || code == EDQUOT || code == EFBIG ? .full : .unavailable
    }

    private func errorMetadata() -> Logger.Metadata {
        ["error": "\(String(cString: strerror(errno)))"]
    }

    private static func readAll(_ descriptor: Int32, size: Int) -> [UInt8]? {
        guard size >= 0, size <= Int(Int32.max) else { return nil }
        var bytes = [UInt8](repeating: 0, count: size)
        var done = 0
        while done < size {
            let result = bytes.withUnsafeMutableBytes { buffer in
                pread(descriptor, buffer.baseAddress.map { $0 + done }, size - done, off_t(done))
            }
            if result < 0 && errno == EINTR { continue }
            guard result > 0 else { return nil }
            done += result
        }
        return bytes
    }
}

// The C functions, under names that the buffer's own `write(_:)` does not shadow.
private func posixOpen(_ path: String, _ flags: Int32, _ mode: mode_t = 0) -> Int32 { open(path, flags, mode) }
private func posixRead(_ descriptor: Int32, _ buffer: UnsafeMutableRawPointer?, _ count: Int) -> Int {
    read(descriptor, buffer, count)
}

extension Array where Element: Comparable {
    /// The first index whose element satisfies `isAtOrAfter`, in an array sorted so that those elements come last.
    fileprivate func partitionIndex(where isAtOrAfter: (Element) -> Bool) -> Int {
        var low = 0
        var high = count
        while low < high {
            let middle = (low + high) / 2
            if isAtOrAfter(self[middle]) { high = middle } else { low = middle + 1 }
        }
        return low
    }
}
