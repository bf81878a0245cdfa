import BenchmarkSupport
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The parent: the receiver, the child processes, the table.
enum Parent {
    /// One child's run as the parent saw it.
    struct Run {
        var child: ChildResult
        /// Spans the receiver counted during the measured part (after the warm-up's).
        var received: Int
        /// Requests over the whole child (warm-up included) and the spans in them.
        var requests: Int
        var spansWithWarmup: Int
        /// Why this run does not count, if it does not.
        var failures: [String]

        var cpuPerSpan: Double { Double(child.userNanos + child.systemNanos) / Double(child.spans) }
        var userPerSpan: Double { Double(child.userNanos) / Double(child.spans) }
        var systemPerSpan: Double { Double(child.systemNanos) / Double(child.spans) }
        var wallPerSpan: Double { Double(child.wallNanos) / Double(child.spans) }
        /// Minor page faults and context switches per 1,000 spans.
        var faultsPerThousand: Double { Double(child.minorFaults) * 1_000 / Double(child.spans) }
        var switchesPerThousand: Double { Double(child.contextSwitches) * 1_000 / Double(child.spans) }
    }

    struct Key: Hashable {
        var config: PipelineConfig
        var shape: SpanShape
    }

    static func run(_ options: CommandOptions) -> Int32 {
        // A child that exits before the parent's answer must not kill the parent with SIGPIPE.
        signal(SIGPIPE, SIG_IGN)
        let quick = options.flag("quick")
        let environmentSpans = ProcessInfo.processInfo.environment["NOVEUM_PIPELINE_SPANS"].flatMap { Int($0) }
        let spans = options.int("spans") ?? environmentSpans ?? (quick ? 40_000 : 200_000)
        let repeats = max(options.int("repeat") ?? 3, 1)
        let warmup = options.int("warmup") ?? 2_000
        let scheduleMilliseconds = options.int("schedule-ms") ?? PipelineSettings.defaultScheduleMilliseconds
        let pace = options.int("pace") ?? PipelineSettings.defaultPace
        var configs = PipelineConfig.allCases
        if let names = options.list("configs") {
            configs = names.compactMap(PipelineConfig.init(rawValue:))
            guard configs.count == names.count else {
                return fail("unknown configuration in \(names); known: \(PipelineConfig.allCases.map(\.rawValue))")
            }
        }
        var shapes = SpanShape.allCases
        if let names = options.list("shapes") {
            shapes = names.compactMap(SpanShape.init(rawValue:))
            guard shapes.count == names.count else {
                return fail("unknown shape in \(names); known: \(SpanShape.allCases.map(\.rawValue))")
            }
        }
        guard spans > 0, warmup > 0, scheduleMilliseconds > 0, pace >= 0 else {
            return fail("--spans, --warmup and --schedule-ms must be positive, --pace not negative")
        }

        let executable: URL
        do {
            let path = try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")
            executable = URL(fileURLWithPath: path)
        } catch {
            return fail("cannot find this executable through /proc/self/exe: \(error)")
        }
        let receiver: LoopbackReceiver
        do {
            receiver = try LoopbackReceiver(countingSpans: true)
        } catch {
            return fail("could not start the loopback receiver: \(error)")
        }
        defer { receiver.stop() }

        var runs: [Key: [Run]] = [:]
        var failed = false
        for round in 1...repeats {
            for shape in shapes {
                for config in configs {
                    let label = "\(config.rawValue) \(shape.rawValue) (run \(round) of \(repeats))"
                    note("running \(label)")
                    switch runChild(
                        executable: executable, config: config, shape: shape, spans: spans, warmup: warmup,
                        scheduleMilliseconds: scheduleMilliseconds, pace: pace, receiver: receiver)
                    {
                    case .success(let run):
                        if !run.failures.isEmpty {
                            failed = true
                            note("\(label): FAILED: \(run.failures.joined(separator: "; "))")
                        }
                        runs[Key(config: config, shape: shape), default: []].append(run)
                    case .failure(let error):
                        failed = true
                        note("\(label): FAILED: \(error.description)")
                    }
                }
            }
        }
        printTable(
            runs: runs, configs: configs, shapes: shapes, spans: spans, warmup: warmup, repeats: repeats,
            scheduleMilliseconds: scheduleMilliseconds, pace: pace)
        if failed {
            note("some runs did not deliver every span they produced (see above)")
            return 1
        }
        return 0
    }

