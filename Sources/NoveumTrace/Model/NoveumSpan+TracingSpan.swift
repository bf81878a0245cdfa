import Tracing

/// A ``NoveumSpan`` is a swift-distributed-tracing `Span`, so libraries instrumented with `withSpan` record
/// straight into it.
extension NoveumSpan: Tracing.Span {
    /// The context that makes this span the active one: what `withSpan` binds for its body.
    public var context: InstrumentationContext {
        var context = baseContext ?? .topLevel
        context.noveumSpan = bound
        return context
    }

    public var operationName: String {
        get { name }
        nonmutating set { updateName(newValue) }
    }

    public func setStatus(_ status: Tracing.SpanStatus) {
        switch status.code {
        case .ok: setStatus(.ok, status.message)
        case .error: setStatus(.error, status.message)
        }
    }

    public func addEvent(_ event: Tracing.SpanEvent) {
        addEvent(Event(name: event.name, timeNanos: event.nanosecondsSinceEpoch, attributes: AttributeList(event.attributes)))
    }

    public func recordError<Instant: TracerInstant>(
        _ error: any Error, attributes: SpanAttributes, at instant: @autoclosure () -> Instant
    ) {
        var converted: [String: any AttributeValueConvertible] = [:]
        attributes.forEach { key, value in converted[key] = AttributeValue(value) }
        recordException(error, attributes: converted)
    }

    public var attributes: SpanAttributes {
        get {
            var result = SpanAttributes()
            for element in attributeList { result[element.key] = element.value.spanAttribute }
            return result
        }
        nonmutating set {
            guard isRecording else { return }
            replaceAttributes(AttributeList(newValue))
        }
    }

    public func addLink(_ link: SpanLink) {
        guard let target = link.context.noveumParent else { return }
        var converted: [String: any AttributeValueConvertible] = [:]
        link.attributes.forEach { key, value in converted[key] = AttributeValue(value) }
        addLink(target, attributes: converted)
    }

    public func end<Instant: TracerInstant>(at instant: @autoclosure () -> Instant) {
        end(atNanos: instant().nanosecondsSinceEpoch)
    }
}

extension AttributeValue {
    /// Converts a swift-distributed-tracing attribute; values with no counterpart become their description.
    init(_ attribute: SpanAttribute) {
        switch attribute {
        case .int32(let v): self = .int(Int64(v))
        case .int64(let v): self = .int(v)
        case .int32Array(let v): self = .intArray(v.map(Int64.init))
        case .int64Array(let v): self = .intArray(v)
        case .double(let v): self = .double(v)
        case .doubleArray(let v): self = .doubleArray(v)
        case .bool(let v): self = .bool(v)
        case .boolArray(let v): self = .boolArray(v)
        case .string(let v): self = .string(v)
        case .stringArray(let v): self = .stringArray(v)
        case .stringConvertible(let v): self = .string(v.description)
        case .stringConvertibleArray(let v): self = .stringArray(v.map(\.description))
        default: self = .string(String(describing: attribute))
        }
    }

    /// This value as a swift-distributed-tracing attribute.
    var spanAttribute: SpanAttribute {
        switch self {
        case .string(let v): return .string(v)
        case .int(let v): return .int64(v)
        case .double(let v): return .double(v)
        case .bool(let v): return .bool(v)
        case .stringArray(let v): return .stringArray(v)
        case .intArray(let v): return .int64Array(v)
        case .doubleArray(let v): return .doubleArray(v)
        case .boolArray(let v): return .boolArray(v)
        }
    }
}

extension AttributeList {
    /// Converts swift-distributed-tracing attributes, in key order.
    init(_ attributes: SpanAttributes) {
        var pairs: [(String, AttributeValue)] = []
        attributes.forEach { key, value in pairs.append((key, AttributeValue(value))) }
        self.init()
        for (key, value) in pairs.sorted(by: { $0.0 < $1.0 }) { self[key] = value }
    }
}
