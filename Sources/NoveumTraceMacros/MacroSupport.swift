@_spi(Macros) import NoveumTrace

/// What the tracing macros' expansions call besides the inline closures. Not meant to be called directly: its
/// shape follows the expansions and may change with them.
public enum MacroSupport {
    /// Where captured arguments and results are written.
    public enum CaptureStyle: Sendable {
        /// `function.args.<name>` for each argument, `function.result` for the result.
        case attributes
        /// `input.value` (a JSON object, with `input.mime_type`) and `output.value`: content attributes.
        case llm
        /// `gen_ai.tool.call.arguments` (a JSON object) and `gen_ai.tool.call.result`: content attributes.
        case tool
    }

    /// Records the arguments of a traced call on `span`; evaluates nothing when the span is not recording.
    public static func recordArguments(
        _ arguments: @autoclosure () -> KeyValuePairs<String, Any>, style: CaptureStyle, on span: NoveumSpan
    ) {
        guard span.isRecording else { return }
        let arguments = arguments()
        switch style {
        case .attributes:
            var list = AttributeList()
            for (name, value) in arguments {
                if let attribute = CapturedValue.attribute(value) { list["function.args.\(name)"] = attribute }
            }
            span.setAttributes(list)
        case .llm:
            span.setAttributes([
                "input.value": CapturedValue.jsonObject(arguments), "input.mime_type": "application/json",
            ])
        case .tool:
            span.setAttribute("gen_ai.tool.call.arguments", CapturedValue.jsonObject(arguments))
        }
    }

    /// Records the result of a traced call on `span` and returns it unchanged.
    @inlinable
    public static func recordResult<T>(_ result: T, style: CaptureStyle, on span: NoveumSpan) -> T {
        if span.isRecording { record(result, style: style, on: span) }
        return result
    }

    @usableFromInline
    static func record(_ result: Any, style: CaptureStyle, on span: NoveumSpan) {
        switch style {
        case .attributes:
            if let attribute = CapturedValue.attribute(result) { span.setAttribute("function.result", attribute) }
        case .llm:
            span.setAttribute("output.value", CapturedValue.text(result))
        case .tool:
            span.setAttribute("gen_ai.tool.call.result", CapturedValue.text(result))
        }
    }

    /// Starts the span of a traced initializer: same client and parent as an inline closure, not made active.
    public static func startInitializerSpan(
        _ name: String, attributes: [String: any AttributeValueConvertible]
    ) -> NoveumSpan {
        NoveumTrace.startDetachedSpan(name, attributes: attributes)
    }

    /// Records an error thrown by a traced initializer, as the inline closures record one.
    public static func recordFailure(_ error: any Error, on span: NoveumSpan) {
        span.recordThrownError(error)
    }

    /// Ends the span of a traced initializer: status `ok` unless a failure or the body set another.
    public static func endInitializerSpan(_ span: NoveumSpan) {
        span.endSucceeded()
    }
}
