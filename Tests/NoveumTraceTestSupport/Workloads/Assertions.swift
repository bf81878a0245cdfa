import Foundation
import NoveumTrace

extension NoveumStats {
    /// The exporter's counts add up: every finished span was exported, dropped or is still buffered.
    package func countsAddUp(exporter index: Int = 0) -> Bool {
        let e = exporters[index]
        return spansEnded == e.exported + e.dropped.values.reduce(0, +) + e.buffered
    }
}

/// JSON helpers for `[String: Any]` trees.
///
/// NoveumTrace has an internal `string(_:)` of its own on this type: a file that uses these helpers imports
/// NoveumTrace without `@testable`, or the two are ambiguous.
extension Dictionary where Key == String, Value == Any {
    package func object(_ key: String) -> [String: Any]? { self[key] as? [String: Any] }
    package func array(_ key: String) -> [[String: Any]]? { self[key] as? [[String: Any]] }
    package func string(_ key: String) -> String? { self[key] as? String }
    package func isNull(_ key: String) -> Bool { self[key] is NSNull }
    /// The keys, sorted, to compare an object's shape with the reference payload.
    package var sortedKeys: [String] { keys.sorted() }
}
