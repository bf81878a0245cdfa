/// Finds secrets and personal data in text without regular expressions: one pass over the UTF-8 bytes per
/// detector, after a cheap check that the text could contain a match at all. It reads the bytes in place (a native
/// string's UTF-8 storage), so text without a match costs no copy.
struct SensitiveDataScanner: Sendable {
    typealias Bytes = UnsafeBufferPointer<UInt8>

    struct Match {
        var range: Range<Int>
        var pattern: RedactionPolicy.Pattern
    }

    let patterns: Set<RedactionPolicy.Pattern>
    // The patterns as flags, read for every scanned value (a set lookup hashes each time).
    private let bearerToken: Bool
    private let apiKey: Bool
    private let email: Bool
    private let cardNumber: Bool
    private let phoneNumber: Bool

    init(patterns: Set<RedactionPolicy.Pattern>) {
        self.patterns = patterns
        bearerToken = patterns.contains(.bearerToken)
        apiKey = patterns.contains(.apiKey)
        email = patterns.contains(.email)
        cardNumber = patterns.contains(.cardNumber)
        phoneNumber = patterns.contains(.phoneNumber)
    }

    /// Every non-overlapping match in `text`, in order (ranges are UTF-8 offsets).
    func scan(_ text: String) -> [Match] {
        var text = text
        return text.withUTF8 { scan($0) }
    }

    /// Every non-overlapping match in `bytes`, in order.
    func scan(_ bytes: Bytes) -> [Match] {
        var matches: [Match] = []
        if bearerToken { matches += bearerTokens(bytes) }
        if apiKey { matches += apiKeys(bytes) }
        if email, bytes.contains(UInt8(ascii: "@")) { matches += emails(bytes) }
        let digitCount = bytes.reduce(0) { $0 + (isDigit($1) ? 1 : 0) }
        if cardNumber, digitCount >= 13 { matches += cardNumbers(bytes) }
        if phoneNumber, digitCount >= 8 { matches += phoneNumbers(bytes) }
        if matches.isEmpty { return matches }
        matches.sort { $0.range.lowerBound < $1.range.lowerBound }
        var result: [Match] = []
        for match in matches where result.last.map({ $0.range.upperBound <= match.range.lowerBound }) ?? true {
            result.append(match)
        }
        return result
    }

    // MARK: Character classes

    @inline(__always) private func isDigit(_ b: UInt8) -> Bool { b >= 48 && b <= 57 }
    @inline(__always) private func isUpper(_ b: UInt8) -> Bool { b >= 65 && b <= 90 }
    @inline(__always) private func isLower(_ b: UInt8) -> Bool { b >= 97 && b <= 122 }
    @inline(__always) private func isAlnum(_ b: UInt8) -> Bool { isDigit(b) || isUpper(b) || isLower(b) }
    @inline(__always) private func isTokenChar(_ b: UInt8) -> Bool {
        isAlnum(b) || b == UInt8(ascii: "-") || b == UInt8(ascii: "_")
    }

    private func hasPrefix(_ bytes: Bytes, _ prefix: [UInt8], at index: Int, caseInsensitive: Bool = false) -> Bool {
        guard index + prefix.count <= bytes.count else { return false }
        for (offset, expected) in prefix.enumerated() {
            var actual = bytes[index + offset]
            if caseInsensitive, isUpper(actual) { actual += 32 }
            if actual != expected { return false }
        }
        return true
    }

    // MARK: Detectors

    private static let bearer = Array("bearer ".utf8)

    private func bearerTokens(_ bytes: Bytes) -> [Match] {
        let bearer = Self.bearer
        var matches: [Match] = []
        var i = 0
        while i + bearer.count < bytes.count {
            if bytes[i] | 0x20 == UInt8(ascii: "b"), hasPrefix(bytes, bearer, at: i, caseInsensitive: true),
               i == 0 || !isAlnum(bytes[i - 1])
            {
                var end = i + bearer.count
                while end < bytes.count, isTokenChar(bytes[end]) || "./+=~".utf8.contains(bytes[end]) { end += 1 }
                if end - (i + bearer.count) >= 8 {
                    matches.append(Match(range: (i + bearer.count)..<end, pattern: .bearerToken))
                    i = end
                    continue
                }
            }
            i += 1
        }
        return matches
    }

