import Foundation

/// The `partial_success` field of an OTLP `ExportTraceServiceResponse`: how many spans the backend rejected, and
/// why.
///
/// Read by hand from protobuf or OTLP/JSON, so the exporter needs no protobuf runtime. Both readers return nil for
/// a body that has no `partial_success` or cannot be read; neither traps on any input.
struct OTLPPartialSuccess: Sendable, Hashable {
    /// `rejected_spans`: spans the backend did not accept.
    var rejectedSpans: Int64 = 0
    /// `error_message`: the backend's explanation, possibly empty.
    var errorMessage: String = ""

    /// Reads a protobuf `ExportTraceServiceResponse` (field 1, `partial_success`, a message with field 1
    /// `rejected_spans` as a varint and field 2 `error_message` as a string). The last occurrence of a field wins,
    /// as protobuf merges repeated non-repeated fields; unknown fields are skipped.
    static func decodeProtobuf(_ body: [UInt8]) -> OTLPPartialSuccess? {
        var reader = ProtobufReader(body[...])
        var found: OTLPPartialSuccess?
        while !reader.isAtEnd {
            guard let (field, wireType) = reader.readTag() else { return nil }
            if field == 1, wireType == 2 {
                guard let message = reader.readLengthDelimited() else { return nil }
                guard let partial = decodePartialSuccessMessage(message, into: found ?? OTLPPartialSuccess()) else {
                    return nil
                }
                found = partial
            } else if !reader.skip(wireType: wireType) {
                return nil
            }
        }
        return found
    }

    private static func decodePartialSuccessMessage(
        _ bytes: ArraySlice<UInt8>, into start: OTLPPartialSuccess
    ) -> OTLPPartialSuccess? {
        var result = start
        var reader = ProtobufReader(bytes)
        while !reader.isAtEnd {
            guard let (field, wireType) = reader.readTag() else { return nil }
            switch (field, wireType) {
            case (1, 0):
                guard let value = reader.readVarint() else { return nil }
                result.rejectedSpans = Int64(bitPattern: value)
            case (2, 2):
                guard let text = reader.readLengthDelimited() else { return nil }
                result.errorMessage = String(decoding: text, as: UTF8.self)
            default:
                guard reader.skip(wireType: wireType) else { return nil }
            }
        }
        return result
    }

    /// Reads an OTLP/JSON `ExportTraceServiceResponse`: `partialSuccess` (or the proto name `partial_success`) with
    /// `rejectedSpans` as a string or a number (int64 is a string in the protobuf JSON mapping) and `errorMessage`.
    /// Unknown fields are ignored.
    static func decodeJSON(_ body: [UInt8]) -> OTLPPartialSuccess? {
        guard let response = try? JSONDecoder().decode(JSONResponse.self, from: Data(body)),
            let partial = response.partialSuccess
        else { return nil }
        return OTLPPartialSuccess(rejectedSpans: partial.rejectedSpans ?? 0, errorMessage: partial.errorMessage ?? "")
    }

    private struct JSONResponse: Decodable {
        var partialSuccess: JSONPartialSuccess?

        enum CodingKeys: String, CodingKey {
            case partialSuccess, partial_success
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            partialSuccess =
                try container.decodeIfPresent(JSONPartialSuccess.self, forKey: .partialSuccess)
                ?? container.decodeIfPresent(JSONPartialSuccess.self, forKey: .partial_success)
        }
    }

    private struct JSONPartialSuccess: Decodable {
        var rejectedSpans: Int64?
        var errorMessage: String?

        enum CodingKeys: String, CodingKey {
            case rejectedSpans, rejected_spans, errorMessage, error_message
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            let key: CodingKeys = container.contains(.rejectedSpans) ? .rejectedSpans : .rejected_spans
            if let number = try? container.decodeIfPresent(Int64.self, forKey: key) {
                rejectedSpans = number
            } else if let text = try container.decodeIfPresent(String.self, forKey: key) {
                guard let number = Int64(text) else {
                    throw DecodingError.dataCorruptedError(
                        forKey: key, in: container, debugDescription: "rejectedSpans is not an integer")
                }
                rejectedSpans = number
            }
            errorMessage =
                try container.decodeIfPresent(String.self, forKey: .errorMessage)
                ?? container.decodeIfPresent(String.self, forKey: .error_message)
        }
    }
}
