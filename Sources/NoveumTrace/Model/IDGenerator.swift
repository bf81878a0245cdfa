import Synchronization

/// Generates trace and span ids in user space.
///
/// The generator is seeded once from the system's random source and then advances a shared 64-bit counter by a
/// fixed odd increment, mixing each value through the SplitMix64 finaliser. That is one relaxed atomic add and a
/// few multiplications per id: no system call and no lock. The mix is a bijection of the counter, so span ids are
/// unique within a process for 2^64 spans, and the random seed keeps processes apart. The ids are well
/// distributed, which is what ratio sampling on the trace id needs; they are not meant to be unguessable.
enum IDGenerator {
    private static let state = Atomic<UInt64>(initialSeed())

    private static func initialSeed() -> UInt64 {
        var rng = SystemRandomNumberGenerator()
        return rng.next()
    }

    @inline(__always)
    private static func mix(_ value: UInt64) -> UInt64 {
        var z = value
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// The next non-zero 64-bit id.
    @inline(__always)
    static func next() -> UInt64 {
        while true {
            let value = mix(state.wrappingAdd(0x9E37_79B9_7F4A_7C15, ordering: .relaxed).newValue)
            if value != 0 { return value }
        }
    }

    /// A new span id.
    @inline(__always)
    static func spanID() -> SpanID { SpanID(rawValue: next()) }

    /// A new trace id.
    @inline(__always)
    static func traceID() -> TraceID { TraceID(high: next(), low: next()) }
}
