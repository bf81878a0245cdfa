import Foundation
import Hummingbird
import HummingbirdTesting
import NoveumTrace
@testable import NoveumTraceCLI
import NoveumTraceStore
import Testing

/// The command line's and viewer's sites of the crash audit (RELIABILITY.md, "Crash audit"): times in requests and
/// arguments, and spool values that the views do arithmetic on.
@Suite("Crash audit: the CLI and viewer never trap on a time, a page or a spool value")
struct CrashAuditCLITests {
    /// `Int64(seconds * 1e9)` trapped on a non-finite or out-of-range number.
    @Test("times that are not finite or not within Int64 nanoseconds are an error", arguments: [
        "nan", "inf", "-inf", "1e300", "1e19", "1e300d", "infw", "3000-01-01",
    ])
    func unreadableTimes(text: String) {
        #expect(throws: CLIError.self) { try TimeSpec.nanos(text) }
    }

    @Test("ages and sizes beyond Int64 are an error; ordinary ones read as before")
    func agesAndSizes() throws {
        #expect(throws: CLIError.self) { try TimeSpec.age("1e300d") }
        #expect(throws: CLIError.self) { try TimeSpec.age("infw") }
        #expect(throws: CLIError.self) { try TimeSpec.bytes("1e300GB") }
        #expect(throws: CLIError.self) { try TimeSpec.bytes("INFGB") }
        #expect(try TimeSpec.age("7d") == 604_800_000_000_000)
        #expect(try TimeSpec.bytes("500MB") == 500_000_000)
        #expect(try TimeSpec.nanos("1700000000") == 1_700_000_000_000_000_000)
        #expect(try TimeSpec.nanos("2h", now: Date(timeIntervalSince1970: 10_000)) == 2_800_000_000_000)
        #expect(try TimeSpec.nanos("2026-11-27") == 1_795_737_600_000_000_000)
    }

    /// The viewer passes `since` to the same parser: a request used to crash the server.
    @Test("the viewer answers 400 to a since it cannot read", arguments: [
        "/api/traces?since=nan", "/api/traces?since=1e300d", "/api/stats?since=inf",
    ])
    func viewerRejectsTimes(uri: String) async throws {
        let folder = try temporaryFolder()
        let store = try TraceStore(directory: LocalTraceDirectory(path: folder))
        let app = Application(router: ViewerAPI.router(store: store, allowedHosts: []))
        try await app.test(.router) { client in
            try await client.execute(uri: uri, method: .get) { response in
                #expect(response.status == .badRequest)
                #expect(String(buffer: response.body).contains("\"error\""))
            }
        }
    }

    @Test("a page beyond Int.max traces is an error")
    func hugePage() async throws {
        let folder = try temporaryFolder()
        _ = try TraceStore(directory: LocalTraceDirectory(path: folder))
        await #expect(throws: CLIError.self) {
            try await run(["list", "--dir", folder, "--page", String(Int.max), "--limit", "20"])
        }
    }

    /// Token counts saturate at `Int64.max` in the store; the views added input and output.
    @Test("token counts of Int64.max are shown, not added")
    func saturatedTokens() {
        #expect(Format.tokens(.max, .max) == "9223372036854775807→9223372036854775807")
        #expect(Format.tokens(0, 0) == "-")
        #expect(Format.tokens(3, 0) == "3→0")
    }

    /// A damaged or hand-written spool line: a child starting at 9e18 ns in a trace that lasts 0 ns. Its place on
    /// the bar, `9e18 / 1 × 24`, is no `Int`.
    @Test("show draws a span that starts far after its trace's end, and Int64.max tokens")
    func farOutSpan() throws {
        let directory = LocalTraceDirectory(path: try temporaryFolder())
        let encoder = LocalSpanLineEncoder(project: "p", environment: "e", resource: Resource(attributes: [:]))
        let context = { (id: UInt64) in
            SpanContext(traceID: TraceID(high: 1, low: 2), spanID: SpanID(rawValue: id), isSampled: true)
        }
        let tokens: AttributeList = ["llm.input_tokens": .int(.max), "llm.output_tokens": .int(.max)]
        let root = SpanData(
            context: context(1), name: "root", startTimeNanos: 1_000, endTimeNanos: 1_000, attributes: tokens)
        let late = SpanData(
            context: context(2), parentSpanID: SpanID(rawValue: 1), name: "late-child",
            startTimeNanos: 9_000_000_000_000_000_000, endTimeNanos: 0, attributes: tokens)
        try LocalSpoolFile.append(encoder.encodeLine(root) + encoder.encodeLine(late), to: directory.spoolPath)
        let store = try TraceStore(directory: directory)
        #expect(try store.ingestSpool().spans == 2)
        let trace = try store.trace(TraceID(high: 1, low: 2).description)
        let text = TraceTreeView.render(trace, Terminal(useColor: false) { _ in })
        #expect(text.contains("late-child"))
        #expect(text.contains("tokens 9223372036854775807 in / 9223372036854775807 out"))
        let row = TraceListView.row(trace.summary, Terminal(useColor: false) { _ in })
        #expect(row.contains("922337203"))  // the tokens column, cut to its width
        #expect(TraceTreeView.onBar(9e18, of: 1) == Double(TraceTreeView.barWidth + 1))
        #expect(TraceTreeView.onBar(12, of: 24) == 12)
    }
}
