#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Nanoseconds on `clock`: `CLOCK_MONOTONIC` for the wall, `CLOCK_THREAD_CPUTIME_ID` for the CPU time of the calling
/// thread (time the scheduler gave another thread or process is not in it).
@inline(__always)
public func nanoseconds(on clock: clockid_t) -> Int {
    var now = timespec()
    clock_gettime(clock, &now)
    return now.tv_sec * 1_000_000_000 + now.tv_nsec
}
