/// Decides once per trace, from the trace id, whether a trace is recorded.
///
/// The decision reads the low 56 bits of the trace id (the part W3C Trace Context level 2 makes random), so every
/// service configured with the same rate agrees on the same trace without talking to each other. Children
/// inherit their parent's decision; an incoming `traceparent` decides through its sampled flag.
struct HeadSampler: Sendable {
    /// The rate in 0...1.
    let rate: Double
    private let threshold: UInt64
    private static let mask: UInt64 = (1 << 56) - 1

    init(rate: Double) {
        self.rate = rate
        if rate >= 1 {
            threshold = UInt64.max
        } else if rate <= 0 || rate.isNaN {
            threshold = 0
        } else {
            threshold = UInt64(rate * Double(1 << 56))
        }
    }

    @inline(__always)
    func shouldSample(_ traceID: TraceID) -> Bool {
        threshold == UInt64.max || (traceID.low & Self.mask) < threshold
    }
}
