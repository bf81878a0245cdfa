/// Applies a ``RedactionPolicy`` to finished spans, on the export side.
struct Redactor: Sendable {
    let policy: RedactionPolicy
    private let scanner: SensitiveDataScanner
    /// Whether the destination is local (full content allowed).
    let isLocalDestination: Bool

    init(policy: RedactionPolicy, isLocalDestination: Bool) {
        self.policy = policy
        self.scanner = SensitiveDataScanner(patterns: policy.patterns)
        self.isLocalDestination = isLocalDestination
    }

    /// Whether applying the policy can change anything.
    var isNoOp: Bool {
        policy.patterns.isEmpty && policy.hook == nil && policy.maxValueLength == .max
            && (policy.content == .full || isLocalDestination && policy.content != .off) && !filtersVocabularies
    }

    /// Whether some LLM vocabulary is left out of the export.
    private var filtersVocabularies: Bool { policy.llmVocabularies.count < LLMVocabulary.allCases.count }

    /// The span with the policy applied, and how many values were truncated.
    func apply(_ span: SpanData) -> (SpanData, truncated: Int) {
        var span = span
        var truncated = 0
        span.attributes = redact(span.attributes, truncated: &truncated)
        for index in span.events.indices {
            span.events[index].attributes = redact(span.events[index].attributes, truncated: &truncated)
        }
        for index in span.links.indices {
            span.links[index].attributes = redact(span.links[index].attributes, truncated: &truncated)
        }
        if let message = span.statusMessage { span.statusMessage = redactText(message) }
        if var exception = span.exception {
            exception.message = redactText(exception.message)
            exception.stackTrace = exception.stackTrace.map(redactText)
            span.exception = exception
        }
        return (span, truncated)
    }

    private func redact(_ attributes: AttributeList, truncated: inout Int) -> AttributeList {
        guard !attributes.isEmpty else { return attributes }
        var result = AttributeList()
        result.storage.reserveCapacity(attributes.count)
        let filterVocabularies = filtersVocabularies
        for element in attributes {
            if filterVocabularies, let owners = LLMVocabulary.owners(of: element.key),
               owners.isDisjoint(with: policy.llmVocabularies)
            {
                continue
            }
            var value = element.value
            if policy.contentKeys.contains(element.key) {
                switch isLocalDestination && policy.content != .off ? .full : policy.content {
                case .off: continue
                case .full: break
                case .truncated(let limit): value = truncate(value, to: limit, truncated: &truncated)
                }
            }
            value = redactValue(value)
            if let hook = policy.hook {
                guard let replaced = hook(element.key, value) else { continue }
                value = replaced
            }
            value = truncate(value, to: policy.maxValueLength, truncated: &truncated)
            result.storage.append(AttributeList.Element(key: element.key, value: value))
        }
        return result
    }

    private func redactValue(_ value: AttributeValue) -> AttributeValue {
        switch value {
        case .string(let text): return .string(redactText(text))
        case .stringArray(let texts): return .stringArray(texts.map(redactText))
        default: return value
        }
    }

    /// Replaces every match in `text`.
    func redactText(_ text: String) -> String {
        guard !policy.patterns.isEmpty, text.utf8.count >= 6 else { return text }
        let bytes = Array(text.utf8)
        let matches = scanner.scan(bytes)
        guard !matches.isEmpty else { return text }
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var cursor = 0
        for match in matches {
            output += bytes[cursor..<match.range.lowerBound]
            output += Array(replacement(for: match.pattern, original: bytes[match.range]).utf8)
            cursor = match.range.upperBound
        }
        output += bytes[cursor...]
        return String(decoding: output, as: UTF8.self)
    }

    private func replacement(for pattern: RedactionPolicy.Pattern, original: ArraySlice<UInt8>) -> String {
        if let key = policy.pseudonymizationKey, pattern != .apiKey, pattern != .bearerToken {
            let digest = SHA256.hmac(key: key, message: Array(original))
            let hex = digest.prefix(6).map { byte -> String in
                let text = String(byte, radix: 16)
                return text.count == 1 ? "0" + text : text
            }.joined()
            return "\(pattern.rawValue.uppercased())_\(hex)"
        }
        return "[REDACTED:\(pattern.rawValue)]"
    }

    private func truncate(_ value: AttributeValue, to limit: Int, truncated: inout Int) -> AttributeValue {
        guard case .string(let text) = value, limit >= 0, text.utf8.count > limit, text.count > limit else { return value }
        truncated += 1
        let removed = text.count - limit
        return .string(String(text.prefix(limit)) + "…[truncated \(removed) chars]")
    }
}
