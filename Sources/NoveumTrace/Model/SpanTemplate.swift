import Tracing

/// What a span made by an inline closure looks like at its start.
@usableFromInline
struct SpanTemplate: Sendable {
    @usableFromInline var name: String
    @usableFromInline var kind: SpanKind
    @usableFromInline var attributes: AttributeList

    @usableFromInline
    init(name: String, kind: SpanKind = .internal, attributes: AttributeList = AttributeList()) {
        self.name = name
        self.kind = kind
        self.attributes = attributes
    }
}
