import Foundation
import Logging
import NoveumTrace
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A transport that forwards to another and tells the test what happened to each request.
final class RecordingTransport: HTTPTransport {
    enum Event: Sendable {
        case response(Int)
        case failure(String)
    }

    private let inner: any HTTPTransport
    private let state = LockedValue<(events: [Event], waiters: [(Int, CheckedContinuation<Void, Never>)])>(([], []))

    init(_ inner: any HTTPTransport = URLSessionTransport()) {
        self.inner = inner
    }

    var events: [Event] { state.withLock { $0.events } }

    var failureCount: Int {
        events.filter { if case .failure = $0 { true } else { false } }.count
    }

    func send(_ request: HTTPTransport.Request, timeout: Duration) async throws -> HTTPTransport.Response {
        do {
            let response = try await inner.send(request, timeout: timeout)
            record(.response(response.status))
            return response
        } catch {
            record(.failure(String(describing: error)))
            throw error
        }
    }

    /// Waits until `count` connection-level failures have happened.
    func waitForFailures(_ count: Int) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let ready = state.withLock { state -> Bool in
                if Self.failures(in: state.events) >= count { return true }
                state.waiters.append((count, continuation))
                return false
            }
            if ready { continuation.resume() }
        }
    }

    private static func failures(in events: [Event]) -> Int {
        events.filter { if case .failure = $0 { true } else { false } }.count
    }

    private func record(_ event: Event) {
        let ready = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.events.append(event)
            let failures = Self.failures(in: state.events)
            var ready: [CheckedContinuation<Void, Never>] = []
            state.waiters.removeAll { waiter in
                guard waiter.0 <= failures else { return false }
                ready.append(waiter.1)
                return true
            }
            return ready
        }
        for continuation in ready { continuation.resume() }
    }
}

/// Collects every log message, with its metadata, for assertions.
final class LogCapture: Sendable {
    struct Entry: Sendable {
        var level: Logger.Level
        var message: String
        var metadata: [String: String]

        /// The message and metadata as one text, to search for secrets.
        var text: String { ([message] + metadata.map { "\($0.key)=\($0.value)" }).joined(separator: " ") }
    }

    private let entries = LockedValue<[Entry]>([])

    var all: [Entry] { entries.withLock { $0 } }
    func at(_ level: Logger.Level) -> [Entry] { all.filter { $0.level == level } }

    /// A logger that records into this capture, at every level.
    var logger: Logger {
        Logger(label: "noveum.trace.test") { _ in Handler(capture: self) }
    }

    fileprivate func append(_ entry: Entry) {
        entries.withLock { $0.append(entry) }
    }

    private struct Handler: LogHandler {
        let capture: LogCapture
        var logLevel: Logger.Level = .trace
        var metadata: Logger.Metadata = [:]

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            var merged: [String: String] = [:]
            for (key, value) in metadata { merged[key] = "\(value)" }
            for (key, value) in event.metadata ?? [:] { merged[key] = "\(value)" }
            capture.append(Entry(level: event.level, message: "\(event.message)", metadata: merged))
        }
    }
}

/// A TCP port on 127.0.0.1 that refuses connections: bound, never listening. Closing it frees the port for a
/// server started afterwards, so a test can bring a "down" backend up at the same address.
final class RefusedPort: Sendable {
    let port: Int
    private let descriptor: LockedValue<Int32>

    init() throws {
        #if canImport(Glibc)
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
        let fd = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard fd >= 0 else { throw PortError.socket }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0 else {
            close(fd)
            throw PortError.bind
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let named = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        guard named == 0 else {
            close(fd)
            throw PortError.bind
        }
        self.port = Int(UInt16(bigEndian: address.sin_port))
        self.descriptor = LockedValue(fd)
    }

    /// Frees the port.
    func release() {
        descriptor.withLock { fd in
            if fd >= 0 { close(fd) }
            fd = -1
        }
    }

    deinit { release() }

    enum PortError: Error { case socket, bind }
}

/// A tiny, fast retry policy for tests.
let fastRetries = HTTPRetryPolicy(
    maxAttempts: 4, initialBackoff: .milliseconds(1), maxBackoff: .milliseconds(5), maxRetryAfter: .milliseconds(50))

/// The error the product document's example records.
struct ValueError: Error, CustomStringConvertible {
    var description: String { "boom" }
}

extension NoveumStats {
    /// The exporter's counts add up: every finished span was exported, dropped or is still buffered.
    func countsAddUp(exporter index: Int = 0) -> Bool {
        let e = exporters[index]
        return spansEnded == e.exported + e.dropped.values.reduce(0, +) + e.buffered
    }
}

/// JSON helpers for `[String: Any]` trees.
extension Dictionary where Key == String, Value == Any {
    func object(_ key: String) -> [String: Any]? { self[key] as? [String: Any] }
    func array(_ key: String) -> [[String: Any]]? { self[key] as? [[String: Any]] }
    func string(_ key: String) -> String? { self[key] as? String }
    func isNull(_ key: String) -> Bool { self[key] is NSNull }
    /// The keys, sorted, to compare an object's shape with the reference payload.
    var sortedKeys: [String] { keys.sorted() }
}
