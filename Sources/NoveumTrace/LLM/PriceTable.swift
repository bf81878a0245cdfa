/// Model prices: LiteLLM's price table compiled into the SDK (about 3,700 chat, completion, responses and embedding
/// models; ``source``), plus prices you add or override.
///
/// A lookup tries, in order, the first that has a price:
/// 1. a price you set with ``setPrice(_:for:)``, for the name as given or as normalised;
/// 2. the name routed through its provider, when the span names one (`azure/gpt-4o` for a `gpt-4o` call whose
///    `gen_ai.provider.name` is `azure.ai.openai`): providers that resell a model may charge their own price;
/// 3. the name exactly as the table spells it (`gpt-5.4-mini`, `openrouter/anthropic/claude-sonnet-4.5`,
///    `bedrock/us-gov-west-1/anthropic.claude-3-5-sonnet-20240620-v1:0`), case aside;
/// 4. the name without its route and region prefixes (`openai/gpt-4o`, `us.anthropic.claude-…`);
/// 5. the normalised name: dated snapshots and version suffixes (`-2024-08-06`, `-20250514`,
///    `@20240620`, `-v1:0`, `-001`, `-latest`, `-preview…`) resolve to the model they are a version of. A normalised
///    name resolves only when the table says one price for it: the table's own entry of that name, or else
///    entries that all agree. Where they disagree the name stays unpriced.
///
/// A model that is still unknown gets no price: the SDK never invents one, and the span says
/// `llm.cost.unknown_model = true`.
///
/// ```swift
/// PriceTable.shared.setPrice(ModelPrice(input: 0.2, output: 0.6), for: "my-fine-tune")
/// ```
public final class PriceTable: Sendable {
    /// The table every span uses.
    public static let shared = PriceTable()

    /// Where the shipped prices come from and when they were generated: `"litellm 1.110.2, 2026-12-06"`.
    public var source: String { "\(Self.shippedSource), \(Self.shippedDate)" }

    /// The date of the shipped prices.
    public var version: String { Self.shippedDate }

    /// The shipped table, parsed on first use.
    private let table: LockedValue<Index?>
    private let lines: String
    private let overrides = LockedValue<[String: ModelPrice]>([:])
    /// Recent lookups, so a span pays one hash for a model seen before.
    private let resolved = LockedValue<[LookupKey: ModelPrice?]>([:])

    /// The shipped table.
    public convenience init() {
        self.init(lines: Self.shippedLines)
    }

    init(lines: String) {
        self.lines = lines
        table = LockedValue(nil)
    }

    /// Adds or replaces the price of `model` (matched as given and after the same normalisation as lookups).
    public func setPrice(_ price: ModelPrice, for model: String) {
        let key = Self.normalize(model)
        overrides.withLock { $0[key] = price }
        resolved.withLock { $0.removeAll() }
    }

    /// Removes a price added with ``setPrice(_:for:)``.
    public func removePrice(for model: String) {
        let key = Self.normalize(model)
        _ = overrides.withLock { $0.removeValue(forKey: key) }
        resolved.withLock { $0.removeAll() }
    }

    /// Parses the shipped table now, if it was not yet, so that the first lookup does not (``NoveumTrace/initialize(apiKey:project:environment:endpoint:serviceVersion:config:)``
    /// calls it in the background).
    public func prepare() {
        _ = index()
    }

    /// How many models the shipped table prices.
    public var modelCount: Int { index().rows.count }

    /// The price of `model`, or nil when it is unknown.
    ///
    /// - Parameters:
    ///   - model: the model as the call or its response names it.
    ///   - provider: the provider as the span names it (`gen_ai.provider.name` or `llm.provider`: `openai`,
    ///     `azure.ai.openai`, `aws.bedrock`, `gcp.vertex_ai`, `openrouter`…), if known.
    public func price(for model: String, provider: String? = nil) -> ModelPrice? {
        let key = LookupKey(model: model, provider: provider)
        if let known = resolved.withLock({ $0[key] }) { return known }
        let price = lookUp(model, provider: provider)
        resolved.withLock { cache in
            // Bounded: an app that names unbounded distinct models (ids in names) starts again rather than grow.
            if cache.count >= 512 { cache.removeAll(keepingCapacity: true) }
            cache[key] = price
        }
        return price
    }

