
/// The OTLP/HTTP encodings: `http/protobuf` (the default) and `http/json`.
///
/// OTLP over gRPC is not offered: an environment asking for `grpc` is a configuration error.
public enum OTLPProtocol: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// Binary protobuf, `Content-Type: application/x-protobuf`.
    case httpProtobuf = "http/protobuf"
    /// OTLP/JSON, `Content-Type: application/json`.
    case httpJSON = "http/json"

    /// The request's `Content-Type`.
    public var contentType: String {
        switch self {
        case .httpProtobuf: return "application/x-protobuf"
        case .httpJSON: return "application/json"
        }
    }

    public var description: String { rawValue }
}

/// How request bodies are compressed.
public enum OTLPCompression: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    case none
    /// gzip, sent with `Content-Encoding: gzip`.
    case gzip

    public var description: String { rawValue }
}

extension OTLPExporter {
    /// What an ``OTLPExporter`` sends, where, and how.
    ///
    /// Every setting left nil comes from the standard OpenTelemetry environment variables, the traces-specific
    /// one first, and otherwise from its default; a setting made in code always wins.
    ///
    /// | Setting | Default | Environment |
    /// |---|---|---|
    /// | ``endpoint`` | `http://localhost:4318/v1/traces` | `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` (used as is), `OTEL_EXPORTER_OTLP_ENDPOINT` (`/v1/traces` appended) |
    /// | ``protocol`` | `http/protobuf` | `OTEL_EXPORTER_OTLP_TRACES_PROTOCOL`, `OTEL_EXPORTER_OTLP_PROTOCOL` |
    /// | ``headers`` | none | `OTEL_EXPORTER_OTLP_TRACES_HEADERS`, `OTEL_EXPORTER_OTLP_HEADERS` (`k1=v1,k2=v2`, values percent-decoded) |
    /// | ``compression`` | `none` | `OTEL_EXPORTER_OTLP_TRACES_COMPRESSION`, `OTEL_EXPORTER_OTLP_COMPRESSION` (`gzip` or `none`) |
    /// | ``timeout`` | 10 s | `OTEL_EXPORTER_OTLP_TRACES_TIMEOUT`, `OTEL_EXPORTER_OTLP_TIMEOUT` (milliseconds) |
    ///
    /// ```swift
    /// let otlp = try OTLPExporter(.init(endpoint: "http://127.0.0.1:6006/v1/traces"))
    /// try NoveumTrace.initialize(project: "chatbot", config: .init(exporters: [otlp]))
    /// ```
    public struct Configuration: Sendable {
        /// The full URL requests are posted to, including the path (`/v1/traces`).
        public var endpoint: String?
        /// The encoding.
        public var `protocol`: OTLPProtocol?
        /// Extra request headers, for example authentication.
        public var headers: [String: String]?
        /// Body compression.
        public var compression: OTLPCompression?
        /// The longest one request may take.
        public var timeout: Duration?

        public init(
            endpoint: String? = nil, protocol: OTLPProtocol? = nil, headers: [String: String]? = nil,
            compression: OTLPCompression? = nil, timeout: Duration? = nil
        ) {
            self.endpoint = endpoint
            self.protocol = `protocol`
            self.headers = headers
            self.compression = compression
            self.timeout = timeout
        }

        /// The default endpoint: a collector on this machine.
        public static let defaultEndpoint = "http://localhost:4318/v1/traces"
        /// The default request timeout, OpenTelemetry's.
        public static let defaultTimeout = Duration.seconds(10)