    struct RunError: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }

    /// Runs one child to its end, answering its `produced N` lines once the receiver has counted N spans.
    static func runChild(
        executable: URL, config: PipelineConfig, shape: SpanShape, spans: Int, warmup: Int,
        scheduleMilliseconds: Int, pace: Int, receiver: LoopbackReceiver
    ) -> Result<Run, RunError> {
        let process = Process()
        let arguments = [
            "child", "--config", config.rawValue, "--shape", shape.rawValue, "--spans", "\(spans)", "--warmup",
            "\(warmup)", "--schedule-ms", "\(scheduleMilliseconds)", "--pace", "\(pace)", "--url", receiver.baseURL,
        ]
        // NOVEUM_PIPELINE_WRAPPER runs each child under a tool, e.g. "valgrind --tool=callgrind" or "strace -c -f".
        let wrapper = (ProcessInfo.processInfo.environment["NOVEUM_PIPELINE_WRAPPER"] ?? "")
            .split(separator: " ").map(String.init)
        if wrapper.isEmpty {
            process.executableURL = executable
            process.arguments = arguments
        } else {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = wrapper + [executable.path] + arguments
        }
        let input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = FileHandle.standardError
        let spansBefore = receiver.spans
        let requestsBefore = receiver.requests
        let uncountedBefore = receiver.uncountedBodies
        do {
            try process.run()
        } catch {
            return .failure(RunError("could not start the child: \(error)"))
        }
        var lines = LineReader(output.fileHandleForReading)
        var result: ChildResult?
        var warmupReceived = 0
        var problems: [String] = []
        while let line = lines.next() {
            if line.hasPrefix("produced "), let total = Int(line.dropFirst("produced ".count)) {
                let arrived = waitForSpans(receiver, atLeast: spansBefore + total)
                if total == warmup { warmupReceived = receiver.spans - spansBefore }
                do {
                    try input.fileHandleForWriting.write(contentsOf: Data((arrived ? "delivered\n" : "timeout\n").utf8))
                } catch {
                    problems.append("could not answer the child: \(error)")
                }
                if !arrived {
                    problems.append("the receiver counted \(receiver.spans - spansBefore) of \(total) spans")
                }
            } else if line.hasPrefix("{") {
                do {
                    result = try JSONDecoder().decode(ChildResult.self, from: Data(line.utf8))
                } catch {
                    problems.append("unreadable result line \(line): \(error)")
                }
            } else if !line.isEmpty {
                note("child: \(line)")
            }
        }
        process.waitUntilExit()
        if process.terminationStatus != 0 {
            problems.append("the child exited with status \(process.terminationStatus)")
        }
        guard let result else {
            return .failure(RunError((problems + ["the child printed no result"]).joined(separator: "; ")))
        }
        let received = receiver.spans - spansBefore - warmupReceived
        if received != spans { problems.append("the receiver counted \(received) spans of the \(spans) produced") }
        if let exported = result.exported, exported != spans {
            problems.append("the SDK counted \(exported) exported of \(spans)")
        }
        if let dropped = result.dropped, dropped != 0 { problems.append("the SDK dropped \(dropped) spans") }
        let uncounted = receiver.uncountedBodies - uncountedBefore
        if uncounted > 0 {
            problems.append("\(uncounted) request bodies could not be read: \(receiver.lastCountError ?? "?")")
        }
        return .success(
            Run(
                child: result, received: received, requests: receiver.requests - requestsBefore,
                spansWithWarmup: receiver.spans - spansBefore, failures: problems))
    }

    /// Waits until the receiver has counted `target` spans; false when it stops making progress for 20 s.
    static func waitForSpans(_ receiver: LoopbackReceiver, atLeast target: Int) -> Bool {
        var last = receiver.spans
        var lastProgress = ContinuousClock.now
        while true {
            let now = receiver.spans
            if now >= target { return true }
            if now != last {
                last = now
                lastProgress = .now
            } else if ContinuousClock.now - lastProgress > .seconds(20) {
                return false
            }
            usleep(500)
        }
    }

    // MARK: The table

    static func printTable(
        runs: [Key: [Run]], configs: [PipelineConfig], shapes: [SpanShape], spans: Int, warmup: Int, repeats: Int,
        scheduleMilliseconds: Int, pace: Int
    ) {
        let queue = PipelineSettings.queueSize(spans: spans, warmup: warmup, pace: pace)
        let pacing =
            pace > 0
            ? "\(grouped(pace)) at a time, each time waiting until the receiver has them all"
            : "all at once"
        emit(
            "Whole pipeline, all threads: CPU time (user+sys, getrusage of the child process) per span delivered to a "
                + "loopback receiver in the parent process; \(grouped(spans)) spans per run after \(grouped(warmup)) "
                + "warm-up spans, produced from one thread \(pacing); \(repeats) runs per row, interleaved; median "
                + "(range). Every pipeline: batch \(PipelineSettings.batchSize), queue bound \(grouped(queue)), "
                + "schedule delay \(scheduleMilliseconds) ms. Wall time includes the waits for delivery.")
        emit("")
        emit(
            "| span | pipeline | compression | CPU µs/span (user+sys) | user µs | sys µs | wall ns/span "
                + "| page faults per 1k spans | context switches per 1k spans | spans delivered | spans/request |")
        emit("|---|---|---|---:|---:|---:|---:|---:|---:|---|---:|")
        for shape in shapes {
            for config in configs {
                let list = runs[Key(config: config, shape: shape)] ?? []
                guard !list.isEmpty else {
                    let dashes = String(repeating: " – |", count: 7)
                    emit("| \(shape.label) | \(config.label) | \(config.compression) | failed |" + dashes)
                    continue
                }
                let cpu = list.map(\.cpuPerSpan)
                let delivered = list.allSatisfy { $0.failures.isEmpty }
                let receivedText = list.map { grouped($0.received) }.uniqued().joined(separator: ", ")
                let perRequest = list.map { Double($0.spansWithWarmup) / Double(max($0.requests, 1)) }
                emit(
                    "| \(shape.label) | \(config.label) | \(config.compression) "
                        + "| \(micro(median(cpu))) (\(micro(cpu.min() ?? 0))–\(micro(cpu.max() ?? 0))) "
                        + "| \(micro(median(list.map(\.userPerSpan)))) | \(micro(median(list.map(\.systemPerSpan)))) "
                        + "| \(grouped(Int(median(list.map(\.wallPerSpan)).rounded()))) "
                        + "| \(grouped(Int(median(list.map(\.faultsPerThousand)).rounded()))) "
                        + "| \(grouped(Int(median(list.map(\.switchesPerThousand)).rounded()))) "
                        + "| \(receivedText) of \(grouped(spans)) × \(list.count)\(delivered ? "" : " **FAILED**") "
                        + "| \(fixed(median(perRequest), 0)) |")
            }
        }
        emit("")
        emit("| span | ratio of CPU per delivered span (medians) | target | this run | |")
        emit("|---|---|---:|---:|---|")
        func cpu(_ config: PipelineConfig, _ shape: SpanShape) -> Double? {
            guard let list = runs[Key(config: config, shape: shape)], !list.isEmpty else { return nil }
            return median(list.map(\.cpuPerSpan))
        }
        for shape in shapes {
            let ratios: [(String, PipelineConfig, PipelineConfig, Double)] = [
                ("our OTLP protobuf (gzip) ÷ swift-otel (none)", .otlpGzip, .swiftOTel, 0.2),
                ("our OTLP protobuf (none) ÷ swift-otel (none): same compression", .otlp, .swiftOTel, 0.2),
                ("Noveum JSON (gzip) ÷ our OTLP protobuf (gzip)", .noveumJSON, .otlpGzip, 2),
            ]
            for (label, numerator, denominator, target) in ratios {
                guard let top = cpu(numerator, shape), let bottom = cpu(denominator, shape), bottom > 0 else {
                    continue
                }
                let ratio = top / bottom
                emit(
                    "| \(shape.label) | \(label) | ≤ \(fixed(target, target < 1 ? 2 : 0)) | \(fixed(ratio, 2)) "
                        + "(\(micro(top)) vs \(micro(bottom)) µs) | \(ratio <= target ? "met" : "missed") |")
            }
        }
    }

    static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        guard !sorted.isEmpty else { return 0 }
        let middle = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    }

    /// Nanoseconds as microseconds with two decimals.
    static func micro(_ nanos: Double) -> String { fixed(nanos / 1_000, 2) }

    static func fixed(_ value: Double, _ digits: Int) -> String { String(format: "%.\(digits)f", value) }

    static func grouped(_ value: Int) -> String {
        let digits = String(value.magnitude)
        var result = ""
        for (index, character) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { result.append(",") }
            result.append(character)
        }
        return (value < 0 ? "-" : "") + result
    }

    static func emit(_ line: String) { print(line) }

    static func note(_ line: String) {
        FileHandle.standardError.write(Data(("noveum-pipeline-cpu: " + line + "\n").utf8))
    }
}

/// Lines from a pipe, as they arrive.
struct LineReader {
    private let handle: FileHandle
    private var buffer: [UInt8] = []
    private var ended = false

    init(_ handle: FileHandle) {
        self.handle = handle
    }

    mutating func next() -> String? {
        while true {
            if let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                let line = String(decoding: buffer[..<newline], as: UTF8.self)
                buffer.removeSubrange(...newline)
                return line
            }
            if ended {
                guard !buffer.isEmpty else { return nil }
                defer { buffer.removeAll() }
                return String(decoding: buffer, as: UTF8.self)
            }
            let data = handle.availableData
            if data.isEmpty { ended = true } else { buffer.append(contentsOf: data) }
        }
    }
}

extension Array where Element: Hashable {
    /// The elements in order, each once.
    func uniqued() -> [Element] {
        var seen: Set<Element> = []
        return filter { seen.insert($0).inserted }
    }
}
