import Synchronization

/// Generates trace and span ids in user space.
///
/// The generator advances a shared 64-bit counter by a fixed odd increment, mixing each value through the
/// SplitMix64 finaliser. That is one relaxed atomic add and a few multiplications per id (a root span's trace and
/// span ids share one add): no system call and no lock. The mix is a bijection of the counter, so span ids are
/// unique within a process for 2^64 spans, and the counter's random starting point keeps processes apart. The ids
/// are well distributed, which is what ratio sampling on the trace id needs; they are not meant to be unguessable.
///
/// The counter starts at zero, which the compiler lays out statically, and the first id seeds it from the system's
/// random source: a lazily initialised global would cost a `swift_once` check on every id.
enum IDGenerator {
    /// The counter; zero until the first id seeds it.
    private static let state = Atomic<UInt64>(0)

    /// Sets the counter to a random non-zero value unless another thread already did. Every id is taken after
    /// the caller saw a non-zero counter or ran this, so no id comes from the unseeded counter.
    @inline(never)
    private static func seed() {
        var rng = SystemRandomNumberGenerator()
        _ = state.compareExchange(expected: 0, desired: rng.next() | 1, ordering: .relaxed)
    }

    @inline(__always)
    private static func mix(_ value: UInt64) -> UInt64 {
        var z = value
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A second and a third bijective mix (the same finaliser after xoring a constant), to derive a root span's
    /// trace id halves from the counter value that also gives its span id.
    @inline(__always)
    private static func mixHigh(_ value: UInt64) -> UInt64 { mix(value ^ 0x6A09_E667_F3BC_C908) }
    @inline(__always)
    private static func mixLow(_ value: UInt64) -> UInt64 { mix(value ^ 0xBB67_AE85_84CA_A73B) }

    @inline(__always)
    private static func step() -> UInt64 {
        if state.load(ordering: .relaxed) == 0 { seed() }
        return state.wrappingAdd(0x9E37_79B9_7F4A_7C15, ordering: .relaxed).newValue
    }

    /// The next non-zero 64-bit id.
    @inline(__always)
    static func next() -> UInt64 {
        while true {
            let value = mix(step())
            if value != 0 { return value }
        }
    }

    /// A new span id.
    @inline(__always)
    static func spanID() -> SpanID { SpanID(rawValue: next()) }

    /// A new trace id.
    @inline(__always)
    static func traceID() -> TraceID { TraceID(high: next(), low: next()) }

    /// A new root span's trace id and span id from one step of the counter: one atomic add instead of three.
    ///
    /// Every span id, root or child, is `mix` of a counter value no other span id used, so span ids stay unique;
    /// the trace id's halves are two other bijections of the same value, so trace ids are unique too.
    @inline(__always)
    static func rootIDs() -> (TraceID, SpanID) {
        while true {
            let value = step()
            let span = mix(value)
            let high = mixHigh(value)
            let low = mixLow(value)
            if span != 0 && (high | low) != 0 { return (TraceID(high: high, low: low), SpanID(rawValue: span)) }
        }
    }
}
