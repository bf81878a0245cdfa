import Synchronization

/// Prints each finished trace as an indented tree: names, durations, status and key LLM attributes.
///
/// Spans are held until their trace's local root span finishes, then the whole tree is printed at once. Traces
/// whose root never arrives are printed as partial trees at flush or shutdown, or when more than
/// `maxBufferedSpans` spans are waiting (oldest trace first), so memory stays bounded.
public struct ConsoleExporter: SpanExporter {
    private final class Buffer: Sendable {
        let pending = LockedValue<(spans: [TraceID: [SpanData]], order: [TraceID], count: Int)>(([:], [], 0))
    }

    private let buffer = Buffer()
    private let renderer: TraceTreeRenderer
    private let maxBufferedSpans: Int
    private let write: @Sendable (String) -> Void

    /// Creates a console exporter.
    /// - Parameters:
    ///   - useColor: colour the status words with ANSI escapes.
    ///   - maxBufferedSpans: spans held while waiting for their root, before the oldest trace is printed as is.
    ///   - write: where each rendered trace goes; standard output by default.
    public init(
        useColor: Bool = false, maxBufferedSpans: Int = 10_000,
        write: @escaping @Sendable (String) -> Void = { print($0) }
    ) {
        self.renderer = TraceTreeRenderer(useColor: useColor)
        self.maxBufferedSpans = maxBufferedSpans
        self.write = write
    }

    public var name: String { "console" }

    /// The console is local: it shows prompts and completions in full unless content capture is off.
    public var isLocal: Bool { true }

    public func export(_ batch: [SpanData]) async -> ExportResult {
        let ready = buffer.pending.withLock { state -> [[SpanData]] in
            var ready: [[SpanData]] = []
            for span in batch {
                if state.spans[span.traceID] == nil { state.order.append(span.traceID) }
                state.spans[span.traceID, default: []].append(span)
                state.count += 1
                if span.isLocalRoot, let spans = state.spans.removeValue(forKey: span.traceID) {
                    state.count -= spans.count
                    state.order.removeAll { $0 == span.traceID }
                    ready.append(spans)
                }
            }
            while state.count > maxBufferedSpans, let oldest = state.order.first {
                state.order.removeFirst()
                if let spans = state.spans.removeValue(forKey: oldest) {
                    state.count -= spans.count
                    ready.append(spans)
                }
            }
            return ready
        }
        for spans in ready { write(renderer.render(spans)) }
        return .success
    }

    public func forceFlush() async {
        let rest = buffer.pending.withLock { state -> [[SpanData]] in
            defer { state = ([:], [], 0) }
            return state.order.compactMap { state.spans[$0] }
        }
        for spans in rest { write(renderer.render(spans)) }
    }

    public func shutdown() async {
        await forceFlush()
    }
}
