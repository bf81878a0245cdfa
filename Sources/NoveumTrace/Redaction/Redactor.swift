/// Applies a ``RedactionPolicy`` to finished spans, on the export side.
struct Redactor: Sendable {
    let policy: RedactionPolicy
    private let scanner: SensitiveDataScanner
    /// Whether the destination is local (full content allowed).
    let isLocalDestination: Bool

    /// The content keys as an array: for the handful there are, comparing lengths first beats hashing every
    /// attribute key of every span.
    private let contentKeys: [String]

    init(policy: RedactionPolicy, isLocalDestination: Bool) {
        self.policy = policy
        self.scanner = SensitiveDataScanner(patterns: policy.patterns)
        self.isLocalDestination = isLocalDestination
        self.contentKeys = Array(policy.contentKeys)
    }

    private func isContentKey(_ key: String) -> Bool {
        let length = key.utf8.count
        for candidate in contentKeys where candidate.utf8.count == length && candidate == key { return true }
        return false
    }

    /// Whether applying the policy can change anything.
    var isNoOp: Bool {
        policy.patterns.isEmpty && policy.hook == nil && policy.maxValueLength == .max
            && (policy.content == .full || isLocalDestination && policy.content != .off) && !filtersVocabularies
    }

    /// Whether some LLM vocabulary is left out of the export.
    private var filtersVocabularies: Bool { policy.llmVocabularies.count < LLMVocabulary.allCases.count }

    /// Applies the policy to `span` in place; returns how many values were truncated.
    ///
    /// Only what changes is written, so a span with nothing to redact keeps sharing its record (no copy).
    func apply(_ span: inout SpanData) -> Int {
        // Most spans carry no text to look at beyond their attributes; those without any skip every copy below.
        let record = span.record
        if record.attributes.storage.isEmpty && record.events.isEmpty && record.links.isEmpty
            && record.statusMessage == nil && record.exception == nil
        {
            return 0
        }
        var truncated = 0
        if let attributes = redact(span.attributes, truncated: &truncated) { span.attributes = attributes }
        if filtersVocabularies, !policy.llmVocabularies.contains(.openTelemetry),
            span.events.contains(where: { $0.name.hasPrefix("gen_ai.") })
        {
            // GenAI events (`gen_ai.client.operation.exception`) belong to the vocabulary left out.
            span.events.removeAll { $0.name.hasPrefix("gen_ai.") }
        }
        let events = span.events
        for index in events.indices {
            if let attributes = redact(events[index].attributes, truncated: &truncated) {
                span.events[index].attributes = attributes
            }
        }
        let links = span.links
        for index in links.indices {
            if let attributes = redact(links[index].attributes, truncated: &truncated) {
                span.links[index].attributes = attributes
            }
        }
        if let message = span.statusMessage {
            let redacted = redactText(message)
            if redacted != message { span.statusMessage = redacted }
        }
        if var exception = span.exception {
            let message = redactText(exception.message)
            let stackTrace = exception.stackTrace.map(redactText)
            if message != exception.message || stackTrace != exception.stackTrace {
                exception.message = message
                exception.stackTrace = stackTrace
                span.exception = exception
            }
        }
        return truncated
    }

    /// The attributes with the policy applied, or nil when nothing changed.
    private func redact(_ attributes: AttributeList, truncated: inout Int) -> AttributeList? {
        guard !attributes.isEmpty else { return nil }
        var result: AttributeList?
        let filterVocabularies = filtersVocabularies
        for (index, element) in attributes.enumerated() {
            var value: AttributeValue? = element.value
            if filterVocabularies, let owners = LLMVocabulary.owners(of: element.key),
               owners.isDisjoint(with: policy.llmVocabularies)
            {
                value = nil
            } else if isContentKey(element.key) {
                switch isLocalDestination && policy.content != .off ? .full : policy.content {
                case .off: value = nil
                case .full: break
                case .truncated(let limit): value = truncate(element.value, to: limit, truncated: &truncated)
                }
            }
            if let current = value {
                var next: AttributeValue? = redactValue(current)
                if let hook = policy.hook, let redacted = next { next = hook(element.key, redacted) }
                if let kept = next { next = truncate(kept, to: policy.maxValueLength, truncated: &truncated) }
                value = next
            }
            if result == nil, value != element.value {
                // The first change: from here on the list is rebuilt.
                var copy = AttributeList()
                copy.storage.reserveCapacity(attributes.count)
                copy.storage.append(contentsOf: attributes.storage[..<index])
                result = copy
            }
            if result != nil, let value {
                result?.storage.append(AttributeList.Element(key: element.key, value: value))
            }
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
        let matches = scanner.scan(text)
        guard !matches.isEmpty else { return text }
        let bytes = Array(text.utf8)
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
