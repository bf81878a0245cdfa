#if canImport(Darwin)
import Darwin
#elseif canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Appends whole lines to the spool so that several processes can write at once.
///
/// Each append opens the file with `O_APPEND`, takes an exclusive `flock` for the duration of the write, writes
/// the whole buffer (complete lines only), and closes the file. `O_APPEND` makes every write land at the current
/// end; the lock keeps one process's lines contiguous even if the kernel splits a large write. The ingester reads
/// only up to the last newline, and takes the same lock when it empties a fully ingested spool.
public enum LocalSpoolFile {
    /// Why an append failed.
    public struct Failure: Error, Sendable, Hashable, CustomStringConvertible {
        /// The failed call and `errno`'s description.
        public var reason: String
        public var description: String { reason }
    }

    /// Appends `bytes` (whole lines) to the file at `path`, creating it with mode 0644.
    public static func append(_ bytes: [UInt8], to path: String) throws(Failure) {
        guard !bytes.isEmpty else { return }
        let fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw Failure(reason: "open \(path): \(errorText())") }
        defer { close(fd) }
        guard lock(fd, LOCK_EX) else { throw Failure(reason: "flock \(path): \(errorText())") }
        defer { _ = flock(fd, LOCK_UN) }
        guard writeAll(bytes, to: fd) else { throw Failure(reason: "write \(path): \(errorText())") }
    }

    /// Writes all of `bytes` to `fd`, repeating after short writes and interruptions; false (with `errno` set) on
    /// an error.
    static func writeAll(_ bytes: [UInt8], to fd: Int32) -> Bool {
        var written = 0
        while written < bytes.count {
            let result = bytes.withUnsafeBytes { buffer in
                // `bytes` is not empty here, so the address is never nil (and a nil one would be an EFAULT, not a trap).
                write(fd, buffer.baseAddress.map { $0 + written }, buffer.count - written)
            }
            if result < 0 {
                if errno == EINTR { continue }
                return false
            }
            written += result
        }
        return true
    }

    /// Takes `operation` (`LOCK_EX` or `LOCK_SH`) on `fd`, retrying when interrupted.
    public static func lock(_ fd: Int32, _ operation: Int32) -> Bool {
        while flock(fd, operation) != 0 {
            if errno != EINTR { return false }
        }
        return true
    }

    static func errorText() -> String {
        String(cString: strerror(errno))
    }
}