    private static let keyPrefixes: [(prefix: [UInt8], minimumBody: Int, upperAlnumOnly: Bool)] = [
        (Array("sk-".utf8), 16, false), (Array("sk_live_".utf8), 16, false), (Array("sk_test_".utf8), 16, false),
        (Array("rk_live_".utf8), 16, false), (Array("AKIA".utf8), 16, true), (Array("ASIA".utf8), 16, true),
        (Array("ghp_".utf8), 30, false), (Array("gho_".utf8), 30, false), (Array("ghu_".utf8), 30, false),
        (Array("ghs_".utf8), 30, false), (Array("github_pat_".utf8), 30, false), (Array("xoxb-".utf8), 10, false),
        (Array("xoxp-".utf8), 10, false), (Array("xoxa-".utf8), 10, false), (Array("AIza".utf8), 30, false),
        (Array("hf_".utf8), 30, false), (Array("glpat-".utf8), 20, false),
    ]

    /// `startsKey[b]`: some key prefix starts with the byte `b` (most positions are rejected by this one load).
    private static let startsKey: [Bool] = {
        var table = [Bool](repeating: false, count: 256)
        for key in keyPrefixes { table[Int(key.prefix[0])] = true }
        return table
    }()

    private func apiKeys(_ bytes: Bytes) -> [Match] {
        var matches: [Match] = []
        let startsKey = Self.startsKey
        var i = 0
        outer: while i < bytes.count {
            if startsKey[Int(bytes[i])], i == 0 || !isTokenChar(bytes[i - 1]) {
                for key in Self.keyPrefixes where hasPrefix(bytes, key.prefix, at: i) {
                    var end = i + key.prefix.count
                    while end < bytes.count,
                          key.upperAlnumOnly ? (isUpper(bytes[end]) || isDigit(bytes[end])) : isTokenChar(bytes[end])
                    {
                        end += 1
                    }
                    let body = end - i - key.prefix.count
                    if body >= key.minimumBody, !key.upperAlnumOnly || body == key.minimumBody {
                        matches.append(Match(range: i..<end, pattern: .apiKey))
                        i = end
                        continue outer
                    }
                }
            }
            i += 1
        }
        return matches
    }

    private func emails(_ bytes: Bytes) -> [Match] {
        var matches: [Match] = []
        let localExtra = Set("._%+-".utf8)
        for at in bytes.indices where bytes[at] == UInt8(ascii: "@") {
            var start = at
            while start > 0, isAlnum(bytes[start - 1]) || localExtra.contains(bytes[start - 1]) { start -= 1 }
            var end = at + 1
            while end < bytes.count, isAlnum(bytes[end]) || bytes[end] == UInt8(ascii: ".") || bytes[end] == UInt8(ascii: "-") {
                end += 1
            }
            while end > at + 1, bytes[end - 1] == UInt8(ascii: ".") || bytes[end - 1] == UInt8(ascii: "-") { end -= 1 }
            guard start < at, end > at + 1 else { continue }
            let domain = bytes[(at + 1)..<end]
            guard let lastDot = domain.lastIndex(of: UInt8(ascii: ".")), lastDot > at + 1 else { continue }
            let tld = bytes[(lastDot + 1)..<end]
            guard tld.count >= 2, tld.allSatisfy({ isUpper($0) || isLower($0) }) else { continue }
            if let last = matches.last, last.range.upperBound > start { continue }
            matches.append(Match(range: start..<end, pattern: .email))
        }
        return matches
    }

