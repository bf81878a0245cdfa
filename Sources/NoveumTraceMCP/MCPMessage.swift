import Foundation
import MCP

/// One JSON-RPC message as the traced transport reads it: a request, a notification or a response.
enum MCPMessage: Sendable {
    case request(id: Value, method: String, params: [String: Value]?)
    case notification(method: String, params: [String: Value]?)
    case response(id: Value, result: Value?, error: JSONRPCError?)

    /// A response's `error` member.
    struct JSONRPCError: Sendable, Equatable {
        var code: Int
        var message: String
    }

    /// The messages in `data`: one, or each of a batch; none when it is not JSON-RPC.
    static func parse(_ data: Data) -> (messages: [MCPMessage], root: Value)? {
        guard let root = try? JSONDecoder().decode(Value.self, from: data) else { return nil }
        switch root {
        case .object(let object): return (message(object).map { [$0] } ?? [], root)
        case .array(let items): return (items.compactMap { $0.objectValue.flatMap(message) }, root)
        default: return nil
        }
    }

    private static func message(_ object: [String: Value]) -> MCPMessage? {
        let params = object["params"]?.objectValue
        if let method = object["method"]?.stringValue {
            if let id = object["id"], id != .null { return .request(id: id, method: method, params: params) }
            return .notification(method: method, params: params)
        }
        guard let id = object["id"] else { return nil }
        var error: JSONRPCError?
        if let body = object["error"]?.objectValue {
            error = JSONRPCError(
                code: body["code"]?.intValue ?? Int(body["code"]?.doubleValue ?? 0),
                message: body["message"]?.stringValue ?? "")
        }
        return .response(id: id, result: object["result"], error: error)
    }

    /// A request id as a dictionary key: `n7` for a number, `s…` for a string, so that `7` and `"7"` differ.
    static func key(_ id: Value) -> String {
        switch id {
        case .int(let number): return "n\(number)"
        case .double(let number): return "n\(Int(number))"
        case .string(let text): return "s\(text)"
        default: return "?\(text(id))"
        }
    }

    /// A request id as `jsonrpc.request.id` records it.
    static func text(_ id: Value) -> String {
        switch id {
        case .int(let number): return String(number)
        case .double(let number): return String(Int(number))
        case .string(let text): return text
        default: return json(id) ?? ""
        }
    }

    /// `value` as compact JSON text with sorted keys.
    static func json(_ value: Value) -> String? {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(value) else { return nil }
        return String(decoding: data, as: UTF8.self)
    }

    /// A progress token as a dictionary key.
    static func progressKey(_ token: Value?) -> String? {
        switch token {
        case .int(let number)?: return "n\(number)"
        case .string(let text)?: return "s\(text)"
        default: return nil
        }
    }
}
