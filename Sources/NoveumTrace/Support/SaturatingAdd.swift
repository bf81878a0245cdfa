extension Int {
    /// `self + other`, or `Int.max` / `Int.min` where the sum would overflow: token counts come from untrusted
    /// response bodies and must never trap.
    func addingSaturated(_ other: Int) -> Int {
        let (sum, overflow) = addingReportingOverflow(other)
        guard overflow else { return sum }
        return other > 0 ? .max : .min
    }
}
