/// How a JSON format writes the parts of a span that the local spool and Noveum JSON share: its status, attributes,
/// events, links and exception. The two formats lay these blocks out alike and differ only in how they write attribute lists
/// and times and in a few keys, which a dialect names. (OTLP/JSON follows a schema of its own and writes its spans
/// in `OTLPJSONEncoder`.)
///
/// The blocks are written by the generic functions on ``ByteSink`` below; a dialect is a caseless enum whose static
/// functions the compiler specializes into them, so sharing the code costs the encoders no indirect call.
protocol SpanJSONDialect {
    /// Writes an attribute list as the format's JSON value.
    static func attributes(_ list: AttributeList, into sink: inout ByteSink)
    /// Writes an event's time, key included, after the event's name (`,"time_ns":1` or `,"timestamp":"…"`).
    static func eventTime(_ nanos: UInt64, into sink: inout ByteSink)
    /// Whether a link carries its `trace_state`.
    static var linkHasTraceState: Bool { get }
    /// Writes an exception's stack trace, key included, after its message; a dialect may leave a missing one out.
    static func exceptionStack(_ stackTrace: String?, into sink: inout ByteSink)
}

extension ByteSink {
    /// `,"status":…,"status_message":…,"attributes":…,"events":[…],"links":[…]`: the run of a span's fields that
    /// both formats write in the same order, after the fields each orders its own way.
    mutating func spanOutcomeAndContent<Dialect: SpanJSONDialect>(_ span: SpanData, as dialect: Dialect.Type) {
        member(",\"status\":", .string(span.status.rawValue))
        member(",\"status_message\":", .string(span.statusMessage))
        raw(",\"attributes\":")
        Dialect.attributes(span.attributes, into: &self)
        raw(",\"events\":")
        spanEvents(span.events, as: dialect)
        raw(",\"links\":")
        spanLinks(span.links, as: dialect)
    }

    /// `[{"name":…,<time>,"attributes":…},…]`: a span's events.
    mutating func spanEvents<Dialect: SpanJSONDialect>(_ events: [NoveumSpan.Event], as _: Dialect.Type) {
        jsonArray(events) { sink, event in
            sink.member("{\"name\":", .string(event.name))
            Dialect.eventTime(event.timeNanos, into: &sink)
            sink.raw(",\"attributes\":")
            Dialect.attributes(event.attributes, into: &sink)
            sink.raw(UInt8(ascii: "}"))
        }
    }

    /// `[{"trace_id":…,"span_id":…[,"trace_state":…],"attributes":…},…]`: a span's links.
    mutating func spanLinks<Dialect: SpanJSONDialect>(_ links: [NoveumSpan.Link], as _: Dialect.Type) {
        jsonArray(links) { sink, link in
            sink.member("{\"trace_id\":", .traceID(link.context.traceID))
            sink.member(",\"span_id\":", .spanID(link.context.spanID))
            if Dialect.linkHasTraceState {
                sink.member(",\"trace_state\":", .string(link.context.traceState))
            }
            sink.raw(",\"attributes\":")
            Dialect.attributes(link.attributes, into: &sink)
            sink.raw(UInt8(ascii: "}"))
        }
    }

    /// `{"type":…,"message":…,<stack>}`: an exception recorded on a span.
    mutating func spanException<Dialect: SpanJSONDialect>(_ exception: NoveumSpan.ExceptionInfo, as _: Dialect.Type) {
        member("{\"type\":", .string(exception.type))
        member(",\"message\":", .string(exception.message))
        Dialect.exceptionStack(exception.stackTrace, into: &self)
        raw(UInt8(ascii: "}"))
    }
}
