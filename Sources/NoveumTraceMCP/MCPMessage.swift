import Foundation

/// One JSON-RPC message as the traced transport reads it: a request, a notification or a response.
///
/// Read with `JSONSerialization` into plain objects: decoding every message into the MCP SDK's `Value` (whose
/// strings are each tried as a data URL with a regular expression) cost more than the call it traced.
enum MCPMessage {
    case request(id: RequestID, method: String, params: [String: Any]?)
    case notification(method: String, params: [String: Any]?)
    case response(id: RequestID, result: [String: Any]?, error: JSONRPCError?)

    /// A JSON-RPC request id: a number or a string.
    enum RequestID: Hashable, Sendable {
        case number(Int)
        case string(String)

        init?(_ value: Any?) {
            if let text = value as? String {
                self = .string(text)
            } else if let number = value as? NSNumber, String(cString: number.objCType) != "c" {
                // (`is Bool` would also take the number 1: an NSNumber bridges to Bool; JSON's true and false
                // are the NSNumbers of type "c".)
                self = .number(number.intValue)
            } else {
                return nil
            }
        }

        /// As `jsonrpc.request.id` records it.
        var text: String {
            switch self {
            case .number(let number): return String(number)
            case .string(let text): return text
            }
        }

        /// As JSON.
        var json: String {
            switch self {
            case .number(let number): return String(number)
            case .string(let text): return MCPMessage.json(text) ?? "\"\""
            }
        }
    }

    /// A response's `error` member.
    struct JSONRPCError: Sendable, Equatable {
        var code: Int
        var message: String
    }

    /// The messages in `data` (one, or each of a batch) and whether it was a batch; nil when it is not JSON.
    static func parse(_ data: Data) -> (messages: [MCPMessage], isBatch: Bool)? {
        guard let root = try? JSONSerialization.jsonObject(with: data) else { return nil }
        if let object = root as? [String: Any] { return (message(object).map { [$0] } ?? [], false) }
        if let items = root as? [Any] { return (items.compactMap { ($0 as? [String: Any]).flatMap(message) }, true) }
        return nil
    }

    private static func message(_ object: [String: Any]) -> MCPMessage? {
        let params = object["params"] as? [String: Any]
        if let method = object["method"] as? String {
            if let id = RequestID(object["id"]) { return .request(id: id, method: method, params: params) }
            return .notification(method: method, params: params)
        }
        guard let id = RequestID(object["id"]) else { return nil }
        var error: JSONRPCError?
        if let body = object["error"] as? [String: Any] {
            error = JSONRPCError(code: (body["code"] as? NSNumber)?.intValue ?? 0, message: body["message"] as? String ?? "")
        }
        return .response(id: id, result: object["result"] as? [String: Any], error: error)
    }

    /// `value` (read by `JSONSerialization`, or a string) as compact JSON text with sorted keys.
    ///
    /// Only ever given what `JSONSerialization` read or a `String`, which are valid JSON by construction, so the
    /// validity check (which walked every value again) is left out.
    static func json(_ value: Any) -> String? {
        guard
            let data = try? JSONSerialization.data(
                withJSONObject: value, options: [.sortedKeys, .withoutEscapingSlashes, .fragmentsAllowed])
        else { return nil }
        return String(decoding: data, as: UTF8.self)
    }

    /// A progress token as a dictionary key: `n7` for a number, `s…` for a string.
    static func progressKey(_ token: Any?) -> String? {
        switch RequestID(token) {
        case .number(let number)?: return "n\(number)"
        case .string(let text)?: return "s\(text)"
        case nil: return nil
        }
    }

    /// `data` (one request object) with `context` added to its `params._meta`, written into the bytes without
    /// re-encoding the rest; nil when the message's shape asks for a full rewrite (a batch, `_meta` already set).
    static func injecting(_ context: [String: String], into data: Data, params: [String: Any]?) -> Data? {
        guard params?["_meta"] == nil else { return nil }
        let members = context.sorted { $0.key < $1.key }.compactMap { key, value in json(value).map { "\"\(key)\":\($0)" } }
        let meta = "\"_meta\":{\(members.joined(separator: ","))}"
        let bytes = [UInt8](data)
        if params == nil {
            // No params: add them as the last member of the object.
            guard let close = bytes.lastIndex(of: UInt8(ascii: "}")) else { return nil }
            return Data(bytes[..<close] + Array(",\"params\":{\(meta)}".utf8) + bytes[close...])
        }
        // The first `"params"` key opens the top-level params: the members before it (id, jsonrpc, method) are
        // scalars, and a quote inside a string is escaped, so the pattern cannot occur earlier.
        let key = Array("\"params\"".utf8)
        guard var index = firstIndex(of: key, in: bytes) else { return nil }
        index += key.count
        func skipSpace() { while index < bytes.count, [9, 10, 13, 32].contains(bytes[index]) { index += 1 } }
        skipSpace()
        guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { return nil }
        index += 1
        skipSpace()
        guard index < bytes.count, bytes[index] == UInt8(ascii: "{") else { return nil }
        let open = index + 1
        index = open
        skipSpace()
        let empty = index < bytes.count && bytes[index] == UInt8(ascii: "}")
        return Data(bytes[..<open] + Array((empty ? meta : meta + ",").utf8) + bytes[open...])
    }

    private static func firstIndex(of pattern: [UInt8], in bytes: [UInt8]) -> Int? {
        guard bytes.count >= pattern.count else { return nil }
        var index = 0
        while index <= bytes.count - pattern.count {
            // Compared in place: copying the candidate into an array allocated once per quote in the message.
            if bytes[index] == pattern[0], bytes[index..<index + pattern.count].elementsEqual(pattern) { return index }
            index += 1
        }
        return nil
    }

    /// `data` re-encoded with `contexts` merged into each request's `params._meta`: for batches and for requests
    /// that already carry `_meta`.
    static func rewriting(_ contexts: [RequestID: [String: String]], in data: Data) -> Data? {
        func injected(_ value: Any) -> Any {
            guard var object = value as? [String: Any], object["method"] != nil, let id = RequestID(object["id"]),
                let context = contexts[id]
            else { return value }
            var params = object["params"] as? [String: Any] ?? [:]
            var meta = params["_meta"] as? [String: Any] ?? [:]
            for (key, text) in context { meta[key] = text }
            params["_meta"] = meta
            object["params"] = params
            return object
        }
        guard let root = try? JSONSerialization.jsonObject(with: data) else { return nil }
        let changed: Any = (root as? [Any]).map { $0.map(injected) } ?? injected(root)
        return try? JSONSerialization.data(withJSONObject: changed, options: [.withoutEscapingSlashes])
    }
}
