import Hummingbird

/// The access token a server bound to a non-loopback address requires, as Jupyter does: traces hold prompts and
/// outputs, so anyone who can reach the address must also know the token printed at start.
///
/// A request is let through when it carries the token in `Authorization: Bearer TOKEN` (what an OTLP exporter
/// sends with `OTEL_EXPORTER_OTLP_HEADERS=Authorization=Bearer%20TOKEN`), in `X-Noveum-Token`, or in the
/// `noveum_token` cookie. Opening any page with `?token=TOKEN` once sets that cookie (`HttpOnly`,
/// `SameSite=Strict`) and redirects to the same page without the token, so it does not stay in the address bar or
/// the history. Everything else gets 401.
struct AccessTokenMiddleware<Context: RequestContext>: RouterMiddleware {
    let token: String

    static var tokenField: HTTPFields.Element.Name { HTTPFields.Element.Name("X-Noveum-Token") ?? .authorization }
    static var cookieName: String { "noveum_token" }

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        if let offered = request.uri.queryParameters["token"].map(String.init) {
            guard Self.same(offered, token) else { return Self.refusal() }
            // Drop the token from the address and keep it in a cookie for the page's API calls.
            let location = String(request.uri.path.isEmpty ? "/" : request.uri.path)
            return Response(
                status: .seeOther,
                headers: [
                    .location: location,
                    .setCookie: "\(Self.cookieName)=\(token); Path=/; HttpOnly; SameSite=Strict",
                    .cacheControl: "no-store",
                ])
        }
        guard Self.carriesToken(request, token) else { return Self.refusal() }
        return try await next(request, context)
    }

    static func carriesToken(_ request: Request, _ token: String) -> Bool {
        if let authorization = request.headers[.authorization] {
            let parts = authorization.split(separator: " ", maxSplits: 1)
            if parts.count == 2, parts[0].lowercased() == "bearer",
                same(parts[1].trimmingCharacters(in: .whitespaces), token)
            {
                return true
            }
        }
        if let header = request.headers[tokenField], same(header, token) { return true }
        for cookies in request.headers[values: .cookie] {
            for cookie in cookies.split(separator: ";") {
                let pair = cookie.split(separator: "=", maxSplits: 1)
                if pair.count == 2, pair[0].trimmingCharacters(in: .whitespaces) == cookieName,
                    same(String(pair[1]), token)
                {
                    return true
                }
            }
        }
        return false
    }

    /// Compares in time that depends only on the lengths, so the token cannot be guessed a byte at a time.
    static func same(_ offered: some StringProtocol, _ token: String) -> Bool {
        let a = Array(offered.utf8)
        let b = Array(token.utf8)
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for index in a.indices { difference |= a[index] ^ b[index] }
        return difference == 0
    }

    static func refusal() -> Response {
        Response(
            status: .unauthorized,
            headers: [.contentType: "text/plain; charset=utf-8", .wwwAuthenticate: "Bearer"],
            body: .init(
                byteBuffer: ByteBuffer(
                    string: "This server requires its access token: open the URL it printed at start (?token=...), "
                        + "or send Authorization: Bearer TOKEN.\n")))
    }

    /// A new random token: 32 hex digits from the system's secure generator.
    static func generate() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<2).map { _ in
            let value = generator.next() as UInt64
            let hex = String(value, radix: 16)
            return String(repeating: "0", count: 16 - hex.count) + hex
        }.joined()
    }
}