    /// The cost of `usage` on `model`, or nil when the model is unknown.
    ///
    /// - Parameters:
    ///   - model: the model as the call or its response names it.
    ///   - provider: the provider as the span names it, if known (see ``price(for:provider:)``).
    ///   - tier: the service tier the call ran in (`batch`, `priority`, `flex`), when the span says; the standard
    ///     price applies when the model has no price for it.
    ///   - usage: the call's token counts.
    public func cost(model: String, provider: String? = nil, tier: String? = nil, usage: LLMUsage) -> LLMCost? {
        price(for: model, provider: provider)?.price(forTier: tier).cost(of: usage)
    }

    private func lookUp(_ model: String, provider: String?) -> ModelPrice? {
        let name = model.trimmingWhitespace().lowercased()
        let normalized = Self.normalize(name)
        if let price = overrides.withLock({ $0[name] ?? $0[normalized] }) { return price }
        let index = index()
        var candidates: [String] = []
        if let route = provider.flatMap(Self.route(ofProvider:)) { candidates.append(route + "/" + name) }
        candidates.append(name)
        candidates.append(Self.stripPrefixes(name))
        for candidate in candidates {
            if let row = index.exact[candidate] { return index.rows[row] }
        }
        return index.normalized[normalized].map { index.rows[$0] }
    }

    /// LiteLLM's route prefix for a provider name as spans carry it (OpenTelemetry's `gen_ai.provider.name` values
    /// and the Noveum SDK's `llm.provider`).
    static func route(ofProvider provider: String) -> String? {
        switch provider.lowercased() {
        case "azure.ai.openai", "azure", "azure_openai", "azure.ai.inference", "azure_ai": "azure"
        case "aws.bedrock", "bedrock": "bedrock"
        case "gcp.vertex_ai", "vertex_ai", "vertexai", "google_vertex": "vertex_ai"
        case "gcp.gemini", "gemini", "google": "gemini"
        case "openrouter": "openrouter"
        case "groq": "groq"
        case "mistral_ai", "mistral": "mistral"
        case "deepseek": "deepseek"
        case "x_ai", "xai": "xai"
        case "together_ai", "together": "together_ai"
        case "fireworks_ai", "fireworks": "fireworks_ai"
        case "perplexity": "perplexity"
        case "cohere": "cohere"
        default: nil
        }
    }

    // MARK: The shipped table

    private struct LookupKey: Hashable {
        var model: String
        var provider: String?
    }

    /// The parsed table: every row, each name as the table spells it (lowercase), and the normalised names that
    /// resolve to one price.
    struct Index: Sendable {
        var rows: [ModelPrice] = []
        var exact: [String: Int] = [:]
        var normalized: [String: Int] = [:]
    }

    private func index() -> Index {
        table.withLock { table in
            if let table { return table }
            let parsed = Self.parse(lines)
            table = parsed
            return parsed
        }
    }

    /// Reads the generated lines (see `Scripts/generate-prices.py`). A line that does not read is skipped: the
    /// table is generated and tested, so none is expected.
    ///
    /// A normalised name resolves to the best-ranked rows that share it, and only when they agree on the price:
    /// the row spelled exactly as the normalised name; else the model maker's own API (``firstPartyProviders``);
    /// else a provider's model id without a route (Bedrock's `anthropic.claude-…-v1:0`); else any route.
    static func parse(_ lines: String) -> Index {
        var text = lines
        return text.withUTF8 { parse(bytes: $0) }
    }

