import CBenchZlib

/// Counts the spans in an export request body, so a receiver can check what an exporter really delivered: OTLP
/// protobuf (`ExportTraceServiceRequest`) and the Noveum trace JSON, each plain or gzip.
///
/// It reads structure only (the protobuf's field tags and lengths, the JSON's brackets and keys), no values, so it
/// is cheap enough to run on every request of a throughput benchmark.
public enum DeliveredSpans {
    /// Why a body could not be counted.
    public struct Malformed: Error, CustomStringConvertible {
        public let description: String
        init(_ description: String) { self.description = description }
    }

    /// The spans in `body`, sent with these `Content-Type` and `Content-Encoding` header values.
    public static func count(body: [UInt8], contentType: String, contentEncoding: String) throws(Malformed) -> Int {
        let plain = contentEncoding.lowercased().contains("gzip") ? try gunzip(body) : body
        let type = contentType.lowercased()
        if type.contains("protobuf") { return try otlpProtobufSpans(plain) }
        if type.contains("json") { return try noveumJSONSpans(plain) }
        throw Malformed("unknown content type \(contentType.isEmpty ? "(none)" : contentType)")
    }

    /// Decompresses a gzip body.
    public static func gunzip(_ body: [UInt8]) throws(Malformed) -> [UInt8] {
        var capacity = max(body.count * 8, 4_096)
        while capacity <= 1 << 31 {
            var written = 0
            var output = [UInt8](repeating: 0, count: capacity)
            let status = body.withUnsafeBufferPointer { input in
                output.withUnsafeMutableBufferPointer { out in
                    noveum_bench_gunzip(input.baseAddress, input.count, out.baseAddress, out.count, &written)
                }
            }
            switch status {
            case 0:
                output.removeSubrange(written...)
                return output
            case 1:
                capacity *= 4
            default:
                throw Malformed("the body is not valid gzip (\(body.count) bytes)")
            }
        }
        throw Malformed("the body inflates to more than 2 GiB")
    }

    /// Spans in an OTLP `ExportTraceServiceRequest`: `resource_spans` (1) → `scope_spans` (2) → `spans` (2).
    public static func otlpProtobufSpans(_ body: [UInt8]) throws(Malformed) -> Int {
        var count = 0
        try fields(body, 0..<body.count) { (field, resourceSpans) throws(Malformed) in
            guard field == 1 else { return }
            try fields(body, resourceSpans) { (field, scopeSpans) throws(Malformed) in
                guard field == 2 else { return }
                try fields(body, scopeSpans) { (field, _) throws(Malformed) in
                    if field == 2 { count += 1 }
                }
            }
        }
        return count
    }

    /// Calls `body(field, range)` for each length-delimited field of the message at `range`; skips the others.
    private static func fields(
        _ bytes: [UInt8], _ range: Range<Int>, _ body: (UInt64, Range<Int>) throws(Malformed) -> Void
    ) throws(Malformed) {
        var index = range.lowerBound
        let end = range.upperBound
        func varint() throws(Malformed) -> UInt64 {
            var value: UInt64 = 0
            var shift: UInt64 = 0
            while index < end, shift < 64 {
                let byte = bytes[index]
                index += 1
                value |= UInt64(byte & 0x7f) << shift
                if byte & 0x80 == 0 { return value }
                shift += 7
            }
            throw Malformed("truncated varint in protobuf")
        }
        while index < end {
            let tag = try varint()
            let field = tag >> 3
            switch tag & 7 {
            case 0: _ = try varint()
            case 1: index += 8
            case 5: index += 4
            case 2:
                let length = try varint()
                guard length <= UInt64(end - index) else { throw Malformed("field \(field) overruns its message") }
                let start = index
                index += Int(length)
                try body(field, start..<index)
            default:
                throw Malformed("unsupported wire type \(tag & 7) in protobuf")
            }
            guard index <= end else { throw Malformed("field \(field) overruns its message") }
        }
    }

    /// Spans in a Noveum trace JSON body `{"traces":[{…,"spans":[{…},…],…},…],…}`: the objects directly
    /// inside each trace's `spans` array. Strings are skipped with their escapes, so values cannot fake structure.
    public static func noveumJSONSpans(_ body: [UInt8]) throws(Malformed) -> Int {
        let quote = UInt8(ascii: "\""), backslash = UInt8(ascii: "\\"), colon = UInt8(ascii: ":")
        let spansKey = Array("spans".utf8)
        var depth = 0
        // The depth of the `spans` array being counted, -1 outside one.
        var spansDepth = -1
        var keyIsSpans = false
        var count = 0
        var index = 0
        while index < body.count {
            let byte = body[index]
            switch byte {
            case quote:
                let start = index + 1
                index = start
                while index < body.count, body[index] != quote {
                    index += body[index] == backslash ? 2 : 1
                }
                guard index < body.count else { throw Malformed("unterminated string in JSON") }
                let string = body[start..<index]
                index += 1
                var next = index
                while next < body.count, body[next] == 0x20 || body[next] == 0x0a || body[next] == 0x0d
                    || body[next] == 0x09
                {
                    next += 1
                }
                // A trace object sits at depth 3: the root object, the traces array, the trace.
                keyIsSpans = next < body.count && body[next] == colon && depth == 3 && string.elementsEqual(spansKey)
                continue
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                depth += 1
                if byte == UInt8(ascii: "[") && keyIsSpans { spansDepth = depth }
                if byte == UInt8(ascii: "{") && depth == spansDepth + 1 { count += 1 }
                keyIsSpans = false
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                if depth == spansDepth { spansDepth = -1 }
                depth -= 1
                guard depth >= 0 else { throw Malformed("unbalanced brackets in JSON") }
            case UInt8(ascii: ","):
                keyIsSpans = false
            default:
                break
            }
            index += 1
        }
        guard depth == 0 else { throw Malformed("unbalanced brackets in JSON") }
        return count
    }
}
