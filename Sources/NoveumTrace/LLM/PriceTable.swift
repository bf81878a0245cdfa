import Foundation

/// Model prices: a dated table compiled into the SDK (generated from `Scripts/data/model-prices.json`), plus prices
/// you add or override.
///
/// Lookups normalise model names the way providers spell them: case, provider prefixes (`openai/`, `models/`,
/// Bedrock's `anthropic.` and region prefixes such as `us.`), and version suffixes (`-2024-08-06`, `-20250514`,
/// `@20240620`, `-v1:0`, `-001`, `-latest`, `-preview…`), then the table's aliases. A model that is still unknown
/// gets no price: the SDK never invents one.
///
/// ```swift
/// PriceTable.shared.setPrice(ModelPrice(input: 0.2, output: 0.6), for: "my-fine-tune")
/// ```
public final class PriceTable: Sendable {
    /// The table every span uses.
    public static let shared = PriceTable()

    /// The date of the shipped prices.
    public let version: String

    private let bundled: [String: ModelPrice]
    private let aliases: [String: String]
    private let overrides = LockedValue<[String: ModelPrice]>([:])

    private struct File: Decodable {
        let version: String
        let models: [String: ModelPrice]
        let aliases: [String: String]
    }

    /// Loads the shipped table, which is compiled into the binary: no resource bundle or file is read.
    public convenience init() {
        self.init(json: Data(Self.shippedJSON.utf8))
    }

    /// Loads a table in the shipped format; an unreadable table is empty.
    public init(json: Data) {
        let file = try? JSONDecoder().decode(File.self, from: json)
        version = file?.version ?? "unavailable"
        bundled = file?.models ?? [:]
        aliases = file?.aliases ?? [:]
    }

    /// Adds or replaces the price of `model` (matched after the same normalisation as lookups).
    public func setPrice(_ price: ModelPrice, for model: String) {
        let key = Self.normalize(model)
        overrides.withLock { $0[key] = price }
    }

    /// Removes a price added with ``setPrice(_:for:)``.
    public func removePrice(for model: String) {
        let key = Self.normalize(model)
        _ = overrides.withLock { $0.removeValue(forKey: key) }
    }

    /// The price of `model`, or nil when it is unknown.
    public func price(for model: String) -> ModelPrice? {
        let raw = Self.stripPrefixes(model)
        let key = Self.normalize(model)
        let added = overrides.withLock { $0 }
        for candidate in [raw, aliases[raw], key, aliases[key]].compactMap({ $0 }) {
            if let price = added[candidate] ?? bundled[candidate] { return price }
        }
        return nil
    }

    /// The cost of `usage` on `model`, or nil when the model is unknown.
    public func cost(model: String, usage: LLMUsage) -> LLMCost? {
        price(for: model)?.cost(of: usage)
    }

    /// The canonical form of a model name.
    static func normalize(_ model: String) -> String {
        var name = stripPrefixes(model)
        var changed = true
        while changed {
            changed = false
            for strip in suffixStrippers {
                if let stripped = strip(name), stripped != name, !stripped.isEmpty {
                    name = stripped
                    changed = true
                }
            }
        }
        return name
    }

    /// Lowercases and removes provider and region prefixes.
    static func stripPrefixes(_ model: String) -> String {
        var name = model.lowercased().trimmingWhitespace()
        if let slash = name.lastIndex(of: "/") { name = String(name[name.index(after: slash)...]) }
        for region in ["us.", "eu.", "apac.", "global."] where name.hasPrefix(region) { name.removeFirst(region.count) }
        for vendor in ["anthropic.", "meta.", "mistral.", "cohere.", "amazon."] where name.hasPrefix(vendor) {
            name.removeFirst(vendor.count)
        }
        return name
    }

    private static let suffixStrippers: [@Sendable (String) -> String?] = [
        { name in stripSuffix(name, pattern: "-dddd-dd-dd") },
        { name in stripSuffix(name, pattern: "-dddddddd") },
        { name in stripSuffix(name, pattern: "@dddddddd") },
        { name in stripSuffix(name, pattern: "-dddd") },
        { name in stripSuffix(name, pattern: "-ddd") },
        { name in
            // Bedrock's -v1:0 / -v2
            guard let range = name.range(of: "-v", options: .backwards) else { return nil }
            let tail = name[range.upperBound...]
            guard !tail.isEmpty, tail.allSatisfy({ $0.isNumber || $0 == ":" }) else { return nil }
            return String(name[..<range.lowerBound])
        },
        { name in name.hasSuffix("-latest") && !name.hasPrefix("chatgpt") ? String(name.dropLast(7)) : nil },
        { name in
            guard let range = name.range(of: "-preview") else { return nil }
            return String(name[..<range.lowerBound])
        },
        { name in name.hasSuffix("-exp") ? String(name.dropLast(4)) : nil },
    ]

    /// Strips a suffix of the shape `pattern`, where `d` stands for a digit.
    private static func stripSuffix(_ name: String, pattern: String) -> String? {
        guard name.count > pattern.count else { return nil }
        let tail = name.suffix(pattern.count)
        for (character, expected) in zip(tail, pattern) {
            if expected == "d" {
                guard character.isASCII, character.isNumber else { return nil }
            } else if character != expected {
                return nil
            }
        }
        return String(name.dropLast(pattern.count))
    }
}
