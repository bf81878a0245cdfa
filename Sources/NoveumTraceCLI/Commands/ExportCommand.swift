import ArgumentParser
import Foundation
import NoveumTrace
import NoveumTraceStore

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

struct ExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Export a trace, or the traces of a time range, as OTLP JSON or Noveum JSON, to a file or endpoint.",
        discussion: """
            OTLP JSON is written as JSON lines, one ExportTraceServiceRequest per resource (the OpenTelemetry file \
            exporter's format); Noveum JSON as the body the Noveum API takes. With --endpoint each document is \
            POSTed (for OTLP: http://host:4318/v1/traces).
            """)

    enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
        case otlp, noveum, local
    }

    @OptionGroup var store: StoreOptions
    @Argument(help: "A trace id or prefix; omit to export by time range.") var traceID: String?
    @Option(help: "Traces started since: an age (2h, 7d) or a time.") var since: String?
    @Option(help: "Traces started before this time.") var until: String?
    @Option(help: "otlp (default), noveum, or local (the spool's JSON lines).") var format: OutputFormat = .otlp
    @Option(name: .shortAndLong, help: "Write to this file instead of standard output.") var output: String?
    @Option(help: "POST to this URL instead of writing.") var endpoint: String?
    @Option(name: .customLong("header"), help: "An extra request header, 'Name: value' (repeatable).")
    var headers: [String] = []

    func run() async throws {
        let traceStore = try store.openStore()
        let records: [LocalSpanRecord]
        if let traceID {
            guard since == nil && until == nil else { throw CLIError("Give a trace id or --since/--until, not both") }
            records = try traceStore.records(trace: traceID)
        } else {
            guard since != nil || until != nil else {
                throw CLIError("Give a trace id, or a time range with --since and/or --until")
            }
            records = try traceStore.records(
                sinceNanos: try since.map { try TimeSpec.nanos($0) }, untilNanos: try until.map { try TimeSpec.nanos($0) })
        }
        let documents = Self.documents(records, format: format)
        if let endpoint {
            try await post(documents, to: endpoint)
            FileHandle.standardError.write(Data("Sent \(records.count) spans in \(documents.count) request(s).\n".utf8))
            return
        }
        var bytes: [UInt8] = []
        for document in documents {
            bytes += document
            bytes.append(UInt8(ascii: "\n"))
        }
        if let output {
            guard FileManager.default.createFile(atPath: output, contents: Data(bytes)) else {
                throw CLIError("Cannot write \(output)")
            }
        } else {
            Terminal.current.write(String(decoding: bytes, as: UTF8.self))
        }
    }

    /// One document per (project, environment, resource): what one request to a backend would carry.
    static func documents(_ records: [LocalSpanRecord], format: OutputFormat) -> [[UInt8]] {
        if format == .local {
            return records.map { record in
                Array(
                    LocalSpanLineEncoder(project: record.project, environment: record.environment, resource: record.resource)
                        .encodeLine(record.span).dropLast())
            }
        }
        struct Owner: Hashable {
            var project: String
            var environment: String
            var resource: Resource
        }
        var order: [Owner] = []
        var groups: [Owner: [SpanData]] = [:]
        for record in records {
            let owner = Owner(project: record.project, environment: record.environment, resource: record.resource)
            if groups[owner] == nil { order.append(owner) }
            groups[owner, default: []].append(record.span)
        }
        return order.map { owner in
            let spans = groups[owner, default: []]
            switch format {
            case .noveum:
                return NoveumJSONEncoder(project: owner.project, environment: owner.environment, resource: owner.resource)
                    .encode(spans)
            default:
                return OTLPJSONEncoder().encode(spans, resource: owner.resource)
            }
        }
    }

    private func post(_ documents: [[UInt8]], to endpoint: String) async throws {
        guard let url = URL(string: endpoint), let scheme = url.scheme, ["http", "https"].contains(scheme) else {
            throw CLIError("--endpoint must be an http or https URL, got \(endpoint)")
        }
        for document in documents {
            var request = URLRequest(url: url)
            request.httpMethod = "POST"
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
            for header in headers {
                guard let colon = header.firstIndex(of: ":") else { throw CLIError("--header must be 'Name: value'") }
                request.setValue(
                    header[header.index(after: colon)...].trimmingCharacters(in: .whitespaces),
                    forHTTPHeaderField: String(header[..<colon]))
            }
            request.httpBody = Data(document)
            let (body, response) = try await URLSession.shared.data(for: request)
            let status = (response as? HTTPURLResponse)?.statusCode ?? 0
            guard (200..<300).contains(status) else {
                throw CLIError("\(endpoint) answered HTTP \(status): \(String(decoding: body.prefix(300), as: UTF8.self))")
            }
        }
    }
}
