import Foundation
import NoveumTrace

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A deliberately misbehaving HTTP/1.1 server on 127.0.0.1, written on plain sockets so that it can do what a
/// well-behaved server framework will not: close a connection halfway through a response, answer with bytes that
/// are not HTTP, or keep a request waiting for a minute.
///
/// Every connection gets one answer (`Connection: close`), chosen by ``Behavior``. Each connection is served on
/// its own thread; ``stop()`` closes the listening socket and releases waiting connections.
package final class FaultServer: Sendable {
    /// What the server does with each request.
    package indirect enum Behavior: Sendable, CustomStringConvertible {
        /// A complete response: this status, these headers, this body.
        case respond(status: Int, headers: [String: String] = [:], body: [UInt8] = [])
        /// Reads the request, then closes the connection without a byte of answer.
        case closeWithoutAnswer
        /// Sends the status line, headers announcing a 1000-byte body and 10 bytes of it, then closes.
        case closeMidResponse
        /// Answers with bytes that are not HTTP at all.
        case garbage
        /// Answers 200 after `seconds` (or when the server stops, whichever comes first).
        case answerAfter(seconds: Double)
        /// Each block of `every` requests behaves as the next element of `behaviors`, in turn: a flapping backend.
        case cycle([Behavior], every: Int)

        package var description: String {
            switch self {
            case .respond(let status, let headers, let body):
                "HTTP \(status)\(headers.isEmpty ? "" : " \(headers)")\(body.isEmpty ? "" : " + \(body.count)-byte body")"
            case .closeWithoutAnswer: "connection closed without an answer"
            case .closeMidResponse: "connection closed mid-response"
            case .garbage: "non-HTTP bytes"
            case .answerAfter(let seconds): "answer after \(Int(seconds)) s"
            case .cycle(let behaviors, let every): "every \(every) requests in turn: \(behaviors)"
            }
        }
    }

    package let port: Int
    private let listener: Int32
    private let behavior: Behavior
    private let requestCount = LockedValue(0)
    private let stopped = LockedValue(false)
    private let release = DispatchSemaphore(value: 0)
    private let waiting = LockedValue(0)

    /// Starts listening on a free port.
    package init(_ behavior: Behavior) throws {
        self.behavior = behavior
        let bound = try Loopback.boundSocket(listen: 128, reuseAddress: true)
        self.listener = bound.fd
        self.port = bound.port
        let thread = Thread { [self] in acceptLoop() }
        thread.start()
    }

    /// `http://127.0.0.1:PORT`.
    package var baseURL: String { "http://127.0.0.1:\(port)" }

    /// Requests read so far.
    package var requests: Int { requestCount.withLock { $0 } }

    /// Stops accepting connections and releases any connection waiting to answer.
    package func stop() {
        let first = stopped.withLock { stopped -> Bool in
            defer { stopped = true }
            return !stopped
        }
        guard first else { return }
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
        let count = waiting.withLock { $0 }
        for _ in 0..<(count + 64) { release.signal() }
    }

    deinit { stop() }

    private func acceptLoop() {
        while !stopped.withLock({ $0 }) {
            let connection = accept(listener, nil, nil)
            if connection < 0 {
                if errno == EINTR { continue }
                return
            }
            var noSigPipe: Int32 = 1
            #if canImport(Darwin)
            setsockopt(connection, SOL_SOCKET, SO_NOSIGPIPE, &noSigPipe, socklen_t(MemoryLayout<Int32>.size))
            #else
            _ = noSigPipe
            #endif
            let thread = Thread { [self] in serve(connection) }
            thread.start()
        }
    }

    private func serve(_ connection: Int32) {
        defer { close(connection) }
        guard readRequest(connection) else { return }
        let index = requestCount.withLock { count -> Int in
            defer { count += 1 }
            return count
        }
        var behavior = self.behavior
        if case .cycle(let behaviors, let every) = behavior, !behaviors.isEmpty {
            behavior = behaviors[(index / max(1, every)) % behaviors.count]
        }
        switch behavior {
        case .respond(let status, let headers, let body):
            var head = "HTTP/1.1 \(status) \(Self.reason(status))\r\nContent-Length: \(body.count)\r\nConnection: close\r\n"
            for (name, value) in headers { head += "\(name): \(value)\r\n" }
            write(connection, Array((head + "\r\n").utf8) + body)
        case .closeWithoutAnswer:
            return
        case .closeMidResponse:
            write(connection, Array("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\nConnection: close\r\n\r\n0123456789".utf8))
            shutdown(connection, Int32(SHUT_RDWR))
        case .garbage:
            write(connection, Array("\u{0}\u{7}SSH-2.0-not-http \u{1B}[0m\r\n\r\n{{{{".utf8) + (0..<200).map { UInt8($0) })
        case .answerAfter(let seconds):
            waiting.withLock { $0 += 1 }
            _ = release.wait(timeout: .now() + seconds)
            waiting.withLock { $0 -= 1 }
            write(connection, Array("HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".utf8))
        case .cycle:
            write(connection, Array("HTTP/1.1 500 Internal Server Error\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".utf8))
        }
    }

    /// Reads one request: headers, then a `Content-Length` body (answering `Expect: 100-continue` first).
    private func readRequest(_ connection: Int32) -> Bool {
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        let separator: [UInt8] = [13, 10, 13, 10]
        var headerEnd: Int?
        while headerEnd == nil {
            let count = recv(connection, &buffer, buffer.count, 0)
            if count <= 0 { return false }
            received += buffer[0..<count]
            headerEnd = Self.find(separator, in: received)
        }
        guard let headerEnd else { return false }
        let head = String(decoding: received[0..<headerEnd], as: UTF8.self).lowercased()
        var contentLength = 0
        for line in head.split(separator: "\r\n") {
            if line.hasPrefix("content-length:") {
                contentLength = Int(line.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces)) ?? 0
            }
            if line.hasPrefix("expect:"), line.contains("100-continue") {
                write(connection, Array("HTTP/1.1 100 Continue\r\n\r\n".utf8))
            }
        }
        var bodyBytes = received.count - (headerEnd + 4)
        while bodyBytes < contentLength {
            let count = recv(connection, &buffer, buffer.count, 0)
            if count <= 0 { return false }
            bodyBytes += count
        }
        return true
    }

    private func write(_ connection: Int32, _ bytes: [UInt8]) {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes[offset...].withUnsafeBytes { raw in
                #if canImport(Glibc)
                send(connection, raw.baseAddress, raw.count, Int32(MSG_NOSIGNAL))
                #else
                send(connection, raw.baseAddress, raw.count, 0)
                #endif
            }
            if sent <= 0 { return }
            offset += sent
        }
    }

    private static func find(_ needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        for start in 0...(haystack.count - needle.count) where haystack[start..<(start + needle.count)].elementsEqual(needle) {
            return start
        }
        return nil
    }

    private static func reason(_ status: Int) -> String {
        switch status {
        case 200: "OK"
        case 400: "Bad Request"
        case 401: "Unauthorized"
        case 413: "Payload Too Large"
        case 429: "Too Many Requests"
        case 500: "Internal Server Error"
        case 502: "Bad Gateway"
        case 503: "Service Unavailable"
        default: "Status"
        }
    }
}
