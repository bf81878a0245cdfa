import Foundation
import GRDB
import NoveumTrace

/// How an attribute value is kept in the `attributes` table: a type tag and a column value (the value itself for
/// strings, integers, doubles and booleans; JSON text for arrays).
enum StoredAttribute {
    static func column(_ value: AttributeValue) -> (String, (any DatabaseValueConvertible)?) {
        switch value {
        case .string(let v): return ("s", v)
        case .int(let v): return ("i", v)
        case .double(let v): return v.isFinite ? ("d", v) : ("d", v.isNaN ? "NaN" : (v > 0 ? "Infinity" : "-Infinity"))
        case .bool(let v): return ("b", v)
        case .stringArray, .intArray, .doubleArray, .boolArray:
            let json = LocalSpanLineEncoder.encodeAttributes(["_": value])
            // `[["_","sa",[...]]]`: keep the value part only.
            let prefix = "[[\"_\",\"\(value.spoolTypeName)\","
            return (value.spoolTypeName, String(json.dropFirst(prefix.count).dropLast(2)))
        }
    }

    /// The attribute value of a stored row.
    static func value(type: String, column: DatabaseValue) -> AttributeValue? {
        switch (type, column.storage) {
        case ("s", .string(let s)): return .string(s)
        case ("i", .int64(let i)): return .int(i)
        case ("d", .double(let d)): return .double(d)
        case ("d", .int64(let i)): return .double(Double(i))
        case ("d", .string(let s)): return .double(s == "NaN" ? .nan : (s == "Infinity" ? .infinity : -.infinity))
        case ("b", .int64(let i)): return .bool(i != 0)
        case (_, .string(let json)):
            guard let parsed = try? JSONSerialization.jsonObject(with: Data(json.utf8), options: []) else {
                return nil
            }
            return LocalSpanLineDecoder.attributeValue(tag: type, value: parsed)
        default: return nil
        }
    }
}
