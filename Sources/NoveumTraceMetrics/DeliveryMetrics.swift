import CoreMetrics
import NoveumTrace
import Synchronization

/// The client's delivery counters as swift-metrics counters: spans started, exported, and dropped by reason.
///
/// Call ``report()`` whenever suits the app (a metrics scrape, a timer, the end of a request); each call adds what
/// changed since the last one, so the counters match the client's `stats`.
///
/// | Counter | Dimensions |
/// |---|---|
/// | `noveum.trace.spans.started` | |
/// | `noveum.trace.spans.exported` | |
/// | `noveum.trace.spans.dropped` | `reason`: `sampled_out`, `queue_full`, `export_failed`, `export_timeout`, `payload_too_large`, `shutdown` |
///
/// ```swift
/// let delivery = DeliveryMetrics(client: NoveumTrace.client)
/// delivery.report()
/// ```
public final class DeliveryMetrics: Sendable {
    private let client: NoveumClient
    private let factory: (any MetricsFactory)?
    private let reported = Mutex<NoveumStats?>(nil)

    /// Reports `client`'s counters through `factory`, or through the bootstrapped `MetricsSystem.factory` when nil.
    public init(client: NoveumClient, factory: (any MetricsFactory)? = nil) {
        self.client = client
        self.factory = factory
    }

    /// Adds to each counter what it gained since the last report.
    public func report() {
        let factory = self.factory ?? MetricsSystem.factory
        let (now, before) = reported.withLock { last -> (NoveumStats, NoveumStats?) in
            let now = client.stats
            defer { last = now }
            return (now, last)
        }
        func add(_ label: String, _ dimensions: [(String, String)] = [], _ value: Int, _ previous: Int?) {
            let delta = value - (previous ?? 0)
            guard delta > 0 else { return }
            Counter(label: label, dimensions: dimensions, factory: factory).increment(by: delta)
        }
        add("noveum.trace.spans.started", [], now.spansStarted, before?.spansStarted)
        add("noveum.trace.spans.exported", [], now.spansExported, before?.spansExported)
        for reason in DropReason.allCases {
            add(
                "noveum.trace.spans.dropped", [("reason", reason.rawValue)], now.spansDropped[reason] ?? 0,
                before?.spansDropped[reason] ?? 0)
        }
    }
}
