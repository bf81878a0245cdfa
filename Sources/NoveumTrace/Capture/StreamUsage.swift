import Foundation

/// Asking an OpenAI-format stream for its token usage when the caller did not, and giving the caller the stream it
/// asked for.
///
/// OpenAI's chat and completion streams report usage only when the request says
/// `"stream_options": {"include_usage": true}`; then the server sends one more event before `[DONE]`, with no
/// choices and the usage, and every other event carries `"usage": null`. The capture adds the option to a streamed
/// request that lacks it, takes the usage from that last event, and hands the caller the stream without it: the
/// usage-only event is left out and the `"usage":null` members are removed, so the bytes the caller reads are those
/// the server sends for the request as the caller wrote it.
///
/// A server that rejects the option (HTTP 400 naming `stream_options`) gets the caller's request once more, without
/// it, and is remembered: later requests to that endpoint go out as the caller wrote them.
enum StreamUsage {
    /// Endpoints that answered 400 to `stream_options`, for the life of the process.
    private static let rejecting = LockedValue<Set<LLMEndpoint>>([])

    /// Whether streamed requests to `endpoint` may carry the option.
    static func accepts(_ endpoint: LLMEndpoint) -> Bool {
        !rejecting.withLock { $0.contains(endpoint) }
    }

    /// Remembers that `endpoint` rejects the option.
    static func rejects(_ endpoint: LLMEndpoint) {
        _ = rejecting.withLock { $0.insert(endpoint) }
    }

    /// Whether an error body says the server does not accept `stream_options`.
    static func isRejection(status: Int, body: [UInt8]) -> Bool {
        status == 400 && String(decoding: body.prefix(64 * 1024), as: UTF8.self).contains("stream_options")
    }

    /// `body` with `stream_options.include_usage` set, or nil when it cannot be added (not a JSON object).
    ///
    /// Without a `stream_options` member, the member is written right after the opening brace and every other
    /// byte stays as the caller wrote it; with one (other options set), the object is rewritten with the option
    /// added.
    static func requestingUsage(_ body: [UInt8], hasStreamOptions: Bool) -> [UInt8]? {
        if !hasStreamOptions, let brace = body.firstIndex(where: { !isJSONWhitespace($0) }),
            body[brace] == UInt8(ascii: "{")
        {
            let member = Array(#""stream_options":{"include_usage":true}"#.utf8)
            let rest = body[(brace + 1)...]
            let isEmpty = rest.first(where: { !isJSONWhitespace($0) }) == UInt8(ascii: "}")
            return Array(body[...brace]) + member + (isEmpty ? [] : [UInt8(ascii: ",")]) + rest
        }
        guard var json = (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any] else { return nil }
        var options = json["stream_options"] as? [String: Any] ?? [:]
        options["include_usage"] = true
        json["stream_options"] = options
        return (try? JSONSerialization.data(withJSONObject: json)).map(Array.init)
    }

    private static func isJSONWhitespace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09
    }
}

/// Removes what the capture's `stream_options.include_usage` added to a server-sent event stream: the usage-only
/// event (no choices, a usage object) and the `"usage":null` member of the other events. Events are handed on
/// whole, as soon as their closing blank line arrives; everything else passes byte for byte.
struct StreamUsageFilter: Sendable {
    /// Bytes of an event whose end has not arrived yet.
    private var pending: [UInt8] = []

    /// The bytes to hand on for `chunk`: every event it completes, without what the option added.
    mutating func feed(_ chunk: some Collection<UInt8>) -> [UInt8] {
        // What is pending holds no blank line yet, so one can only end in the new bytes: start looking three bytes
        // before them (the longest separator is four bytes), not at the start of a long event again.
        var index = max(0, pending.count - 3)
        pending.append(contentsOf: chunk)
        var output: [UInt8] = []
        var start = 0
        let bytes = pending
        while index < bytes.count {
            // An event ends at a blank line: "\n\n", or "\r\n\r\n".
            var end: Int?
            if bytes[index] == 0x0A, index + 1 < bytes.count, bytes[index + 1] == 0x0A {
                end = index + 2
            } else if bytes[index] == 0x0D, index + 3 < bytes.count, bytes[index + 1] == 0x0A, bytes[index + 2] == 0x0D,
                bytes[index + 3] == 0x0A
            {
                end = index + 4
            }
            if let end {
                Self.append(event: bytes[start..<end], to: &output)
                start = end
                index = end
            } else {
                index += 1
            }
        }
        pending = Array(bytes[start...])
        return output
    }

    /// What is left at the end of the body (an event without its closing blank line), handed on as it is.
    mutating func finish() -> [UInt8] {
        defer { pending = [] }
        return pending
    }

    private static func append(event: ArraySlice<UInt8>, to output: inout [UInt8]) {
        let text = String(decoding: event, as: UTF8.self)
        guard text.contains("\"usage\"") else {
            output.append(contentsOf: event)
            return
        }
        if isUsageOnly(text) { return }
        var cleaned = text
        for member in [",\"usage\":null", ",\"usage\": null", "\"usage\":null,", "\"usage\": null,"] {
            cleaned = cleaned.replacingOccurrences(of: member, with: "")
        }
        output.append(contentsOf: Array(cleaned.utf8))
    }

    /// Whether the event's data is the usage report: `choices` empty and `usage` an object.
    private static func isUsageOnly(_ event: String) -> Bool {
        let data = event.split(whereSeparator: { $0 == "\n" || $0 == "\r" })
            .filter { $0.hasPrefix("data:") }
            .map { line in line.dropFirst(5).drop(while: { $0 == " " }) }
            .joined(separator: "\n")
        guard let json = (try? JSONSerialization.jsonObject(with: Data(data.utf8))) as? [String: Any],
            let choices = json["choices"] as? [Any], choices.isEmpty
        else { return false }
        return json["usage"] is [String: Any]
    }
}
