import NoveumTrace
import NoveumTraceOTLP
import Testing

@Suite("OTLP exporter configuration")
struct OTLPConfigurationTests {
    typealias Configuration = OTLPExporter.Configuration

    func resolve(_ env: [String: String], _ configuration: Configuration = Configuration()) throws -> OTLPExporter.Settings {
        try configuration.resolved(environment: env)
    }

    /// The message of the configuration error resolving throws.
    func error(_ env: [String: String], _ configuration: Configuration = Configuration()) -> String? {
        do {
            _ = try configuration.resolved(environment: env)
            return nil
        } catch {
            guard case .invalidConfiguration(let message) = error else { return "unexpected \(error)" }
            return message
        }
    }

    @Test("defaults")
    func defaults() throws {
        let settings = try resolve([:])
        #expect(settings.endpoint == "http://localhost:4318/v1/traces")
        #expect(settings.protocol == .httpProtobuf)
        #expect(settings.protocol.contentType == "application/x-protobuf")
        #expect(settings.headers.isEmpty)
        #expect(settings.compression == OTLPCompression.none)
        #expect(settings.timeout == .seconds(10))
    }

    @Test("endpoints: the generic one gets /v1/traces, the traces one is used as is, code wins")
    func endpoints() throws {
        #expect(try resolve(["OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector:4318"]).endpoint == "http://collector:4318/v1/traces")
        #expect(try resolve(["OTEL_EXPORTER_OTLP_ENDPOINT": "https://otel.example.com/otlp/"]).endpoint == "https://otel.example.com/otlp/v1/traces")
        #expect(try resolve(["OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "http://h:9/custom/path"]).endpoint == "http://h:9/custom/path")
        #expect(
            try resolve([
                "OTEL_EXPORTER_OTLP_ENDPOINT": "http://generic:4318",
                "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "http://specific:4318/traces",
            ]).endpoint == "http://specific:4318/traces")
        #expect(
            try resolve(
                ["OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "http://env:4318/v1/traces"],
                Configuration(endpoint: "http://127.0.0.1:6006/v1/traces")
            ).endpoint == "http://127.0.0.1:6006/v1/traces")
        #expect(try resolve(["OTEL_EXPORTER_OTLP_ENDPOINT": "  "]).endpoint == "http://localhost:4318/v1/traces")
        #expect(try resolve(["OTEL_EXPORTER_OTLP_ENDPOINT": "http://[::1]:4318"]).endpoint == "http://[::1]:4318/v1/traces")
    }

    @Test("malformed endpoints are clear errors")
    func badEndpoints() {
        #expect(error(["OTEL_EXPORTER_OTLP_ENDPOINT": "collector:4318"]) == "OTEL_EXPORTER_OTLP_ENDPOINT must be an http or https URL, got \"collector:4318\"")
        #expect(error(["OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "grpc://x:4317"]) == "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT must be an http or https URL, got \"grpc://x:4317\"")
        #expect(error(["OTEL_EXPORTER_OTLP_ENDPOINT": "http:///v1/traces"]) == "OTEL_EXPORTER_OTLP_ENDPOINT must name a host, got \"http:///v1/traces\"")
        #expect(error(["OTEL_EXPORTER_OTLP_ENDPOINT": "http://host:99999"]) == "OTEL_EXPORTER_OTLP_ENDPOINT has an invalid port \"99999\" in \"http://host:99999\"")
        #expect(error(["OTEL_EXPORTER_OTLP_ENDPOINT": "http://host:abc"]) == "OTEL_EXPORTER_OTLP_ENDPOINT has an invalid port \"abc\" in \"http://host:abc\"")
        #expect(error([:], Configuration(endpoint: "http://a b/v1/traces")) == "endpoint must not contain spaces, got \"http://a b/v1/traces\"")
        #expect(error([:], Configuration(endpoint: "")) == "endpoint must be an http or https URL, got \"\"")
    }

    @Test("protocols; grpc is refused with a clear message")
    func protocols() throws {
        #expect(try resolve(["OTEL_EXPORTER_OTLP_PROTOCOL": "http/json"]).protocol == .httpJSON)
        #expect(try resolve(["OTEL_EXPORTER_OTLP_PROTOCOL": "HTTP/Protobuf"]).protocol == .httpProtobuf)
        #expect(
            try resolve(["OTEL_EXPORTER_OTLP_PROTOCOL": "grpc", "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL": "http/json"])
                .protocol == .httpJSON)
        #expect(try resolve(["OTEL_EXPORTER_OTLP_PROTOCOL": "grpc"], Configuration(protocol: .httpJSON)).protocol == .httpJSON)
        #expect(try resolve([:], Configuration(protocol: .httpJSON)).protocol.contentType == "application/json")
        #expect(
            error(["OTEL_EXPORTER_OTLP_PROTOCOL": "grpc"])
                == "OTEL_EXPORTER_OTLP_PROTOCOL=grpc is not supported: NoveumTraceOTLP exports OTLP over HTTP only; "
                + "set it to http/protobuf or http/json and point the endpoint at the collector's OTLP/HTTP port (4318)")
        #expect(error(["OTEL_EXPORTER_OTLP_TRACES_PROTOCOL": "GRPC"])?.hasPrefix("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL=grpc is not supported") == true)
        #expect(error(["OTEL_EXPORTER_OTLP_PROTOCOL": "http/xml"]) == "OTEL_EXPORTER_OTLP_PROTOCOL must be http/protobuf or http/json, got \"http/xml\"")
    }

    @Test("headers: comma-separated pairs, trimmed, percent-decoded; the traces variable wins; code wins")
    func headers() throws {
        let settings = try resolve([
            "OTEL_EXPORTER_OTLP_HEADERS": " api-key = secret%20value , x-tenant=a%2Cb%3Dc,empty=, x-utf8=caf%C3%A9 ,"
        ])
        #expect(settings.headers.map(\.name) == ["api-key", "x-tenant", "empty", "x-utf8"])
        #expect(settings.headers.map(\.value) == ["secret value", "a,b=c", "", "café"])
        let specific = try resolve([
            "OTEL_EXPORTER_OTLP_HEADERS": "a=1", "OTEL_EXPORTER_OTLP_TRACES_HEADERS": "b=2",
        ])
        #expect(specific.headers.map(\.name) == ["b"])
        #expect(specific.headers.map(\.value) == ["2"])
        let code = try resolve(
            ["OTEL_EXPORTER_OTLP_HEADERS": "a=1"], Configuration(headers: ["z": "26", "Authorization": "Bearer t"]))
        #expect(code.headers.map(\.name) == ["Authorization", "z"])
        #expect(code.headers.map(\.value) == ["Bearer t", "26"])
        #expect(!code.description.contains("Bearer t"))
        #expect(code.description.contains("Authorization: <redacted>"))
    }

    @Test("malformed headers are clear errors that never show the value")
    func badHeaders() {
        #expect(error(["OTEL_EXPORTER_OTLP_HEADERS": "a=1,broken"]) == "OTEL_EXPORTER_OTLP_HEADERS: entry 2 has no \"=\"; expected comma-separated key=value pairs")
        #expect(error(["OTEL_EXPORTER_OTLP_HEADERS": "=secret"]) == "OTEL_EXPORTER_OTLP_HEADERS: entry 1 has an empty header name")
        #expect(error(["OTEL_EXPORTER_OTLP_TRACES_HEADERS": "key=abc%zzsecret"]) == "OTEL_EXPORTER_OTLP_TRACES_HEADERS: the value of header \"key\" has a malformed percent-escape (expected %XX)")
        #expect(error(["OTEL_EXPORTER_OTLP_HEADERS": "key=abc%4"]) == "OTEL_EXPORTER_OTLP_HEADERS: the value of header \"key\" has a malformed percent-escape (expected %XX)")
        #expect(error(["OTEL_EXPORTER_OTLP_HEADERS": "bad name=1"]) == "OTEL_EXPORTER_OTLP_HEADERS: \"bad name\" is not a valid HTTP header name")
        #expect(error(["OTEL_EXPORTER_OTLP_HEADERS": "x=evil%0D%0AInjected: 1"]) == "OTEL_EXPORTER_OTLP_HEADERS: the value of header \"x\" contains a line break or another control character")
        #expect(error([:], Configuration(headers: ["x": "a\nb"])) == "headers: the value of header \"x\" contains a line break or another control character")
    }

    @Test("compression and timeout, and their malformed values")
    func compressionAndTimeout() throws {
        #expect(try resolve(["OTEL_EXPORTER_OTLP_COMPRESSION": "gzip"]).compression == .gzip)
        #expect(try resolve(["OTEL_EXPORTER_OTLP_COMPRESSION": "gzip", "OTEL_EXPORTER_OTLP_TRACES_COMPRESSION": "none"]).compression == OTLPCompression.none)
        #expect(try resolve(["OTEL_EXPORTER_OTLP_COMPRESSION": "gzip"], Configuration(compression: OTLPCompression.none)).compression == OTLPCompression.none)
        #expect(error(["OTEL_EXPORTER_OTLP_COMPRESSION": "zstd"]) == "OTEL_EXPORTER_OTLP_COMPRESSION must be gzip or none, got \"zstd\"")

        #expect(try resolve(["OTEL_EXPORTER_OTLP_TIMEOUT": "2500"]).timeout == .milliseconds(2500))
        #expect(try resolve(["OTEL_EXPORTER_OTLP_TIMEOUT": "2500", "OTEL_EXPORTER_OTLP_TRACES_TIMEOUT": "700"]).timeout == .milliseconds(700))
        #expect(try resolve(["OTEL_EXPORTER_OTLP_TIMEOUT": "2500"], Configuration(timeout: .seconds(1))).timeout == .seconds(1))
        #expect(error(["OTEL_EXPORTER_OTLP_TIMEOUT": "10s"]) == "OTEL_EXPORTER_OTLP_TIMEOUT must be a positive whole number of milliseconds, got \"10s\"")
        #expect(error(["OTEL_EXPORTER_OTLP_TIMEOUT": "-5"]) == "OTEL_EXPORTER_OTLP_TIMEOUT must be a positive whole number of milliseconds, got \"-5\"")
        #expect(error(["OTEL_EXPORTER_OTLP_TRACES_TIMEOUT": "0"]) == "OTEL_EXPORTER_OTLP_TRACES_TIMEOUT must be a positive whole number of milliseconds, got \"0\"")
        #expect(error([:], Configuration(timeout: .zero)) == "timeout must be positive, got 0.0 seconds")
    }

    @Test("the exporter's initializer reports configuration errors")
    func exporterThrows() {
        #expect(throws: NoveumTraceError.self) {
            try OTLPExporter(Configuration(), environment: ["OTEL_EXPORTER_OTLP_PROTOCOL": "grpc"])
        }
    }
}