        /// Fills what is unset from `environment` and checks every value.
        ///
        /// - Throws: ``NoveumTraceError/invalidConfiguration(_:)`` naming the setting or variable and what is
        ///   wrong with it. Header values never appear in the message.
        public func resolved(environment: [String: String]) throws(NoveumTraceError) -> Settings {
            let env = OTLPEnvironment(environment)

            let endpoint: String
            if let value = self.endpoint {
                endpoint = try OTLPEnvironment.checkedURL(value, setting: "endpoint")
            } else if case let (name, value)? = env.first("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT") {
                endpoint = try OTLPEnvironment.checkedURL(value, setting: name)
            } else if case let (name, value)? = env.first("OTEL_EXPORTER_OTLP_ENDPOINT") {
                var base = try OTLPEnvironment.checkedURL(value, setting: name)
                while base.hasSuffix("/") { base.removeLast() }
                endpoint = base + "/v1/traces"
            } else {
                endpoint = Self.defaultEndpoint
            }

            let proto: OTLPProtocol
            if let value = self.protocol {
                proto = value
            } else if case let (name, value)? = env.first("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", "OTEL_EXPORTER_OTLP_PROTOCOL") {
                proto = try OTLPEnvironment.parseProtocol(value, variable: name)
            } else {
                proto = .httpProtobuf
            }

            let headers: [(name: String, value: String)]
            if let value = self.headers {
                headers = try value.sorted(by: { $0.key < $1.key }).map { header throws(NoveumTraceError) in
                    try OTLPEnvironment.checkHeader(name: header.key, value: header.value, setting: "headers")
                    return (name: header.key, value: header.value)
                }
            } else if case let (name, value)? = env.first("OTEL_EXPORTER_OTLP_TRACES_HEADERS", "OTEL_EXPORTER_OTLP_HEADERS") {
                headers = try OTLPEnvironment.parseHeaders(value, variable: name)
            } else {
                headers = []
            }

            let compression: OTLPCompression
            if let value = self.compression {
                compression = value
            } else if case let (name, value)? = env.first(
                "OTEL_EXPORTER_OTLP_TRACES_COMPRESSION", "OTEL_EXPORTER_OTLP_COMPRESSION")
            {
                guard let parsed = OTLPCompression(rawValue: value.lowercased()) else {
                    throw .invalidConfiguration("\(name) must be gzip or none, got \"\(value)\"")
                }
                compression = parsed
            } else {
                compression = .none
            }

            let timeout: Duration
            if let value = self.timeout {
                guard value > .zero else { throw .invalidConfiguration("timeout must be positive, got \(value)") }
                timeout = value
            } else if case let (name, value)? = env.first("OTEL_EXPORTER_OTLP_TRACES_TIMEOUT", "OTEL_EXPORTER_OTLP_TIMEOUT") {
                guard let milliseconds = Int(value), milliseconds > 0 else {
                    throw .invalidConfiguration(
                        "\(name) must be a positive whole number of milliseconds, got \"\(value)\"")
                }
                timeout = .milliseconds(milliseconds)
            } else {
                timeout = Self.defaultTimeout
            }

            // Late scores go to the logs signal: its own variable, else the traces URL with `/v1/logs` for
            // `/v1/traces`, else the base endpoint's `/v1/logs`.
            let logsEndpoint: String?
            if case let (name, value)? = env.first("OTEL_EXPORTER_OTLP_LOGS_ENDPOINT") {
                logsEndpoint = try OTLPEnvironment.checkedURL(value, setting: name)
            } else if endpoint.hasSuffix("/v1/traces") {
                logsEndpoint = String(endpoint.dropLast("/v1/traces".count)) + "/v1/logs"
            } else if case let (name, value)? = env.first("OTEL_EXPORTER_OTLP_ENDPOINT") {
                var base = try OTLPEnvironment.checkedURL(value, setting: name)
                while base.hasSuffix("/") { base.removeLast() }
                logsEndpoint = base + "/v1/logs"
            } else {
                logsEndpoint = nil
            }

            return Settings(
                endpoint: endpoint, logsEndpoint: logsEndpoint, protocol: proto, headers: headers,
                compression: compression, timeout: timeout)
        }
    }

    /// A configuration with every value decided.
    public struct Settings: Sendable, CustomStringConvertible {
        public let endpoint: String
        /// Where late scores go as `gen_ai.evaluation.result` log records (OTLP/HTTP `/v1/logs`):
        /// `OTEL_EXPORTER_OTLP_LOGS_ENDPOINT`, else ``endpoint`` with `/v1/logs` for `/v1/traces`, else the base
        /// endpoint's `/v1/logs`; nil sends them as spans to ``endpoint``.
        public let logsEndpoint: String?
        public let `protocol`: OTLPProtocol
        /// Request headers in order; their values are kept out of ``description``.
        public let headers: [(name: String, value: String)]
        public let compression: OTLPCompression
        public let timeout: Duration

        /// The settings with header values masked, and the endpoint without user information or query.
        public var description: String {
            let names = headers.map { "\($0.name): <redacted>" }.joined(separator: ", ")
            return "OTLPExporter.Settings(endpoint: \(HTTPURLCheck.redacted(endpoint)), protocol: \(`protocol`), headers: [\(names)], "
                + "compression: \(compression), timeout: \(timeout))"
        }
    }
}

