import Synchronization

/// The client's counters: relaxed atomics, bumped on the hot path without a lock. A span start bumps one
/// counter: `recordingStarted` or `sampledOutAtStart`.
final class ClientCounters: Sendable {
    /// Spans started that record.
    let recordingStarted = Atomic<Int>(0)
    /// Spans started that record nothing (their trace was sampled out, or the client has no exporter).
    let sampledOutAtStart = Atomic<Int>(0)
    /// Recorded spans the tail rule discarded.
    let tailDiscarded = Atomic<Int>(0)
    let spansAbandoned = Atomic<Int>(0)
    let ignoredCalls = Atomic<Int>(0)
    let unresolvedParents = Atomic<Int>(0)
    let invalidTraceParents = Atomic<Int>(0)
    /// Late scores for traces the sampling rate drops.
    let scoresSampledOut = Atomic<Int>(0)
}

extension ClientCounters {
    /// Every span started.
    var spansStarted: Int {
        recordingStarted.load(ordering: .relaxed) &+ sampledOutAtStart.load(ordering: .relaxed)
    }

    /// Spans sampled out, at their start or by the tail rule.
    var spansSampledOut: Int {
        sampledOutAtStart.load(ordering: .relaxed) &+ tailDiscarded.load(ordering: .relaxed)
    }
}
