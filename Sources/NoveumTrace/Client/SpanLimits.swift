/// Bounds on what one span keeps, so a runaway loop cannot grow a span without limit.
///
/// What goes past a bound is not kept and is counted in the exported span (`droppedAttributeCount`,
/// `droppedEventCount`). The defaults are OpenTelemetry's.
public struct SpanLimits: Sendable, Hashable {
    /// Attributes per span; default 128.
    public var maxAttributes: Int
    /// Events per span; default 128.
    public var maxEvents: Int
    /// Links per span; default 128.
    public var maxLinks: Int

    public init(maxAttributes: Int = 128, maxEvents: Int = 128, maxLinks: Int = 128) {
        self.maxAttributes = maxAttributes
        self.maxEvents = maxEvents
        self.maxLinks = maxLinks
    }
}
