import Foundation
import NoveumTrace

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Helpers for tests that talk to real servers on loopback.
package enum Loopback {
    /// The package's root folder.
    package static let packageRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// Runs a command to completion and returns its exit status; -1 if it cannot start.
    package static func run(_ executable: String, _ arguments: [String]) -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [executable] + arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            return -1
        }
        process.waitUntilExit()
        return process.terminationStatus
    }

    enum SocketError: Error { case socket, bind }

    /// A TCP socket bound to a free port on 127.0.0.1, listening with `backlog` when one is given. Returns the
    /// descriptor (the caller closes it) and the port.
    static func boundSocket(listen backlog: Int32? = nil, reuseAddress: Bool = false) throws -> (fd: Int32, port: Int) {
        #if canImport(Glibc)
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
        let fd = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard fd >= 0 else { throw SocketError.socket }
        if reuseAddress {
            var yes: Int32 = 1
            setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let ok = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { raw in
                bind(fd, raw, length) == 0 && (backlog.map { listen(fd, $0) == 0 } ?? true)
                    && getsockname(fd, raw, &length) == 0
            }
        }
        guard ok else {
            close(fd)
            throw SocketError.bind
        }
        return (fd, Int(UInt16(bigEndian: address.sin_port)))
    }

    /// A TCP port on 127.0.0.1 that nothing listens on right now.
    package static func freePort() -> Int {
        guard let bound = try? boundSocket() else { preconditionFailure("bind() failed") }
        close(bound.fd)
        return bound.port
    }

    /// A socket listening on a loopback port that never accepts or answers: requests to it hang until they
    /// time out. Returns the port and the descriptor to close.
    package static func silentListener() -> (port: Int, fd: Int32) {
        guard let bound = try? boundSocket(listen: 8) else { preconditionFailure("listen() failed") }
        return (bound.port, bound.fd)
    }

    /// Whether something accepts TCP connections on `port` of 127.0.0.1.
    package static func canConnect(_ port: Int) -> Bool {
        #if canImport(Glibc)
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
        let fd = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
    }

    /// GET `url`: the status and body, or nil if the server cannot be reached.
    package static func get(_ url: String, timeout: TimeInterval = 5) async -> (status: Int, body: Data)? {
        var request = URLRequest(url: URL(string: url)!)
        request.timeoutInterval = timeout
        do {
            let (data, response) = try await URLSession.shared.data(for: request)
            return ((response as? HTTPURLResponse)?.statusCode ?? 0, data)
        } catch {
            return nil
        }
    }

    /// Polls `check` until it returns a value or `timeout` passes. Used only to wait for servers to start and for
    /// a backend's own asynchronous storage, never for the SDK's export (tests flush for that).
    package static func poll<T>(
        timeout: Duration, every interval: Duration = .milliseconds(100), _ check: () async -> T?
    ) async -> T? {
        let deadline = ContinuousClock.now + timeout
        while true {
            if let value = await check() { return value }
            if ContinuousClock.now >= deadline { return nil }
            try? await Task.sleep(for: interval)
        }
    }
}

/// A TCP port on 127.0.0.1 that refuses connections: bound, never listening. Closing it frees the port for a
/// server started afterwards, so a test can bring a "down" backend up at the same address.
package final class RefusedPort: Sendable {
    package let port: Int
    private let descriptor: LockedValue<Int32>

    package init() throws {
        let bound = try Loopback.boundSocket()
        self.port = bound.port
        self.descriptor = LockedValue(bound.fd)
    }

    /// Frees the port.
    package func release() {
        descriptor.withLock { fd in
            if fd >= 0 { close(fd) }
            fd = -1
        }
    }

    deinit { release() }
}
