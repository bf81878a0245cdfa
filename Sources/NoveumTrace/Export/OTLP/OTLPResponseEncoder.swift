/// The bodies an OTLP/HTTP receiver answers with, in the request's encoding: an `ExportTraceServiceResponse`
/// (with `partial_success` when spans were rejected) and, for failures, a `google.rpc.Status`. Written with the
/// encoders' byte writer; the local receiver (`OTLPReceiver` in NoveumTraceStore) sends them.
package enum OTLPResponseEncoder {
    /// An `ExportTraceServiceResponse`: empty (`{}` in JSON) when nothing was rejected, else `partial_success` with
    /// `rejected_spans` and `error_message`.
    package static func exportResponse(rejectedSpans: Int, errorMessage: String, json: Bool) -> [UInt8] {
        var sink = ByteSink(capacity: 64 + errorMessage.utf8.count)
        if json {
            if rejectedSpans > 0 {
                // int64 is a decimal string in the protobuf JSON mapping.
                sink.append("{\"partialSuccess\":{\"rejectedSpans\":\"")
                sink.appendDecimal(Int64(rejectedSpans))
                sink.append("\",\"errorMessage\":")
                sink.string(errorMessage)
                sink.append("}}")
            } else {
                sink.append("{}")
            }
        } else if rejectedSpans > 0 {
            // partial_success = 1 { rejected_spans = 1, error_message = 2 }
            let length = errorMessage.utf8.count
            let inner = 1 + varintSize(rejectedSpans) + 1 + varintSize(length) + length
            sink.append(0x0A)
            sink.appendVarint(UInt64(inner))
            sink.append(0x08)
            sink.appendVarint(UInt64(rejectedSpans))
            sink.string(0x12, errorMessage)
        }
        return sink.bytes()
    }

    /// A `google.rpc.Status` (`code` = 1, `message` = 2; `{"code":...,"message":...}` in JSON).
    package static func status(code: Int, message: String, json: Bool) -> [UInt8] {
        var sink = ByteSink(capacity: 64 + message.utf8.count)
        if json {
            sink.append("{\"code\":")
            sink.appendDecimal(Int64(code))
            sink.append(",\"message\":")
            sink.string(message)
            sink.append("}")
        } else {
            sink.append(0x08)
            sink.appendVarint(UInt64(code))
            sink.string(0x12, message)
        }
        return sink.bytes()
    }
}
