import CBenchZlib
import NIOCore
import NoveumTrace

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The spans a row sends: traces of ``Workload/spansPerTrace`` spans (a root and its children), every span with
/// its own id.
enum Shape: String, CaseIterable, Sendable {
    case fourAttributes = "4-attribute spans"
    case llm = "LLM spans, 13 attributes"

    /// The span at global position `index` (0-based) of a run whose trace ids start with `salt`.
    func span(_ index: Int, salt: UInt64, baseNanos: UInt64) -> SpanData {
        let trace = index / Workload.spansPerTrace
        let position = index % Workload.spansPerTrace
        let traceStart = baseNanos + UInt64(trace) * 20_000
        let start = position == 0 ? traceStart : traceStart + UInt64(position) * 100_000
        let end = position == 0 ? traceStart + UInt64(Workload.spansPerTrace) * 100_000 + 50_000 : start + 80_000
        let context = SpanContext(
            traceID: TraceID(high: salt, low: UInt64(trace) + 1), spanID: SpanID(rawValue: UInt64(index) + 1),
            isSampled: true)
        let parent = position == 0 ? nil : SpanID(rawValue: UInt64(trace * Workload.spansPerTrace) + 1)
        switch self {
        case .fourAttributes:
            // A request handled by a service: string, int, double and bool.
            let names = ["GET /api/orders/{id}", "SELECT orders", "cache.get", "render", "authorize"]
            return SpanData(
                context: context, parentSpanID: parent, name: names[position == 0 ? 0 : 1 + position % 4],
                kind: position == 0 ? .server : .client, startTimeNanos: start, endTimeNanos: end, status: .ok,
                attributes: [
                    "http.request.method": .string("GET"), "http.response.status_code": .int(200),
                    "app.score": .double(Double(index % 100) / 100), "app.cache_hit": .bool(index % 3 == 0),
                ])
        case .llm:
            // A chat completion as OpenTelemetry's gen_ai conventions and the SDK's llm.* keys record it.
            let input = Int64(800 + index % 700)
            let output = Int64(100 + index % 300)
            return SpanData(
                context: context, parentSpanID: parent, name: "chat gpt-4o", kind: .client, startTimeNanos: start,
                endTimeNanos: end, status: .ok,
                attributes: [
                    "gen_ai.system": .string("openai"), "gen_ai.operation.name": .string("chat"),
                    "gen_ai.request.model": .string("gpt-4o"), "gen_ai.response.model": .string("gpt-4o-2024-08-06"),
                    "gen_ai.request.temperature": .double(0.2), "gen_ai.request.max_tokens": .int(1024),
                    "gen_ai.usage.input_tokens": .int(input), "gen_ai.usage.output_tokens": .int(output),
                    "gen_ai.response.finish_reasons": .string("stop"),
                    "gen_ai.response.id": .string("chatcmpl-\(salt % 100_000)-\(index)"),
                    "llm.model": .string("gpt-4o"), "llm.provider": .string("openai"),
                    "llm.cost.total": .double(Double(input) * 2.5e-6 + Double(output) * 1e-5),
                ])
        }
    }
}

/// One request body, ready to send.
struct Body: Sendable {
    let bytes: ByteBuffer
    let spans: Int
}

/// Request bodies for a row, encoded (and compressed) before the clock starts.
enum Workload {
    static let spansPerTrace = 8

    /// The gzip level the SDK's exporter uses (zlib's fastest).
    static let gzipLevel: Int32 = 1

    /// The resource every request carries.
    static let resource = Resource(attributes: [
        "service.name": .string("ingest-bench"), "deployment.environment": .string("bench"),
        "telemetry.sdk.name": .string("noveum-trace-swift"), "telemetry.sdk.language": .string("swift"),
    ])

    /// `total` spans as OTLP protobuf request bodies of at most `batch` spans each; `salt` makes the trace ids of
    /// this run its own.
    static func bodies(shape: Shape, total: Int, batch: Int, gzip: Bool, salt: UInt64) -> [Body] {
        let encoder = OTLPProtobufEncoder()
        // Spans that ended in the last minutes, as an exporter sends them.
        let baseNanos = UInt64(wallClockNanos()) - 600_000_000_000
        var bodies: [Body] = []
        bodies.reserveCapacity((total + batch - 1) / batch)
        var first = 0
        while first < total {
            let count = min(batch, total - first)
            let spans = (first..<(first + count)).map { shape.span($0, salt: salt, baseNanos: baseNanos) }
            var bytes = encoder.encode(spans, resource: resource)
            if gzip { bytes = compress(bytes) }
            bodies.append(Body(bytes: ByteBuffer(bytes: bytes), spans: count))
            first += count
        }
        return bodies
    }

    static func compress(_ bytes: [UInt8]) -> [UInt8] {
        let capacity = noveum_bench_gzip_bound(bytes.count)
        var output = [UInt8](repeating: 0, count: capacity)
        let written = bytes.withUnsafeBufferPointer { input in
            output.withUnsafeMutableBufferPointer { out in
                noveum_bench_gzip(input.baseAddress, input.count, out.baseAddress, capacity, gzipLevel)
            }
        }
        precondition(written > 0, "gzip failed")
        output.removeLast(capacity - written)
        return output
    }

    static func wallClockNanos() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Int64(ts.tv_sec) * 1_000_000_000 + Int64(ts.tv_nsec)
    }
}