    private static func parse(bytes: UnsafeBufferPointer<UInt8>) -> Index {
        var index = Index()
        index.rows.reserveCapacity(4_096)
        index.exact.reserveCapacity(4_096)
        var groups: [String: (rank: Int, row: Int, agreed: Bool)] = [:]
        groups.reserveCapacity(2_048)
        var fields = [Range<Int>](repeating: 0..<0, count: 20)
        func text(_ field: Int) -> String {
            String(decoding: UnsafeBufferPointer(rebasing: bytes[fields[field]]), as: UTF8.self)
        }
        var lineStart = 0
        while lineStart < bytes.count {
            var lineEnd = lineStart
            while lineEnd < bytes.count, bytes[lineEnd] != UInt8(ascii: "\n") { lineEnd += 1 }
            defer { lineStart = lineEnd + 1 }
            var count = 0
            var fieldStart = lineStart
            for position in lineStart...lineEnd where position == lineEnd || bytes[position] == UInt8(ascii: "|") {
                if count < fields.count { fields[count] = fieldStart..<position }
                count += 1
                fieldStart = position + 1
            }
            guard count == fields.count, let price = Self.price({ Self.decimal(bytes, fields[$0]) }) else { continue }
            let spelled = text(0)
            let name = bytes[fields[0]].contains(where: { (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains($0) })
                ? spelled.lowercased() : spelled
            let normalized = text(1)
            let row = index.rows.count
            index.rows.append(price)
            if index.exact[name] == nil { index.exact[name] = row }
            let rank =
                name == normalized ? 0
                : firstPartyProviders.contains(text(2)) ? 1
                : bytes[fields[0]].contains(UInt8(ascii: "/")) ? 3 : 2
            if let group = groups[normalized], group.rank <= rank {
                if group.rank == rank, group.agreed, index.rows[group.row] != price {
                    groups[normalized] = (rank, group.row, false)
                }
            } else {
                groups[normalized] = (rank, row, true)
            }
        }
        index.normalized.reserveCapacity(groups.count)
        for (name, group) in groups where group.agreed { index.normalized[name] = group.row }
        return index
    }

    /// A price column: nil when empty, `.nan` when it does not read. The generator writes plain decimals
    /// (`0.075`, `12.5`); those are read as an integer over a power of ten, which rounds once, as `strtod` does.
    private static func decimal(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Double? {
        guard !range.isEmpty else { return nil }
        var mantissa: UInt64 = 0
        var digits = 0
        var fraction = -1
        for position in range {
            let byte = bytes[position]
            if byte == UInt8(ascii: "."), fraction < 0 {
                fraction = 0
            } else if (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte), digits < 15 {
                mantissa = mantissa * 10 + UInt64(byte - UInt8(ascii: "0"))
                digits += 1
                if fraction >= 0 { fraction += 1 }
            } else {
                // Anything else (or a longer number): the general reader decides.
                return Double(String(decoding: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self)) ?? .nan
            }
        }
        guard digits > 0 else { return .nan }
        var scale = 1.0
        for _ in 0..<max(fraction, 0) { scale *= 10 }
        return Double(mantissa) / scale
    }

    /// LiteLLM's names of the providers that sell their own models: their price is the model's list price.
    static let firstPartyProviders: Set<String> = [
        "openai", "text-completion-openai", "anthropic", "gemini", "mistral", "deepseek", "xai", "cohere",
        "cohere_chat", "moonshot", "dashscope",
    ]

    /// The price a line's columns give, `rate(n)` reading column n; nil when a column does not read.
    private static func price(_ read: (Int) -> Double?) -> ModelPrice? {
        // Each column read once.
        let rates = (0..<20).map { $0 < 3 ? nil : read($0) }
        func rate(_ column: Int) -> Double? { rates[column] }
        guard !rates.contains(where: { $0?.isNaN ?? false }), let input = rate(3), let output = rate(4) else {
            return nil
        }
        var price = ModelPrice(input: input, output: output, cachedInput: rate(5), cacheWrite: rate(6))
        price.reasoning = rate(7)
        for (offset, tier) in ["batch", "priority", "flex"].enumerated() {
            let first = 8 + offset * 4
            guard rate(first) != nil || rate(first + 1) != nil else { continue }
            price.tiers[tier] = ModelPrice(
                input: rate(first) ?? input, output: rate(first + 1) ?? output,
                cachedInput: rate(first + 2) ?? price.cachedInput, cacheWrite: rate(first + 3) ?? price.cacheWrite)
        }
        return price
    }

    // MARK: Names

    /// The canonical form of a model name: ``stripPrefixes(_:)``, then version suffixes removed until none is left
    /// (`-2024-08-06`, `-20250514`, `@20240620`, `-0613`, `-001`, Bedrock's `-v1:0` and a `-v2` after a date,
    /// `-latest`, `-preview…`, `-exp`). `Scripts/generate-prices.py` spells the same steps; a test checks the two
    /// agree on every name of the table.
    static func normalize(_ model: String) -> String {
        var name = Array(stripPrefixes(model).utf8)
        var changed = true
        while changed {
            changed = false
            for rule in SuffixRule.allCases {
                if let length = rule.strippedLength(of: name), length > 0, length < name.count {
                    name.removeSubrange(length...)
                    changed = true
                }
            }
        }
        return String(decoding: name, as: UTF8.self)
    }

    /// Lowercases and removes route, region and vendor prefixes (`openrouter/openai/`, `us.`, `anthropic.`).
    static func stripPrefixes(_ model: String) -> String {
        var name = model.trimmingWhitespace().lowercased()
        if let slash = name.utf8.lastIndex(of: UInt8(ascii: "/")) {
            name = String(name[name.utf8.index(after: slash)...])
        }
        for region in ["us.", "eu.", "apac.", "global.", "jp.", "au."] where name.hasPrefix(region) {
            name.removeFirst(region.count)
        }
        for vendor in ["anthropic.", "meta.", "mistral.", "cohere.", "amazon.", "ai21.", "deepseek.", "openai.", "qwen."]
        where name.hasPrefix(vendor) {
            name.removeFirst(vendor.count)
        }
        return name
    }

    /// The version suffixes ``normalize(_:)`` removes, in the order it tries them.
    private enum SuffixRule: CaseIterable {
        case isoDate, compactDate, atDate, fourDigits, threeDigits, bedrockVersion, latest, preview, experimental

        /// The name's length without this suffix, or nil when the name does not end with it.
        func strippedLength(of name: [UInt8]) -> Int? {
            switch self {
            case .isoDate: return Self.length(of: name, without: "-dddd-dd-dd")
            case .compactDate: return Self.length(of: name, without: "-dddddddd")
            case .atDate: return Self.length(of: name, without: "@dddddddd")
            case .fourDigits: return Self.length(of: name, without: "-dddd")
            case .threeDigits: return Self.length(of: name, without: "-ddd")
            case .bedrockVersion: return Self.bedrockVersion(name)
            case .latest:
                return Self.hasSuffix(name, "-latest") && !name.starts(with: "chatgpt".utf8) ? name.count - 7 : nil
            case .preview:
                let marker = Array("-preview".utf8)
                guard name.count >= marker.count else { return nil }
                return (0...(name.count - marker.count)).first { name[$0..<($0 + marker.count)].elementsEqual(marker) }
            case .experimental: return Self.hasSuffix(name, "-exp") ? name.count - 4 : nil
            }
        }

        private static func hasSuffix(_ name: [UInt8], _ suffix: String) -> Bool {
            name.count >= suffix.utf8.count && name.suffix(suffix.utf8.count).elementsEqual(suffix.utf8)
        }

        private static func isDigit(_ byte: UInt8) -> Bool {
            (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
        }

        /// The length without a suffix of the shape `pattern`, where `d` stands for a digit.
        private static func length(of name: [UInt8], without pattern: StaticString) -> Int? {
            let count = pattern.utf8CodeUnitCount
            guard name.count > count else { return nil }
            let start = name.count - count
            let shape = UnsafeBufferPointer(start: pattern.utf8Start, count: count)
            for offset in 0..<count {
                let byte = name[start + offset]
                let expected = shape[offset]
                if expected == UInt8(ascii: "d") ? !isDigit(byte) : byte != expected { return nil }
            }
            return start
        }

        /// Bedrock's version suffix: `-v1:0` always, `-v2` only right after an 8-digit date (`…-20241022-v2`), so
        /// that `deepseek-v3` stays itself.
        private static func bedrockVersion(_ bytes: [UInt8]) -> Int? {
            func digits(before index: Int) -> Int {
                var i = index
                while i > 0, isDigit(bytes[i - 1]) { i -= 1 }
                return index - i
            }
            var end = bytes.count
            let minor = digits(before: end)
            let hasMinor = minor > 0 && end - minor > 0 && bytes[end - minor - 1] == UInt8(ascii: ":")
            if hasMinor { end -= minor + 1 }
            let major = digits(before: end)
            guard major > 0, end - major >= 2, bytes[end - major - 1] == UInt8(ascii: "v"),
                bytes[end - major - 2] == UInt8(ascii: "-")
            else { return nil }
            let head = end - major - 2
            if !hasMinor {
                guard digits(before: head) == 8, head - 8 > 0, bytes[head - 9] == UInt8(ascii: "-") else { return nil }
            }
            return head
        }
    }
}
