/// One HTTP request an exporter sends; spelled ``HTTPTransport/Request`` where it is used.
///
/// The name is unique so that it never clashes with the `HTTPRequest` of swift-http-types, which Hummingbird and
/// Vapor apps import.
public struct HTTPTransportRequest: Sendable, Hashable {
    public var method: String
    public var url: String
    /// Header fields in order. Values of `Authorization`, `x-api-key` and cookies are never logged.
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]

    public init(method: String = "POST", url: String, headers: [(name: String, value: String)] = [], body: [UInt8] = []) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
    }

    public static func == (lhs: HTTPTransportRequest, rhs: HTTPTransportRequest) -> Bool {
        lhs.method == rhs.method && lhs.url == rhs.url && lhs.body == rhs.body
            && lhs.headers.map(\.name) == rhs.headers.map(\.name) && lhs.headers.map(\.value) == rhs.headers.map(\.value)
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(method)
        hasher.combine(url)
        hasher.combine(body)
    }
}

/// The answer to an ``HTTPTransportRequest``; spelled ``HTTPTransport/Response`` where it is used.
public struct HTTPTransportResponse: Sendable, Hashable {
    public var status: Int
    public var headers: [String: String]
    public var body: [UInt8]

    public init(status: Int, headers: [String: String] = [:], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// A header's value, matched without regard to case.
    public func header(_ name: String) -> String? {
        let lower = name.lowercased()
        return headers.first { $0.key.lowercased() == lower }?.value
    }
}

/// Sends HTTP requests for exporters. The default uses `URLSession`; the AsyncHTTPClient product offers another.
///
/// A transport throws for connection-level failures (refused, reset, DNS, TLS, timeout) and returns a response
/// for every HTTP status, including errors. It must honour task cancellation.
public protocol HTTPTransport: Sendable {
    /// Sends `request` and returns the server's answer, whatever its status; throws for connection-level
    /// failures and when `timeout` passes.
    func send(_ request: HTTPTransportRequest, timeout: Duration) async throws -> HTTPTransportResponse
}

extension HTTPTransport {
    /// One HTTP request an exporter sends.
    public typealias Request = HTTPTransportRequest
    /// The answer to a ``Request``.
    public typealias Response = HTTPTransportResponse
}
