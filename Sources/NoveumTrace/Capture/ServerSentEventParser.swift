/// An incremental parser of `text/event-stream` bodies (the WHATWG server-sent events format).
///
/// Feed it bytes as they arrive, in chunks of any size: an event is returned as soon as the blank line that ends it
/// has been read, so a chunk boundary may fall anywhere, even between the `\r` and `\n` of a line break. Only the
/// current, unfinished line is kept.
///
/// ```swift
/// var parser = ServerSentEventParser()
/// for try await chunk in body {
///     for event in parser.feed(chunk) { print(event.data) }
/// }
/// ```
public struct ServerSentEventParser: Sendable {
    private var line: [UInt8] = []
    private var lastWasCarriageReturn = false
    private var eventName: String?
    private var dataLines: [String] = []
    private var hasData = false
    private var lastID: String?
    private var firstLine = true

    /// A parser at the start of a stream.
    public init() {}

    /// Parses `bytes` and returns the events they complete, in order.
    public mutating func feed(_ bytes: some Sequence<UInt8>) -> [ServerSentEvent] {
        var events: [ServerSentEvent] = []
        for byte in bytes {
            switch byte {
            case UInt8(ascii: "\n"):
                if lastWasCarriageReturn {
                    lastWasCarriageReturn = false  // the second half of a CRLF
                } else {
                    endLine(into: &events)
                }
            case UInt8(ascii: "\r"):
                lastWasCarriageReturn = true
                endLine(into: &events)
            default:
                lastWasCarriageReturn = false
                line.append(byte)
            }
        }
        return events
    }

    /// Ends the stream: an event that was not followed by a blank line is discarded, as the format says.
    public mutating func finish() -> [ServerSentEvent] {
        line.removeAll()
        dataLines.removeAll()
        hasData = false
        eventName = nil
        return []
    }

    private mutating func endLine(into events: inout [ServerSentEvent]) {
        defer { line.removeAll(keepingCapacity: true) }
        if firstLine {
            firstLine = false
            if line.starts(with: [0xEF, 0xBB, 0xBF]) { line.removeFirst(3) }  // a byte order mark
        }
        if line.isEmpty {
            if hasData {
                events.append(ServerSentEvent(event: eventName, data: dataLines.joined(separator: "\n"), id: lastID))
            }
            dataLines.removeAll(keepingCapacity: true)
            hasData = false
            eventName = nil
            return
        }
        if line.first == UInt8(ascii: ":") { return }  // a comment
        let field: String
        var value: String
        if let colon = line.firstIndex(of: UInt8(ascii: ":")) {
            field = String(decoding: line[..<colon], as: UTF8.self)
            var start = line.index(after: colon)
            if start < line.endIndex, line[start] == UInt8(ascii: " ") { start = line.index(after: start) }
            value = String(decoding: line[start...], as: UTF8.self)
        } else {
            field = String(decoding: line, as: UTF8.self)
            value = ""
        }
        switch field {
        case "data":
            dataLines.append(value)
            hasData = true
        case "event":
            eventName = value
        case "id":
            if !value.contains("\0") { lastID = value }
        default:
            value = ""
        }
    }
}
