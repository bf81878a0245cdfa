import Foundation
import Hummingbird
import NoveumTraceStore

/// The viewer's routes: the page at `/` and the JSON API under `/api/`.
///
/// - `GET /api/traces?q=&status=&name=&model=&session=&score=&since=&sort=&limit=&offset=`: a ``TracePage``, each
///   trace with its scores; `score` is a ``ScoreFilter`` (`relevance<0.5`, `thumbs_up=fail`);
/// - `GET /api/traces/{id}`: a ``StoredTrace`` (an id prefix is accepted), its scores in `summary.scores`;
/// - `GET /api/sessions?limit=&offset=`: ``SessionSummary``s;
/// - `GET /api/stats?since=`: a ``StatsReport``.
///
/// Every API call first ingests the spool, so polling shows new traces. Keys are snake_case; errors are
/// `{"error": "..."}` with 400 or 404.
enum ViewerAPI {
    /// The viewer's router behind the Host check (and the token check when `token` is set), also receiving OTLP at
    /// `/v1/traces` when `receiver` is given: what `serve` runs.
    static func router(
        store: TraceStore, allowedHosts: [String], token: String? = nil, receiver: OTLPReceiver? = nil
    ) -> Router<BasicRequestContext> {
        let router = Router()
        ServerOptions.protect(router, allowedHosts: allowedHosts, token: token)
        addRoutes(to: router, store: store)
        if let receiver { OTLPRoute.add(to: router, receiver: receiver) }
        return router
    }

    static func addRoutes(to router: Router<BasicRequestContext>, store: TraceStore) {
        router.get("/") { _, _ in
            Response(
                status: .ok,
                headers: [
                    .contentType: "text/html; charset=utf-8", .cacheControl: "no-store",
                    .contentSecurityPolicy: "default-src 'self'; style-src 'unsafe-inline'; script-src 'unsafe-inline'",
                ],
                body: .init(byteBuffer: ByteBuffer(string: ViewerPage.html)))
        }
        router.get("/api/traces") { request, _ in
            try answer {
                try store.ingestSpool()
                let q = request.uri.queryParameters
                func text(_ name: String) -> String? {
                    q[Substring(name)].map(String.init).flatMap { $0.isEmpty ? nil : $0 }
                }
                let score = try text("score").map { try ListCommand.scoreFilter($0, option: "score") }
                let query = TraceQuery(
                    sinceNanos: try text("since").map { try TimeSpec.nanos($0) }, status: text("status"),
                    name: text("name"), model: text("model"), session: text("session"), search: text("q"), score: score,
                    sort: text("sort").flatMap(TraceSort.init(rawValue:)) ?? .newest,
                    limit: text("limit").flatMap(Int.init) ?? 50, offset: text("offset").flatMap(Int.init) ?? 0)
                return try store.traces(query)
            }
        }
        router.get("/api/traces/:id") { _, context in
            try answer {
                try store.ingestSpool()
                return try store.trace(context.parameters.require("id"))
            }
        }
        router.get("/api/sessions") { request, _ in
            try answer {
                try store.ingestSpool()
                let q = request.uri.queryParameters
                return try store.sessions(
                    limit: q["limit"].flatMap { Int(String($0)) } ?? 100, offset: q["offset"].flatMap { Int(String($0)) } ?? 0)
            }
        }
        router.get("/api/stats") { request, _ in
            try answer {
                try store.ingestSpool()
                let since = request.uri.queryParameters["since"].map(String.init).flatMap { $0.isEmpty ? nil : $0 }
                return try store.stats(sinceNanos: try since.map { try TimeSpec.nanos($0) })
            }
        }
    }

    /// `body`'s value as JSON, or its error as `{"error": ...}` with a fitting status.
    static func answer<T: Encodable>(_ body: () throws -> T) throws -> Response {
        do {
            return json(try Format.json(body(), pretty: false), status: .ok)
        } catch let error as TraceStoreError {
            switch error {
            case .traceNotFound: return failure(error.description, status: .notFound)
            case .notFound: return failure(error.description, status: .notFound)
            case .damaged: return failure(error.description, status: .internalServerError)
            case .ambiguousPrefix, .invalidArgument: return failure(error.description, status: .badRequest)
            }
        } catch let error as CLIError {
            return failure(error.description, status: .badRequest)
        }
    }

    static func failure(_ message: String, status: HTTPResponse.Status) -> Response {
        let body = (try? Format.json(["error": message], pretty: false)) ?? "{}"
        return json(body, status: status)
    }

    static func json(_ text: String, status: HTTPResponse.Status) -> Response {
        Response(
            status: status, headers: [.contentType: "application/json; charset=utf-8", .cacheControl: "no-store"],
            body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}
