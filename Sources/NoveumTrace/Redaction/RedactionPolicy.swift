/// What the SDK removes from spans before any exporter sees them.
///
/// Redaction runs on the export pipeline's background task, never on the thread that finished the span, and
/// before every exporter (the console and the local store included). It rewrites attribute values, event
/// attributes, status messages and exception messages:
///
/// - Secrets and personal data matching the built-in ``Pattern``s become `[REDACTED:kind]`; with a
///   ``pseudonymizationKey``, emails, phone and card numbers become stable pseudonyms `EMAIL_<12 hex>` (an
///   HMAC-SHA256 of the value), so one user's spans still group together. API keys and bearer tokens are always
///   removed outright.
/// - A ``hook`` sees every remaining attribute and may replace it or return nil to drop it.
/// - Values longer than ``maxValueLength`` characters are cut, with a marker saying how much was removed.
/// - Prompts and completions (``contentKeys``) follow ``content``.
public struct RedactionPolicy: Sendable {
    /// The built-in detectors.
    public enum Pattern: String, Sendable, Hashable, CaseIterable {
        /// Provider API keys: OpenAI and Anthropic (`sk-…`), AWS access keys, GitHub, Slack, Google, Hugging Face,
        /// GitLab and Stripe tokens.
        case apiKey = "api_key"
        /// `Bearer <token>` credentials.
        case bearerToken = "bearer_token"
        /// Email addresses.
        case email
        /// Payment card numbers (13 to 19 digits, spaces or dashes allowed) that pass the Luhn check.
        case cardNumber = "card_number"
        /// Phone numbers in international form (`+44 20 7946 0958`) or grouped North American form
        /// (`(415) 555-0132`, `415-555-0132`). Plain digit runs, dates and version numbers are left alone.
        case phoneNumber = "phone_number"
    }

    /// How much prompt and completion text is exported.
    public enum ContentCapture: Sendable, Hashable {
        /// Everything.
        case full
        /// Nothing: content attributes are removed.
        case off
        /// At most this many characters of each content attribute.
        case truncated(Int)
    }

    /// The detectors in use. Default: all.
    public var patterns: Set<Pattern>
    /// A secret key that turns on pseudonyms for emails, phone and card numbers.
    public var pseudonymizationKey: [UInt8]?
    /// Called for each attribute after the patterns: return a replacement, or nil to drop the attribute.
    public var hook: (@Sendable (_ key: String, _ value: AttributeValue) -> AttributeValue?)?
    /// The longest string value kept, in characters. Default 32,768.
    public var maxValueLength: Int
    /// Prompts and completions for exporters that send data elsewhere. Default: truncated to 4,096 characters.
    /// Local exporters (the console, the local store) receive ``ContentCapture/full`` content unless this is
    /// ``ContentCapture/off``.
    public var content: ContentCapture
    /// The attributes that hold prompts and completions.
    public var contentKeys: Set<String>
    /// The LLM attribute vocabularies exported; attributes of the others are removed. Default: all three.
    /// ``Configuration/llmVocabularies`` sets this.
    public var llmVocabularies: Set<LLMVocabulary> = Set(LLMVocabulary.allCases)

    /// The attribute keys of prompts and completions in the three vocabularies.
    public static let defaultContentKeys: Set<String> = [
        "llm.input.messages", "llm.output.response", "llm.response", "llm.prompt", "llm.completion",
        "gen_ai.input.messages", "gen_ai.output.messages", "gen_ai.system_instructions", "gen_ai.prompt",
        "gen_ai.completion", "input.value", "output.value", "gen_ai.tool.call.arguments", "gen_ai.tool.call.result",
        "gen_ai.retrieval.query.text", "gen_ai.retrieval.documents", "gen_ai.memory.query.text", "gen_ai.memory.records",
    ]

    public init(
        patterns: Set<Pattern> = Set(Pattern.allCases), pseudonymizationKey: [UInt8]? = nil,
        hook: (@Sendable (_ key: String, _ value: AttributeValue) -> AttributeValue?)? = nil,
        maxValueLength: Int = 32_768, content: ContentCapture = .truncated(4_096),
        contentKeys: Set<String> = RedactionPolicy.defaultContentKeys
    ) {
        self.patterns = patterns
        self.pseudonymizationKey = pseudonymizationKey
        self.hook = hook
        self.maxValueLength = maxValueLength
        self.content = content
        self.contentKeys = contentKeys
    }

    /// All detectors, content truncated to 4,096 characters for remote exporters.
    public static var standard: RedactionPolicy { RedactionPolicy() }

    /// Nothing is changed.
    public static var disabled: RedactionPolicy {
        RedactionPolicy(patterns: [], maxValueLength: .max, content: .full)
    }
}
