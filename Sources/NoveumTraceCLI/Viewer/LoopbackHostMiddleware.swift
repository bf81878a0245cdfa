import Hummingbird

/// DNS-rebinding protection: answers 403 to requests whose `Host` names anything but a loopback address
/// (`localhost`, `127.0.0.0/8`, `::1`) or a host allowed with `--allow-host` (`*` allows every host).
///
/// A page on another site that rebinds its own name to 127.0.0.1 still sends its own name as `Host`, so it cannot
/// read the local traces.
struct LoopbackHostMiddleware<Context: RequestContext>: RouterMiddleware {
    let allowedHosts: Set<String>

    /// HTTP/1 servers move `Host` into the request's authority; a request built another way may keep the field.
    /// A constant, valid field name: the initialiser fails only for names that are not HTTP tokens.
    static var hostField: HTTPFields.Element.Name { HTTPFields.Element.Name("Host")! }

    init(allowedHosts: [String]) {
        self.allowedHosts = Set(allowedHosts.map { $0.lowercased() })
    }

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        if let authority = request.head.authority ?? request.headers[Self.hostField] {
            let host = LoopbackHost.hostName(authority)
            guard LoopbackHost.isLoopback(host) || allowedHosts.contains(host) || allowedHosts.contains("*") else {
                return Response(
                    status: .forbidden, headers: [.contentType: "text/plain; charset=utf-8"],
                    body: .init(
                        byteBuffer: ByteBuffer(
                            string: "Host \(host) is not allowed: the viewer answers loopback names only "
                                + "(start it with --allow-host \(host) to allow it).\n")))
            }
        }
        return try await next(request, context)
    }
}

/// Loopback names and addresses.
enum LoopbackHost {
    /// The host part of `authority`, lower-cased, without port or IPv6 brackets.
    static func hostName(_ authority: String) -> String {
        let lower = authority.lowercased()
        if lower.hasPrefix("["), let close = lower.firstIndex(of: "]") {
            return String(lower[lower.index(after: lower.startIndex)..<close])
        }
        if let colon = lower.lastIndex(of: ":"), lower.firstIndex(of: ":") == colon {
            return String(lower[..<colon])
        }
        return lower
    }

    /// Whether `host` is a loopback name or address.
    static func isLoopback(_ host: String) -> Bool {
        if host == "localhost" || host.hasSuffix(".localhost") || host == "::1" { return true }
        let parts = host.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4 && parts[0] == "127" && parts.allSatisfy { UInt8($0) != nil }
    }
}
