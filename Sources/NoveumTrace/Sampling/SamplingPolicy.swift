/// How a client decides which traces to record.
///
/// The decision is made once per trace, when its first span in this process starts, and every span of the trace
/// inherits it. In order:
///
/// 1. A parent from another process (an incoming `traceparent`) decides through its sampled flag.
/// 2. The first ``SamplingRule`` that matches the root span's name or attributes gives the rate.
/// 3. Otherwise ``rate`` (the configuration's `samplingRate`) applies.
/// 4. A trace the rate keeps is still dropped when ``maxTracesPerSecond`` is exceeded.
///
/// Rates are applied to the trace id, so every service configured alike agrees without coordination. With
/// ``tail`` set, a trace the steps above drop is recorded anyway and held until its root span ends; it is exported
/// only if one of its spans failed or the root took longer than the tail rule's threshold.
public struct SamplingPolicy: Sendable {
    /// The share of traces kept when no rule matches, in 0...1.
    public var rate: Double
    /// Rules tried in order; the first match gives the rate.
    public var rules: [SamplingRule]
    /// At most this many new traces per second are kept (a token bucket with a one-second burst); nil: no limit.
    public var maxTracesPerSecond: Double?
    /// The opt-in tail rule.
    public var tail: TailSampling?

    public init(
        rate: Double = 1.0, rules: [SamplingRule] = [], maxTracesPerSecond: Double? = nil, tail: TailSampling? = nil
    ) {
        self.rate = rate
        self.rules = rules
        self.maxTracesPerSecond = maxTracesPerSecond
        self.tail = tail
    }
}

/// A sampling rate for the traces whose root span matches a name pattern and attribute values.
///
/// ```swift
/// SamplingRule(name: "health*", rate: 0)                       // never keep health checks
/// SamplingRule(attribute: "llm.model", equals: "gpt-4", rate: 1) // keep every gpt-4 trace
/// ```
public struct SamplingRule: Sendable, Hashable {
    /// A span-name pattern where `*` matches any run of characters; nil matches any name.
    public var namePattern: String?
    /// Attribute values the root span must carry at its start; empty matches any.
    public var attributes: [String: AttributeValue]
    /// The rate for matching traces, in 0...1.
    public var rate: Double

    public init(name namePattern: String? = nil, attributes: [String: AttributeValue] = [:], rate: Double) {
        self.namePattern = namePattern
        self.attributes = attributes
        self.rate = rate
    }

    /// A rule matching one attribute value.
    public init(attribute key: String, equals value: AttributeValue, rate: Double) {
        self.init(attributes: [key: value], rate: rate)
    }

    func matches(name: String, attributes list: AttributeList) -> Bool {
        if let namePattern, !Glob.matches(namePattern, name) { return false }
        for (key, value) in attributes where list[key] != value { return false }
        return true
    }
}

/// Keeps traces that failed or were slow even when head sampling dropped them.
///
/// Spans of such traces are recorded and held in memory until the trace's local root span ends. At most
/// ``maxBufferedSpans`` spans are held across all pending traces; past that the oldest pending trace is
/// discarded (its spans counted as sampled out), so memory stays bounded at roughly
/// `maxBufferedSpans × (size of a span)`, about 1 KB each for spans with a few attributes.
public struct TailSampling: Sendable, Hashable {
    /// Keep traces in which any span has status `error` or `timeout`.
    public var keepErrors: Bool
    /// Keep traces whose root span lasted at least this long; nil: duration does not matter.
    public var minDuration: Duration?
    /// The most spans held while waiting for decisions.
    public var maxBufferedSpans: Int

    public init(keepErrors: Bool = true, minDuration: Duration? = nil, maxBufferedSpans: Int = 10_000) {
        self.keepErrors = keepErrors
        self.minDuration = minDuration
        self.maxBufferedSpans = maxBufferedSpans
    }
}

/// `*` wildcards over whole strings.
enum Glob {
    static func matches(_ pattern: String, _ text: String) -> Bool {
        let parts = pattern.split(separator: "*", omittingEmptySubsequences: false)
        if parts.count == 1 { return pattern == text }
        var remainder = Substring(text)
        guard remainder.hasPrefix(parts[0]) else { return false }
        remainder = remainder.dropFirst(parts[0].count)
        for part in parts.dropFirst().dropLast() where !part.isEmpty {
            guard let range = remainder.range(of: part) else { return false }
            remainder = remainder[range.upperBound...]
        }
        let last = parts[parts.count - 1]
        return remainder.count >= last.count && remainder.hasSuffix(last)
    }
}
