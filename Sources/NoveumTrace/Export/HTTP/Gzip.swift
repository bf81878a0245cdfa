internal import CNoveumZlib

/// gzip (RFC 1952) compression and decompression of request bodies.
///
/// Exporters compress with the package's own writer (``GzipWriter``); zlib decompresses, and compresses at a chosen
/// level for comparisons and tests. `package` so the OTLP module and the tests of this package can use it; it is
/// not part of the public API.
package enum Gzip {
    /// Compresses `bytes` into one gzip member, as exporters do: with ``GzipWriter``, which costs about a third of
    /// zlib's fastest level per byte of an export body (BENCHMARKS.md, "The gzip writer").
    ///
    /// - Returns: the gzip data, or nil only for input over 1 GiB; callers then send the body uncompressed.
    package static func compress(_ bytes: [UInt8]) -> [UInt8]? {
        GzipWriter.compress(bytes)
    }

    /// Compresses `bytes` into one gzip member with the system's zlib at `level` (1-9).
    ///
    /// - Returns: the gzip data, or nil only if zlib could not start (out of memory) or the input is larger than
    ///   zlib's 32-bit length field allows.
    package static func compress(_ bytes: [UInt8], level: Int32) -> [UInt8]? {
        guard UInt64(bytes.count) <= UInt64(UInt32.max) else { return nil }
        var stream = z_stream()
        guard cnoveum_deflate_init_gzip(&stream, level) == Z_OK else { return nil }
        defer { deflateEnd(&stream) }
        // deflateBound covers the gzip header and trailer, so one call normally finishes the stream.
        let capacity = Int(deflateBound(&stream, uLong(bytes.count)))
        return run(&stream, over: bytes, capacity: capacity, grownCapacity: { $0 * 2 }) { deflate(&$0, Z_FINISH) }
    }

    /// Decompresses gzip (or zlib) data.
    ///
    /// - Parameter limit: the largest output accepted; larger output returns nil.
    /// - Returns: the original bytes, or nil for data that is not valid, is truncated, or exceeds `limit`.
    package static func decompress(_ bytes: [UInt8], limit: Int = .max) -> [UInt8]? {
        if case .data(let output) = inflate(bytes, limit: limit) { return output }
        return nil
    }

    /// What ``inflate(_:limit:)`` made of its input.
    package enum Inflated: Sendable, Equatable {
        /// The original bytes.
        case data([UInt8])
        /// The output would exceed the limit (a gzip bomb, or just too much); nothing past the limit was produced.
        case tooLarge
        /// Not gzip or zlib data, or truncated.
        case invalid
    }

    /// Decompresses gzip (or zlib) data, telling output past `limit` apart from invalid data: how a receiver
    /// answers 413 to a small body that inflates past its limit and 400 to a damaged one.
    package static func inflate(_ bytes: [UInt8], limit: Int) -> Inflated {
        guard UInt64(bytes.count) <= UInt64(UInt32.max) else { return .tooLarge }
        var stream = z_stream()
        guard cnoveum_inflate_init_gzip(&stream) == Z_OK else { return .invalid }
        defer { inflateEnd(&stream) }
        var refused = false
        let output = run(
            &stream, over: bytes, capacity: min(max(bytes.count * 4, 1024), max(limit, 1)),
            grownCapacity: { count in
                guard count < limit else {
                    refused = true
                    return nil
                }
                return min(count * 2, limit)
            }
        ) { CNoveumZlib.inflate(&$0, Z_NO_FLUSH) }
        if let output { return .data(output) }
        return refused ? .tooLarge : .invalid
    }

    /// Runs `step` (one `deflate` or `inflate` call) over all of `bytes` until the stream ends, into an output of
    /// `capacity` bytes that grows to `grownCapacity(count)` each time it fills.
    ///
    /// - Returns: the output, or nil when the stream fails, the data is truncated (zlib answers `Z_BUF_ERROR` with
    ///   room left in the output), or `grownCapacity` refuses to grow.
    private static func run(
        _ stream: inout z_stream, over bytes: [UInt8], capacity: Int, grownCapacity: (Int) -> Int?,
        step: (inout z_stream) -> Int32
    ) -> [UInt8]? {
        // Never empty: deflateBound is at least the gzip header and trailer, and inflate starts at one byte or more.
        var output = [UInt8](repeating: 0, count: max(capacity, 1))
        var produced = 0
        let finished = bytes.withUnsafeBufferPointer { input -> Bool in
            stream.next_in = input.baseAddress.map { UnsafeMutablePointer(mutating: $0) }
            stream.avail_in = uInt(input.count)
            while true {
                let status = output.withUnsafeMutableBufferPointer { out -> Int32 in
                    guard let base = out.baseAddress else { return Z_STREAM_ERROR }
                    stream.next_out = base + produced
                    stream.avail_out = uInt(out.count - produced)
                    let status = step(&stream)
                    produced = out.count - Int(stream.avail_out)
                    return status
                }
                if status == Z_STREAM_END { return true }
                // Z_BUF_ERROR with input left means the output is full; without input, the data is truncated.
                guard status == Z_OK || status == Z_BUF_ERROR, produced == output.count,
                    let grown = grownCapacity(output.count)
                else { return false }
                output.append(contentsOf: repeatElement(0, count: grown - output.count))
            }
        }
        guard finished else { return nil }
        output.removeSubrange(produced...)
        return output
    }
}
