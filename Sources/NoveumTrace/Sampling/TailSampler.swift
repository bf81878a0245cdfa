import Synchronization

/// Holds the spans of traces that head sampling dropped but the tail rule may keep, until each trace's local root
/// span ends; then exports the trace if it failed or was slow, and otherwise discards it.
///
/// Memory is bounded by ``TailSampling/maxBufferedSpans``: past it, the oldest pending trace is discarded. Spans
/// that end after their root was decided are treated as a new pending trace and, with no root to come, are
/// discarded when evicted. Discarded spans are counted as sampled out.
final class TailSampler: Sendable {
    private struct Pending {
        var spans: [TraceID: [SpanData]] = [:]
        var order: [TraceID] = []
        var count = 0
    }

    let rule: TailSampling
    private let pending = LockedValue(Pending())

    init(rule: TailSampling) {
        self.rule = rule
    }

    /// Takes a finished span of a candidate trace. Returns the spans to export now (a kept trace), and how many
    /// spans were discarded.
    func add(_ span: SpanData) -> (keep: [SpanData], discarded: Int) {
        pending.withLock { state -> ([SpanData], Int) in
            var discarded = 0
            if state.spans[span.traceID] == nil { state.order.append(span.traceID) }
            state.spans[span.traceID, default: []].append(span)
            state.count += 1
            var keep: [SpanData] = []
            if span.isLocalRoot, let spans = state.spans.removeValue(forKey: span.traceID) {
                state.count -= spans.count
                state.order.removeAll { $0 == span.traceID }
                if let reason = keepReason(root: span, spans: spans) {
                    keep = spans.map { span in
                        var kept = span
                        kept.attributes["noveum.sampling.tail_kept"] = .string(reason)
                        return kept
                    }
                } else {
                    discarded += spans.count
                }
            }
            while state.count > rule.maxBufferedSpans, !state.order.isEmpty {
                let oldest = state.order.removeFirst()
                let spans = state.spans.removeValue(forKey: oldest) ?? []
                state.count -= spans.count
                discarded += spans.count
            }
            return (keep, discarded)
        }
    }

    private func keepReason(root: SpanData, spans: [SpanData]) -> String? {
        if rule.keepErrors && spans.contains(where: { $0.status.isFailure }) { return "error" }
        if let minimum = rule.minDuration, Duration.nanoseconds(Int64(clamping: root.durationNanos)) >= minimum {
            return "slow"
        }
        return nil
    }

    /// Spans waiting for a decision.
    var bufferedCount: Int { pending.withLock { $0.count } }
}
