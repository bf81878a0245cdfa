/// What produced the spans: the service, its version and environment, and this SDK.
///
/// OTLP exporters send these as resource attributes; the Noveum exporter sends them in each trace's `otel`
/// block. Built from the client's settings, `OTEL_SERVICE_NAME` and `OTEL_RESOURCE_ATTRIBUTES`
/// (`key1=value1,key2=value2`, percent-decoded); settings made in code win over the environment.
public struct Resource: Sendable, Hashable {
    /// The SDK's name as sent in `telemetry.sdk.name` and the instrumentation scope.
    public static let sdkName = "noveum-trace-swift"

    /// The resource attributes, `service.name` first.
    public var attributes: AttributeList

    public init(attributes: AttributeList) {
        self.attributes = attributes
    }

    /// The service name (`service.name`).
    public var serviceName: String { attributes["service.name"]?.stringValue ?? "unknown_service" }

    /// Builds the resource for a client.
    init(settings: ClientSettings, environment: [String: String]) {
        var list = AttributeList()
        let env = EnvironmentReader(environment)
        list["service.name"] = .string(env.string("OTEL_SERVICE_NAME") ?? settings.project)
        if let version = settings.serviceVersion { list["service.version"] = .string(version) }
        list["deployment.environment"] = .string(settings.environment)
        list["deployment.environment.name"] = .string(settings.environment)
        list["noveum.project"] = .string(settings.project)
        list["telemetry.sdk.name"] = .string(Self.sdkName)
        list["telemetry.sdk.version"] = .string(NoveumTrace.version)
        list["telemetry.sdk.language"] = "swift"
        for (key, value) in Self.parseResourceAttributes(env.string("OTEL_RESOURCE_ATTRIBUTES") ?? "")
        where list[key] == nil || key == "service.namespace" {
            list[key] = .string(value)
        }
        self.attributes = list
    }

    /// Parses `OTEL_RESOURCE_ATTRIBUTES`; malformed pairs are skipped.
    static func parseResourceAttributes(_ raw: String) -> [(String, String)] {
        raw.split(separator: ",").compactMap { pair in
            let parts = pair.split(separator: "=", maxSplits: 1)
            guard parts.count == 2 else { return nil }
            let key = String(parts[0]).trimmingWhitespace()
            let value = percentDecode(String(parts[1]).trimmingWhitespace())
            return key.isEmpty ? nil : (key, value)
        }
    }

    static func percentDecode(_ text: String) -> String {
        guard text.contains("%") else { return text }
        var bytes: [UInt8] = []
        var iterator = Array(text.utf8)[...]
        while let byte = iterator.popFirst() {
            if byte == UInt8(ascii: "%"), iterator.count >= 2,
               let high = Hex.nibble(iterator[iterator.startIndex]),
               let low = Hex.nibble(iterator[iterator.startIndex + 1])
            {
                bytes.append(high << 4 | low)
                iterator = iterator.dropFirst(2)
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