    /// Digit runs with single spaces or dashes between digits.
    private func digitGroups(_ bytes: Bytes, separators: Set<UInt8>) -> [(range: Range<Int>, digits: [UInt8])] {
        var groups: [(Range<Int>, [UInt8])] = []
        var i = 0
        while i < bytes.count {
            guard isDigit(bytes[i]), i == 0 || !isAlnum(bytes[i - 1]) else {
                i += 1
                continue
            }
            var digits: [UInt8] = []
            var end = i
            while end < bytes.count {
                if isDigit(bytes[end]) {
                    digits.append(bytes[end] - 48)
                    end += 1
                } else if separators.contains(bytes[end]), end + 1 < bytes.count, isDigit(bytes[end + 1]) {
                    end += 1
                } else {
                    break
                }
            }
            if end == bytes.count || !isAlnum(bytes[end]) { groups.append((i..<end, digits)) }
            i = max(end, i + 1)
        }
        return groups
    }

    private func cardNumbers(_ bytes: Bytes) -> [Match] {
        digitGroups(bytes, separators: [UInt8(ascii: " "), UInt8(ascii: "-")]).compactMap { group in
            guard (13...19).contains(group.digits.count), luhn(group.digits) else { return nil }
            return Match(range: group.range, pattern: .cardNumber)
        }
    }

    private func luhn(_ digits: [UInt8]) -> Bool {
        var sum = 0
        for (offset, digit) in digits.reversed().enumerated() {
            var value = Int(digit)
            if offset % 2 == 1 {
                value *= 2
                if value > 9 { value -= 9 }
            }
            sum += value
        }
        return sum % 10 == 0
    }

    private func phoneNumbers(_ bytes: Bytes) -> [Match] {
        var matches: [Match] = []
        let separators: Set<UInt8> = [UInt8(ascii: " "), UInt8(ascii: "-"), UInt8(ascii: ".")]
        // International: "+" then 8 to 15 digits with separators.
        for plus in bytes.indices where bytes[plus] == UInt8(ascii: "+") && plus + 1 < bytes.count && isDigit(bytes[plus + 1]) {
            guard plus == 0 || !isAlnum(bytes[plus - 1]) else { continue }
            var end = plus + 1
            var digits = 0
            while end < bytes.count {
                if isDigit(bytes[end]) {
                    digits += 1
                    end += 1
                } else if (separators.contains(bytes[end]) || bytes[end] == UInt8(ascii: "(") || bytes[end] == UInt8(ascii: ")")),
                          end + 1 < bytes.count, isDigit(bytes[end + 1]) || bytes[end + 1] == UInt8(ascii: "(")
                {
                    end += 1
                } else {
                    break
                }
            }
            if (8...15).contains(digits), end == bytes.count || !isAlnum(bytes[end]) {
                matches.append(Match(range: plus..<end, pattern: .phoneNumber))
            }
        }
        // North American grouping: (415) 555-0132, 415-555-0132, 415.555.0132.
        var i = 0
        while i < bytes.count {
            let start = i
            var j = i
            let paren = bytes[j] == UInt8(ascii: "(")
            if paren { j += 1 }
            guard j + 3 <= bytes.count, bytes[j..<(j + 3)].allSatisfy(isDigit), start == 0 || !isAlnum(bytes[start - 1]),
                  start == 0 || bytes[start - 1] != UInt8(ascii: "+")
            else {
                i += 1
                continue
            }
            j += 3
            if paren {
                guard j < bytes.count, bytes[j] == UInt8(ascii: ")") else { i += 1; continue }
                j += 1
                if j < bytes.count, bytes[j] == UInt8(ascii: " ") { j += 1 }
            } else {
                guard j < bytes.count, separators.contains(bytes[j]) else { i += 1; continue }
                j += 1
            }
            let separator = paren ? UInt8(ascii: "-") : bytes[j - 1]
            guard j + 8 <= bytes.count, bytes[j..<(j + 3)].allSatisfy(isDigit),
                  bytes[j + 3] == separator || (paren && separators.contains(bytes[j + 3])),
                  bytes[(j + 4)..<(j + 8)].allSatisfy(isDigit), j + 8 == bytes.count || !isAlnum(bytes[j + 8])
            else {
                i += 1
                continue
            }
            matches.append(Match(range: start..<(j + 8), pattern: .phoneNumber))
            i = j + 8
        }
        return matches
    }
}
