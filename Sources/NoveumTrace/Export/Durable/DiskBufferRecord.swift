internal import CNoveumZlib

/// One batch as the disk buffer stores it: the request body exactly as it is sent (already encoded and compressed
/// by the exporter), with what is needed to send it again. No header that carries a secret (`Authorization`,
/// `x-api-key`) is stored: the exporter adds its current ones when the batch is sent.
///
/// The file format, version 1:
///
/// | bytes | field |
/// |---|---|
/// | 4 | the magic `NTDB` |
/// | 1 | the format version, 1 |
/// | 1 | flags: bit 0 set while a request carrying the batch may have reached the backend |
/// | 4 | the length of the header that follows (little-endian) |
/// | header | protobuf fields: 1 `created` (varint, ns since the epoch), 2 `spans` (varint), 3 `content_type` (string), 4 `content_encoding` (string), 5 `body_crc32` (fixed32), 6 `body_length` (varint), 7 `signal` (string, absent for spans) |
/// | body | the request body |
///
/// The flag byte sits at a fixed offset so that it can be set and cleared in place. The body's CRC-32 detects a
/// file that was written only in part or damaged since.
struct DiskBufferRecord: Sendable, Equatable {
    static let magic: [UInt8] = Array("NTDB".utf8)
    static let version: UInt8 = 1
    /// The offset of the flags byte.
    static let flagsOffset = 5
    /// The bytes before the header.
    static let prefixLength = 10
    /// The longest header read when scanning a directory; real headers are well under it.
    static let maxHeaderLength = 4096

    /// When the batch was first written, in nanoseconds since the Unix epoch.
    var created: UInt64
    /// Spans in the batch.
    var spans: Int
    var contentType: String
    /// `gzip`, or empty for an uncompressed body.
    var contentEncoding: String
    var body: [UInt8]
    /// A request carrying it may have reached the backend.
    var attempted: Bool = false
    /// Which of the exporter's endpoints it goes to: empty for spans, `logs` for OTLP log records.
    var signal: String = ""

    /// The file's bytes.
    func encoded() -> [UInt8] {
        var header = ByteSink(capacity: 64 + contentType.utf8.count + contentEncoding.utf8.count)
        header.reserve(64)
        header.putVarint(1 << 3)
        header.putVarint(created)
        header.putVarint(2 << 3)
        header.putVarint(UInt64(max(0, spans)))
        Self.putString(3, contentType, into: &header)
        Self.putString(4, contentEncoding, into: &header)
        header.reserve(32)
        header.putVarint(5 << 3 | 5)
        header.putFixed32(Self.crc32(body))
        header.putVarint(6 << 3)
        header.putVarint(UInt64(body.count))
        if !signal.isEmpty { Self.putString(7, signal, into: &header) }
        var file = ByteSink(capacity: Self.prefixLength + header.count + body.count)
        file.appendBytes(Self.magic)
        file.append(Self.version, attempted ? 1 : 0)
        file.reserve(4)
        file.putFixed32(UInt32(truncatingIfNeeded: header.count))
        file.appendBytes(header.bytes())
        file.appendBytes(body)
        return file.bytes()
    }

    private static func putString(_ field: UInt64, _ text: String, into sink: inout ByteSink) {
        let length = text.utf8.count
        sink.reserve(20)
        sink.putVarint(field << 3 | 2)
        sink.putVarint(UInt64(length))
        sink.reserve(length)
        sink.putUTF8(text, count: length)
    }

    /// What the first bytes of a file say: enough to index it without reading its body.
    struct Header: Sendable, Equatable {
        var created: UInt64
        var spans: Int
        var contentType: String
        var contentEncoding: String
        var bodyCRC: UInt32
        var bodyLength: Int
        var attempted: Bool
        var signal: String
        /// Where the body starts.
        var bodyOffset: Int
    }

    /// Reads the header at the start of `bytes`; nil when it is not a version 1 record or is cut short.
    static func header(_ bytes: ArraySlice<UInt8>) -> Header? {
        guard bytes.count >= prefixLength, bytes.prefix(4).elementsEqual(magic) else { return nil }
        let start = bytes.startIndex
        guard bytes[start + 4] == version else { return nil }
        let attempted = bytes[start + flagsOffset] & 1 == 1
        var length = 0
        for index in 0..<4 { length |= Int(bytes[start + 6 + index]) << (8 * index) }
        guard length <= maxHeaderLength, bytes.count >= prefixLength + length else { return nil }
        var reader = ProtobufReader(bytes[(start + prefixLength)..<(start + prefixLength + length)])
        var created: UInt64?
        var spans: UInt64?
        var contentType = ""
        var contentEncoding = ""
        var crc: UInt32?
        var bodyLength: UInt64?
        var signal = ""
        while !reader.isAtEnd {
            guard let tag = reader.readTag() else { return nil }
            switch (tag.field, tag.wireType) {
            case (1, 0): created = reader.readVarint()
            case (2, 0): spans = reader.readVarint()
            case (3, 2): contentType = reader.readLengthDelimited().map { String(decoding: $0, as: UTF8.self) } ?? ""
            case (4, 2): contentEncoding = reader.readLengthDelimited().map { String(decoding: $0, as: UTF8.self) } ?? ""
            case (5, 5): crc = reader.readFixed32()
            case (6, 0): bodyLength = reader.readVarint()
            case (7, 2): signal = reader.readLengthDelimited().map { String(decoding: $0, as: UTF8.self) } ?? ""
            default: guard reader.skip(wireType: tag.wireType) else { return nil }
            }
        }
        guard let created, let spans, spans <= UInt64(Int32.max), let crc, let bodyLength,
            bodyLength <= UInt64(Int32.max)
        else { return nil }
        return Header(
            created: created, spans: Int(spans), contentType: contentType, contentEncoding: contentEncoding,
            bodyCRC: crc, bodyLength: Int(bodyLength), attempted: attempted, signal: signal,
            bodyOffset: prefixLength + length)
    }

    /// Reads a whole file; nil when its header is not valid, its length is not what the header says, or its body
    /// does not match the checksum.
    static func decode(_ bytes: [UInt8]) -> DiskBufferRecord? {
        guard let header = header(bytes[...]), bytes.count == header.bodyOffset + header.bodyLength else { return nil }
        let body = Array(bytes[header.bodyOffset...])
        guard crc32(body) == header.bodyCRC else { return nil }
        return DiskBufferRecord(
            created: header.created, spans: header.spans, contentType: header.contentType,
            contentEncoding: header.contentEncoding, body: body, attempted: header.attempted, signal: header.signal)
    }

    /// The CRC-32 of `bytes` (gzip's, computed as the gzip writer computes it; 0 for no bytes).
    static func crc32(_ bytes: [UInt8]) -> UInt32 {
        bytes.withUnsafeBufferPointer { buffer in buffer.baseAddress.map { cnoveum_crc32($0, buffer.count) } ?? 0 }
    }
}

extension ByteSink {
    /// Appends `bytes`, growing as needed.
    mutating func appendBytes(_ bytes: [UInt8]) {
        guard !bytes.isEmpty else { return }
        reserve(bytes.count)
        bytes.withUnsafeBufferPointer { buffer in
            if let source = buffer.baseAddress { (base + count).update(from: source, count: buffer.count) }
        }
        count += bytes.count
    }
}
