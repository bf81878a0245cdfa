#if canImport(Darwin)
import Darwin
#elseif canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Reads the wall clock as nanoseconds since the Unix epoch.
///
/// One `clock_gettime` call (a vDSO read on Linux, no system call), used for span start, end and event times.
@usableFromInline
enum WallClock {
    @inline(__always)
    @usableFromInline
    static func nanosecondsSinceEpoch() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return UInt64(ts.tv_sec) &* 1_000_000_000 &+ UInt64(ts.tv_nsec)
    }
}