/// Reads the OTLP exporter's environment variables. An empty or blank value counts as unset.
struct OTLPEnvironment {
    let values: [String: String]

    init(_ values: [String: String]) {
        self.values = values
    }

    /// The first of `names` that is set, with its trimmed value.
    func first(_ names: String...) -> (String, String)? {
        for name in names {
            if let raw = values[name] {
                let trimmed = Self.trim(Substring(raw))
                if !trimmed.isEmpty { return (name, String(trimmed)) }
            }
        }
        return nil
    }

    static func trim(_ text: Substring) -> Substring {
        var slice = text
        while let first = slice.first, first.isWhitespace { slice.removeFirst() }
        while let last = slice.last, last.isWhitespace { slice.removeLast() }
        return slice
    }

    static func parseProtocol(_ value: String, variable: String) throws(NoveumTraceError) -> OTLPProtocol {
        if let parsed = OTLPProtocol(rawValue: value.lowercased()) { return parsed }
        if value.lowercased() == "grpc" {
            throw .invalidConfiguration(
                "\(variable)=grpc is not supported: NoveumTraceOTLP exports OTLP over HTTP only; set it to "
                    + "http/protobuf or http/json and point the endpoint at the collector's OTLP/HTTP port (4318)")
        }
        throw .invalidConfiguration("\(variable) must be http/protobuf or http/json, got \"\(value)\"")
    }

    /// Checks an http(s) URL: a scheme, a host, a valid port, no whitespace.
    static func checkedURL(_ raw: String, setting: String) throws(NoveumTraceError) -> String {
        try HTTPURLCheck.checked(raw, setting: setting)
    }

    /// Parses `key1=value1,key2=value2`: keys trimmed, values trimmed and percent-decoded. Empty entries
    /// (a trailing comma) are skipped; an entry without `=` or with an empty key is an error.
    static func parseHeaders(_ raw: String, variable: String) throws(NoveumTraceError) -> [(name: String, value: String)] {
        var result: [(name: String, value: String)] = []
        for (position, entry) in raw.split(separator: ",", omittingEmptySubsequences: false).enumerated() {
            let trimmedEntry = trim(entry)
            if trimmedEntry.isEmpty { continue }
            guard let equals = trimmedEntry.firstIndex(of: "=") else {
                throw .invalidConfiguration(
                    "\(variable): entry \(position + 1) has no \"=\"; expected comma-separated key=value pairs")
            }
            let name = String(trim(trimmedEntry[..<equals]))
            guard !name.isEmpty else {
                throw .invalidConfiguration("\(variable): entry \(position + 1) has an empty header name")
            }
            guard let value = percentDecode(trim(trimmedEntry[trimmedEntry.index(after: equals)...])) else {
                throw .invalidConfiguration(
                    "\(variable): the value of header \"\(name)\" has a malformed percent-escape (expected %XX)")
            }
            try checkHeader(name: name, value: value, setting: variable)
            result.append((name: name, value: value))
        }
        return result
    }

    /// Rejects header names that are not HTTP tokens and values holding line breaks or other control characters.
    static func checkHeader(name: String, value: String, setting: String) throws(NoveumTraceError) {
        let tokenSymbols = Set("!#$%&'*+-.^_`|~".utf8)
        let validName = !name.isEmpty && name.utf8.allSatisfy { byte in
            (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z"))
                || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
                || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || tokenSymbols.contains(byte)
        }
        guard validName else {
            throw .invalidConfiguration("\(setting): \"\(name)\" is not a valid HTTP header name")
        }
        guard !value.utf8.contains(where: { ($0 < 0x20 && $0 != 0x09) || $0 == 0x7F }) else {
            throw .invalidConfiguration(
                "\(setting): the value of header \"\(name)\" contains a line break or another control character")
        }
    }

    /// Decodes `%XX` escapes; nil for a `%` not followed by two hex digits.
    static func percentDecode(_ text: Substring) -> String? {
        guard text.contains("%") else { return String(text) }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        var rest = Array(text.utf8)[...]
        while let byte = rest.popFirst() {
            guard byte == UInt8(ascii: "%") else {
                bytes.append(byte)
                continue
            }
            guard rest.count >= 2, let high = hexValue(rest[rest.startIndex]),
                let low = hexValue(rest[rest.startIndex + 1])
            else { return nil }
            bytes.append(high << 4 | low)
            rest = rest.dropFirst(2)
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}
