import Synchronization

extension SpanRecord {
    /// Reads the open or ended record under its lock.
    @inline(__always)
    func read<Value>(_ body: (SpanRecord) -> Value) -> Value {
        lock.withLock { body(self) }
    }

    /// The limits of the client that records the span. Read only under the lock while the span is open (as
    /// ``mutate(_:)`` does): ending the span lets go of its client.
    var limits: SpanLimits { client?.limits ?? SpanLimits() }

    /// Runs `body` on the record while the span is open; counts the call if it has ended.
    @inline(__always)
    func mutate(_ body: (SpanRecord) -> Void) {
        let applied = lock.withLock { () -> Bool in
            guard !ended else { return false }
            body(self)
            return true
        }
        if !applied { counters?.ignoredCalls.add(1, ordering: .relaxed) }
    }

    /// Ends the span at `time` (now when nil; no earlier than its start) and hands the record to the export
    /// pipelines; `succeeded` sets status `ok` unless another was set. The record is not copied: the export queues
    /// get references to it, and the span never writes it again.
    ///
    /// Never inlined, and reads the clock itself: ``NoveumSpan/end()`` stays a test and a call, so that ending a
    /// sampled-out span costs a few instructions.
    @inline(never)
    func finish(atNanos requestedTime: UInt64?, succeeded: Bool) {
        let time = requestedTime ?? WallClock.nanosecondsSinceEpoch()
        // The record lets go of its client as it ends: queued, pooled or kept by an exporter, it must not keep
        // alive the client that owns those queues. No client means the span had ended already.
        let (client, registered) = lock.withLock { () -> (NoveumClient?, Bool) in
            guard !ended else { return (nil, false) }
            ended = true
            if succeeded && status == .unset { status = .ok }
            endTimeNanos = max(time, startTimeNanos, 1)
            return (self.client.take(), isRegistered)
        }
        guard let client else {
            counters?.ignoredCalls.add(1, ordering: .relaxed)
            return
        }
        if registered { client.registry.remove(spanContext.spanID) }
        // The model's one call up into the client layer: the ended record hands itself to the client's queues (see
        // "A span's life" in the documentation for why).
        client.spanEnded(SpanData(record: self))
    }

    /// Makes this span findable by id for explicit parenting, once its id has been handed out.
    func registerForLookup() {
        lock.withLock {
            guard !isRegistered, !ended, let client else { return }
            isRegistered = true
            client.registry.insert(self)
        }
    }
}
