/// What one ``TraceStore/ingestSpool()`` call did.
public struct SpoolIngestResult: Sendable, Hashable, Codable {
    /// Spans read from the spool and stored.
    public var spans: Int
    /// Lines that were not valid spool records, skipped.
    public var malformedLines: Int
    /// Whether the spool was emptied because everything in it was ingested.
    public var truncated: Bool

    /// Creates a result.
    public init(spans: Int = 0, malformedLines: Int = 0, truncated: Bool = false) {
        self.spans = spans
        self.malformedLines = malformedLines
        self.truncated = truncated
    }
}
