// noveum-pipeline-cpu: CPU time of the whole tracing pipeline, every thread, per span delivered to a loopback
// receiver (issue 27): our OTLP protobuf and Noveum JSON exporters against swift-otel 1.6.0's batch span processor
// and OTLP/HTTP exporter, in the same run.
//
//   swift build -c release --package-path Benchmarks --product noveum-pipeline-cpu
//   .build/release/noveum-pipeline-cpu [--spans 200000] [--repeat 3] [--warmup 2000] [--pace 2000]
//       [--schedule-ms 5] [--configs otlp-gzip,otlp,noveum-json-gzip,swift-otel] [--shapes four,llm] [--quick]
//
// The parent starts the receiver (NIO on 127.0.0.1, one thread; it counts the spans of every request body as it
// arrives, so its work is not counted), then runs every configuration × shape in a child process of its own (this
// binary, `child --config C --shape S --spans N --url URL`), `--repeat` times, interleaved (A B C D A B C D …).
// The child warms up, reads getrusage(RUSAGE_SELF) and the clock, produces N spans from one thread as fast as the
// SDK takes them, `--pace` at a time (after each, it flushes and waits until the parent's receiver has counted
// every span so far; 0: all at once), reads both again and prints one JSON line. The parent prints a markdown
// table: CPU µs (user+sys) per delivered span, median and range of the runs, and the ratios the issue targets.
// Exits 1 when any run delivered a different number of spans than it produced. `--spans` defaults to
// NOVEUM_PIPELINE_SPANS, else 200,000 (`--quick`: 40,000). NOVEUM_PIPELINE_WRAPPER runs each child under a tool:
// NOVEUM_PIPELINE_WRAPPER="valgrind --tool=callgrind --callgrind-out-file=/tmp/c.%p" (valgrind 3.19 cannot read
// Swift 6.3's DWARF 5: run a copy of this binary made with `objcopy --strip-debug`).
import BenchmarkSupport
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

@main
struct PipelineCPUMain {
    static func main() {
        let arguments = Array(CommandLine.arguments.dropFirst())
        let status: Int32
        if arguments.first == "child" {
            status = Child.run(CommandOptions(Array(arguments.dropFirst())))
        } else {
            status = Parent.run(CommandOptions(arguments))
        }
        exit(status)
    }
}

/// The pipelines compared.
enum PipelineConfig: String, CaseIterable, Sendable {
    case otlpGzip = "otlp-gzip"
    case otlp = "otlp"
    case noveumJSON = "noveum-json-gzip"
    case swiftOTel = "swift-otel"

    var label: String {
        switch self {
        case .otlpGzip, .otlp: return "noveum, OTLP protobuf"
        case .noveumJSON: return "noveum, Noveum JSON"
        case .swiftOTel: return "swift-otel 1.6.0, OTLP/HTTP protobuf"
        }
    }

    var compression: String {
        switch self {
        case .otlpGzip, .noveumJSON: return "gzip"
        case .otlp: return "none"
        case .swiftOTel: return "none (its OTLP/HTTP has no gzip)"
        }
    }
}

/// The spans produced.
enum SpanShape: String, CaseIterable, Sendable {
    /// A span with a string, an int, a double and a bool attribute, set one call at a time (rows 04).
    case four
    /// A client span with the 13 attributes of an LLM call (row 06's span).
    case llm

    var label: String {
        switch self {
        case .four: return "4 attributes"
        case .llm: return "LLM, 13 attributes"
        }
    }
}
