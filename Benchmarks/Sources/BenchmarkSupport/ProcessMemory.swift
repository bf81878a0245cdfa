import CHeapStats

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What the process holds in memory, from `/proc/self/status` and the allocator.
public enum ProcessMemory {
    /// A field of `/proc/self/status` (or of process `pid`'s) in bytes (`VmRSS`, `VmHWM`: resident now, peak
    /// resident), or nil.
    public static func status(_ field: String, pid: Int32? = nil) -> Int? {
        guard let file = fopen(pid.map { "/proc/\($0)/status" } ?? "/proc/self/status", "r") else { return nil }
        defer { fclose(file) }
        var line = [CChar](repeating: 0, count: 256)
        let prefix = field + ":"
        while fgets(&line, Int32(line.count), file) != nil {
            let text = line.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
            guard text.hasPrefix(prefix) else { continue }
            let digits = text.dropFirst(prefix.count).filter { $0.isNumber }
            return Int(digits).map { $0 * 1024 }
        }
        return nil
    }

    /// Resident memory now.
    public static var residentBytes: Int { status("VmRSS") ?? 0 }
    /// The most resident memory the process has had.
    public static var peakResidentBytes: Int { status("VmHWM") ?? 0 }

    /// Bytes the allocator has handed out and not taken back (glibc `mallinfo2().uordblks`, plus mmapped chunks).
    public static var heapBytesInUse: Int {
        Int(noveum_heap_bytes_in_use())
    }

    /// Returns free heap pages to the system, so that resident memory reflects what is in use.
    public static func trim() {
        noveum_heap_trim()
    }
}
