internal import CNoveumZlib

/// A gzip (RFC 1952) writer made for export request bodies: one pass of single-probe LZ77 matching, then a Huffman
/// code built for each block from what the block holds (RFC 1951).
///
/// An export body repeats itself: every span carries the same keys, the same envelope and the ids of its trace. zlib
/// searches chains of earlier positions for the longest match at every step; on a Noveum JSON body at its fastest
/// level that costs about 28 instructions per input byte, most of the exporter's CPU per span. This writer looks at
/// one earlier position per step (the last one whose next four bytes hashed alike), takes the match if there is
/// one, and extends it eight bytes at a time. Long repeats, the common case in these bodies, are found as fast as
/// they can be read, and an export body comes out about the size zlib's level 1 makes it, at about a third of the
/// instructions (BENCHMARKS.md, "The gzip writer").
///
/// Each block is written in whichever of the three deflate forms is smallest for it: a Huffman code built for the
/// block, the fixed code, or stored, so the output is never more than a few bytes per 16 KiB larger than the input.
/// The output is standard gzip: any inflater reads it (the tests read it with zlib and with Python).
package enum GzipWriter {
    /// Compresses `input` into one gzip member.
    ///
    /// - Returns: the gzip data, or nil only for input over 1 GiB (callers then send the body as it is; exporters
    ///   split bodies far smaller). The limit keeps every position within the hash table's 32 bits and the output
    ///   size within `Int` where it has 32 bits.
    package static func compress(_ input: [UInt8]) -> [UInt8]? {
        guard input.count <= 1 << 30 else { return nil }
        let count = input.count
        // Every block costs at most its stored form: its bytes plus 5 per 65,535 and a partial byte; a block that is
        // not the last covers at least `tokenCapacity` bytes.
        let capacity = count + 6 * (count / 16_384 + 2) + 64
        return input.withUnsafeBufferPointer { source -> [UInt8] in
            [UInt8](unsafeUninitializedCapacity: capacity) { output, written in
                guard let out = output.baseAddress else { return }
                written = write(source, to: out)
            }
        }
    }

    // MARK: The gzip member

    private static func write(_ source: UnsafeBufferPointer<UInt8>, to out: UnsafeMutablePointer<UInt8>) -> Int {
        // ID1 ID2, CM 8 (deflate), no flags, no modification time, XFL 4 (fastest), OS 255 (unknown).
        let header: [UInt8] = [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 4, 255]
        for (index, byte) in header.enumerated() { out[index] = byte }
        var bits = BitWriter(out: out, offset: header.count)
        var matcher = Matcher(source)
        var blocks = BlockEncoder()
        repeat {
            let block = matcher.nextBlock()
            matcher.tokens.withUnsafeBufferPointer { tokens in
                blocks.encode(block, tokens: tokens, source: source, last: matcher.finished, into: &bits)
            }
        } while !matcher.finished
        bits.flushToByte()
        var offset = bits.offset
        let crc = source.baseAddress.map { cnoveum_crc32($0, source.count) } ?? 0
        for value in [crc, UInt32(truncatingIfNeeded: source.count)] {
            for shift in stride(from: 0, to: 32, by: 8) {
                out[offset] = UInt8(truncatingIfNeeded: value >> UInt32(shift))
                offset += 1
            }
        }
        return offset
    }

    // MARK: Matching

    /// One block's worth of matched input: the tokens and how often each symbol occurs in them.
    struct Block {
        /// The input the block covers.
        var start = 0
        var end = 0
        /// Literal and match tokens, `tokenCount` of them.
        var tokenCount = 0
        /// Occurrences of each literal/length symbol (0...285) and of each distance code (0...29).
        var literalCounts = [UInt32](repeating: 0, count: 286)
        var distanceCounts = [UInt32](repeating: 0, count: 30)
        /// Extra bits the block's lengths and distances carry.
        var extraBits = 0
    }

    /// The shortest match the writer takes (deflate allows 3): the four bytes it hashes to find one.
    static let minimumMatch = 4
    static let maximumMatch = 258
    static let window = 32_768
    /// Tokens per block: a block's Huffman code fits what this many tokens hold.
    static let tokenCapacity = 32_768

    /// Greedy single-probe LZ77 over the whole input, a block of tokens at a time. A match token is
    /// `1 << 31 | (length - 3) << 16 | (distance - 1)`; a literal token is the byte.
    struct Matcher {
        let source: UnsafeBufferPointer<UInt8>
        private(set) var position = 0
        private(set) var finished = false
        private var table: [UInt32]
        private let hashShift: UInt32
        private(set) var tokens: [UInt32]
        private var block = Block()

        init(_ source: UnsafeBufferPointer<UInt8>) {
            self.source = source
            // A table about the size of the input, between 1 Ki and 32 Ki entries: a small body does not pay for
            // zeroing a large one.
            var hashBits = 10
            while hashBits < 15 && (1 << hashBits) < source.count { hashBits += 1 }
            table = [UInt32](repeating: 0, count: 1 << hashBits)
            hashShift = UInt32(32 - hashBits)
            tokens = [UInt32](repeating: 0, count: min(source.count, GzipWriter.tokenCapacity) + 1)
        }

        /// Matches the next block of input and returns its tokens' counts; `tokens` holds the tokens.
        mutating func nextBlock() -> Block {
            for index in block.literalCounts.indices { block.literalCounts[index] = 0 }
            for index in block.distanceCounts.indices { block.distanceCounts[index] = 0 }
            block.start = position
            block.extraBits = 0
            let count = source.count
            var position = self.position
            var tokenCount = 0
            var extraBits = 0
            let capacity = tokens.count - 1
            let shift = hashShift
            guard let base = source.baseAddress else {
                finished = true
                block.end = 0
                block.tokenCount = 0
                return block
            }
            let raw = UnsafeRawPointer(base)
            table.withUnsafeMutableBufferPointer { table in
                tokens.withUnsafeMutableBufferPointer { tokens in
                    block.literalCounts.withUnsafeMutableBufferPointer { literals in
                        block.distanceCounts.withUnsafeMutableBufferPointer { distances in
                            while position + GzipWriter.minimumMatch <= count && tokenCount < capacity {
                                let word = raw.loadUnaligned(fromByteOffset: position, as: UInt32.self)
                                let slot = Int((word &* 0x9E37_79B1) >> shift)
                                let candidate = Int(table[slot])
                                table[slot] = UInt32(truncatingIfNeeded: position)
                                let distance = position &- candidate
                                if distance > 0, distance <= GzipWriter.window,
                                    raw.loadUnaligned(fromByteOffset: candidate, as: UInt32.self) == word
                                {
                                    let length = GzipWriter.matchLength(
                                        raw, at: position, earlier: candidate,
                                        limit: min(GzipWriter.maximumMatch, count &- position))
                                    tokens[tokenCount] =
                                        1 << 31 | UInt32(truncatingIfNeeded: length &- 3) << 16
                                        | UInt32(truncatingIfNeeded: distance &- 1)
                                    tokenCount &+= 1
                                    let lengthCode = Int(GzipWriter.lengthCodes[length &- 3])
                                    literals[257 &+ lengthCode] &+= 1
                                    let distanceCode = GzipWriter.distanceCode(distance &- 1)
                                    distances[distanceCode.code] &+= 1
                                    extraBits &+= Int(GzipWriter.lengthExtraBits[lengthCode]) &+ distanceCode.extraBits
                                    // The match's last position, so that the repeat after it can be found from it.
                                    let last = position &+ length &- 1
                                    if last + GzipWriter.minimumMatch <= count {
                                        let next = raw.loadUnaligned(fromByteOffset: last, as: UInt32.self)
                                        table[Int((next &* 0x9E37_79B1) >> shift)] = UInt32(truncatingIfNeeded: last)
                                    }
                                    position &+= length
                                } else {
                                    let byte = base[position]
                                    tokens[tokenCount] = UInt32(byte)
                                    tokenCount &+= 1
                                    literals[Int(byte)] &+= 1
                                    position &+= 1
                                }
                            }
                            // The last bytes, too few to hash, as literals.
                            if position + GzipWriter.minimumMatch > count {
                                while position < count && tokenCount < capacity {
                                    let byte = base[position]
                                    tokens[tokenCount] = UInt32(byte)
                                    tokenCount &+= 1
                                    literals[Int(byte)] &+= 1
                                    position &+= 1
                                }
                            }
                        }
                    }
                }
            }
            self.position = position
            finished = position == count
            block.end = position
            block.tokenCount = tokenCount
            block.extraBits = extraBits
            return block
        }
    }

    /// How many bytes at `position` repeat those at `earlier`, at least 4 (the caller compared them), at most
    /// `limit`.
    @inline(__always)
    static func matchLength(_ raw: UnsafeRawPointer, at position: Int, earlier: Int, limit: Int) -> Int {
        var length = minimumMatch
        while length &+ 8 <= limit {
            let a = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: earlier &+ length, as: UInt64.self))
            let b = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: position &+ length, as: UInt64.self))
            let difference = a ^ b
            if difference != 0 { return length &+ difference.trailingZeroBitCount &>> 3 }
            length &+= 8
        }
        while length < limit
            && raw.load(fromByteOffset: earlier &+ length, as: UInt8.self)
                == raw.load(fromByteOffset: position &+ length, as: UInt8.self)
        {
            length &+= 1
        }
        return length
    }

    // MARK: Deflate's alphabets (RFC 1951, 3.2.5)

    /// For each match length less 3, the index of its length symbol less 257.
    static let lengthCodes: [UInt8] = {
        var codes = [UInt8](repeating: 0, count: 256)
        for code in 0..<29 {
            let first = Int(lengthBases[code]) - 3
            let last = code == 28 ? 255 : Int(lengthBases[code + 1]) - 4
            for length in first...last { codes[length] = UInt8(code) }
        }
        return codes
    }()
    static let lengthBases: [UInt16] = [
        3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258,
    ]
    static let lengthExtraBits: [UInt8] = [
        0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0,
    ]

    /// The distance code of `offset` (distance - 1, 0...32,767), its extra bits and their value: codes 0-3 are the
    /// offsets themselves; above, each pair of codes covers one power of two, the extra bits its low bits.
    @inline(__always)
    static func distanceCode(_ offset: Int) -> (code: Int, extraBits: Int, extra: Int) {
        if offset < 4 { return (offset, 0, 0) }
        let highBit = (Int.bitWidth &- 1) &- offset.leadingZeroBitCount
        let extraBits = highBit &- 1
        return (2 &* highBit &+ (offset &>> extraBits) & 1, extraBits, offset & ((1 &<< extraBits) &- 1))
    }

    /// The order in which a dynamic block lists the code lengths of its code-length alphabet.
    static let codeLengthOrder: [Int] = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15]

    /// The fixed code's lengths: literal/length symbols (0-143: 8 bits, 144-255: 9, 256-279: 7, 280-287: 8), then
    /// distance codes (5 bits each).
    static let fixedLiteralCode: [UInt32] = {
        var lengths = [UInt8](repeating: 8, count: 288)
        for symbol in 144..<256 { lengths[symbol] = 9 }
        for symbol in 256..<280 { lengths[symbol] = 7 }
        return canonicalCode(lengths)
    }()
    static let fixedDistanceCode: [UInt32] = canonicalCode([UInt8](repeating: 5, count: 30))

    // MARK: Huffman codes

    /// Code lengths for `counts` of at most `limit` bits: a Huffman tree's depths. Every symbol that occurs gets a
    /// code; if fewer than two occur, the first unused symbols get one too, so the code is always complete (inflaters
    /// refuse most incomplete codes). When the tree is deeper than `limit`, the counts are halved (and kept above
    /// zero) until it fits: all counts equal give a balanced tree of depth log2 of the symbols, within every limit
    /// deflate has.
    static func codeLengths(_ counts: [UInt32], limit: Int) -> [UInt8] {
        var weights = counts
        var used = weights.reduce(0) { $0 + ($1 > 0 ? 1 : 0) }
        var index = 0
        while used < 2 && index < weights.count {
            if weights[index] == 0 {
                weights[index] = 1
                used += 1
            }
            index += 1
        }
        while true {
            let lengths = treeDepths(weights)
            if let deepest = lengths.max(), Int(deepest) <= limit { return lengths }
            for symbol in weights.indices where weights[symbol] > 0 { weights[symbol] = weights[symbol] >> 1 | 1 }
        }
    }

    /// The depth of each symbol with a nonzero weight in a Huffman tree of the weights (0 for the others).
    private static func treeDepths(_ weights: [UInt32]) -> [UInt8] {
        var nodeWeights: [UInt64] = []
        var symbols: [Int] = []
        for (symbol, weight) in weights.enumerated() where weight > 0 {
            nodeWeights.append(UInt64(weight))
            symbols.append(symbol)
        }
        let leaves = symbols.count
        var lengths = [UInt8](repeating: 0, count: weights.count)
        guard leaves >= 2 else {
            for symbol in symbols { lengths[symbol] = 1 }
            return lengths
        }
        var parents = [Int](repeating: 0, count: 2 * leaves - 1)
        // A binary min-heap of node indices by weight.
        var heap = Array(0..<leaves)
        func less(_ a: Int, _ b: Int) -> Bool { nodeWeights[heap[a]] < nodeWeights[heap[b]] }
        func siftDown(_ start: Int) {
            var parent = start
            while true {
                let left = 2 * parent + 1
                guard left < heap.count else { return }
                var smallest = left
                if left + 1 < heap.count && less(left + 1, left) { smallest = left + 1 }
                guard less(smallest, parent) else { return }
                heap.swapAt(smallest, parent)
                parent = smallest
            }
        }
        func pop() -> Int {
            let top = heap[0]
            heap[0] = heap[heap.count - 1]
            heap.removeLast()
            if !heap.isEmpty { siftDown(0) }
            return top
        }
        func push(_ node: Int) {
            heap.append(node)
            var child = heap.count - 1
            while child > 0 {
                let parent = (child - 1) / 2
                guard less(child, parent) else { return }
                heap.swapAt(child, parent)
                child = parent
            }
        }
        for start in stride(from: leaves / 2 - 1, through: 0, by: -1) { siftDown(start) }
        while heap.count > 1 {
            let first = pop()
            let second = pop()
            let node = nodeWeights.count
            nodeWeights.append(nodeWeights[first] + nodeWeights[second])
            parents[first] = node
            parents[second] = node
            push(node)
        }
        // Internal nodes come after their children; the root is the last node, at depth 0.
        let root = nodeWeights.count - 1
        var depths = [UInt8](repeating: 0, count: nodeWeights.count)
        for node in stride(from: root - 1, through: 0, by: -1) {
            depths[node] = depths[parents[node]] &+ 1
        }
        for leaf in 0..<leaves { lengths[symbols[leaf]] = depths[leaf] }
        return lengths
    }

    /// The canonical code for `lengths` (RFC 1951, 3.2.2), each entry `length << 16 | code`, the code's bits
    /// reversed as deflate writes them, lowest bit first.
    static func canonicalCode(_ lengths: [UInt8]) -> [UInt32] {
        var lengthCounts = [UInt32](repeating: 0, count: 16)
        for length in lengths where length > 0 { lengthCounts[Int(length)] += 1 }
        var next = [UInt32](repeating: 0, count: 16)
        var code: UInt32 = 0
        for bits in 1..<16 {
            code = (code + lengthCounts[bits - 1]) << 1
            next[bits] = code
        }
        var codes = [UInt32](repeating: 0, count: lengths.count)
        for (symbol, length) in lengths.enumerated() where length > 0 {
            let value = next[Int(length)]
            next[Int(length)] += 1
            var reversed: UInt32 = 0
            for bit in 0..<Int(length) where value & (1 << bit) != 0 { reversed |= 1 << (Int(length) - 1 - bit) }
            codes[symbol] = UInt32(length) << 16 | reversed
        }
        return codes
    }

    // MARK: Writing blocks

    /// Writes each block in the smallest of its three forms.
    struct BlockEncoder {
        /// Per block: the literal/length codes, and for each match length less 3 its symbol's code followed by its
        /// extra bits, as `bit count << 24 | bits`.
        private var lengthEntries = [UInt32](repeating: 0, count: 256)

        mutating func encode(
            _ block: Block, tokens: UnsafeBufferPointer<UInt32>, source: UnsafeBufferPointer<UInt8>, last: Bool,
            into bits: inout BitWriter
        ) {
            var literalCounts = block.literalCounts
            literalCounts[256] = 1
            let literalLengths = GzipWriter.codeLengths(literalCounts, limit: 15)
            let distanceLengths = GzipWriter.codeLengths(block.distanceCounts, limit: 15)
            let header = DynamicHeader(literalLengths: literalLengths, distanceLengths: distanceLengths)

            let dynamicBits = 3 + header.bitCount + block.extraBits
                + GzipWriter.cost(literalCounts, literalLengths.map(UInt32.init))
                + GzipWriter.cost(block.distanceCounts, distanceLengths.map(UInt32.init))
            let fixedBits = 3 + block.extraBits
                + GzipWriter.cost(literalCounts, GzipWriter.fixedLiteralCode.map { $0 >> 16 })
                + 5 * block.distanceCounts.reduce(0) { $0 + Int($1) }
            let storedLength = block.end - block.start
            let storedBits = (storedLength / 65_535 + 1) * 40 + 8 * storedLength

            if storedBits < min(dynamicBits, fixedBits) {
                writeStored(source, from: block.start, to: block.end, last: last, into: &bits)
            } else if fixedBits <= dynamicBits {
                bits.write(last ? 0b011 : 0b010, 3)
                writeTokens(
                    tokens[..<block.tokenCount], literalCode: GzipWriter.fixedLiteralCode,
                    distanceCode: GzipWriter.fixedDistanceCode, into: &bits)
            } else {
                bits.write(last ? 0b101 : 0b100, 3)
                header.write(into: &bits)
                writeTokens(
                    tokens[..<block.tokenCount], literalCode: GzipWriter.canonicalCode(literalLengths),
                    distanceCode: GzipWriter.canonicalCode(distanceLengths), into: &bits)
            }
        }

        private mutating func writeTokens(
            _ tokens: Slice<UnsafeBufferPointer<UInt32>>, literalCode: [UInt32], distanceCode: [UInt32], into bits: inout BitWriter
        ) {
            for length in 0..<256 {
                let code = Int(GzipWriter.lengthCodes[length])
                let entry = literalCode[257 + code]
                let extra = UInt32(length + 3) - UInt32(GzipWriter.lengthBases[code])
                let codeBits = entry >> 16
                lengthEntries[length] =
                    (codeBits + UInt32(GzipWriter.lengthExtraBits[code])) << 24 | extra << codeBits | entry & 0xffff
            }
            literalCode.withUnsafeBufferPointer { literals in
                distanceCode.withUnsafeBufferPointer { distances in
                    lengthEntries.withUnsafeBufferPointer { lengths in
                        bits.writeTokens(
                            UnsafeBufferPointer(rebasing: tokens), literals: literals, lengths: lengths,
                            distances: distances)
                    }
                }
            }
            let end = literalCode[256]
            bits.write(UInt64(end & 0xffff), Int(end >> 16))
        }

        private func writeStored(
            _ source: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int, last: Bool, into bits: inout BitWriter
        ) {
            var start = start
            repeat {
                let length = min(65_535, end - start)
                let final = last && start + length == end
                bits.write(final ? 1 : 0, 3)
                bits.flushToByte()
                bits.write(UInt64(length) | UInt64(~length & 0xffff) << 16, 32)
                bits.copy(source, from: start, count: length)
                start += length
            } while start < end
        }
    }

    /// The bits `counts` take with `lengths`.
    static func cost(_ counts: [UInt32], _ lengths: [UInt32]) -> Int {
        var total = 0
        for (count, length) in zip(counts, lengths) { total += Int(count) * Int(length) }
        return total
    }

    /// A dynamic block's header: the sizes of its alphabets and its code lengths, run-length coded with the
    /// code-length alphabet (RFC 1951, 3.2.7).
    struct DynamicHeader {
        let literalCount: Int
        let distanceCount: Int
        /// Code-length symbols with their extra bits: `symbol | extraBits << 8 | extra << 16`.
        private var symbols: [UInt32] = []
        private let code: [UInt32]
        private let codeLengthCount: Int
        private(set) var bitCount = 0

        init(literalLengths: [UInt8], distanceLengths: [UInt8]) {
            literalCount = max(257, (literalLengths.lastIndex { $0 != 0 } ?? 0) + 1)
            distanceCount = max(1, (distanceLengths.lastIndex { $0 != 0 } ?? 0) + 1)
            let lengths = Array(literalLengths[..<literalCount]) + Array(distanceLengths[..<distanceCount])
            var counts = [UInt32](repeating: 0, count: 19)
            var extraBits = 0
            var index = 0
            while index < lengths.count {
                let length = lengths[index]
                var run = 1
                while index + run < lengths.count && lengths[index + run] == length { run += 1 }
                if length == 0 && run >= 3 {
                    let taken = min(run, 138)
                    let symbol: UInt32 = taken >= 11 ? 18 : 17
                    let bits: UInt32 = taken >= 11 ? 7 : 3
                    symbols.append(symbol | bits << 8 | UInt32(taken - (taken >= 11 ? 11 : 3)) << 16)
                    extraBits += Int(bits)
                    counts[Int(symbol)] += 1
                    index += taken
                } else if length != 0 && run >= 4 {
                    // The length once, then repeats of it, 3 to 6 at a time.
                    symbols.append(UInt32(length))
                    counts[Int(length)] += 1
                    let taken = min(run - 1, 6)
                    symbols.append(16 | 2 << 8 | UInt32(taken - 3) << 16)
                    extraBits += 2
                    counts[16] += 1
                    index += 1 + taken
                } else {
                    symbols.append(UInt32(length))
                    counts[Int(length)] += 1
                    index += 1
                }
            }
            let codeLengths = GzipWriter.codeLengths(counts, limit: 7)
            code = GzipWriter.canonicalCode(codeLengths)
            var listed = 19
            while listed > 4 && codeLengths[GzipWriter.codeLengthOrder[listed - 1]] == 0 { listed -= 1 }
            codeLengthCount = listed
            bitCount = 14 + 3 * listed + extraBits + GzipWriter.cost(counts, codeLengths.map(UInt32.init))
        }

        func write(into bits: inout BitWriter) {
            bits.write(UInt64(literalCount - 257), 5)
            bits.write(UInt64(distanceCount - 1), 5)
            bits.write(UInt64(codeLengthCount - 4), 4)
            for position in 0..<codeLengthCount {
                bits.write(UInt64(code[GzipWriter.codeLengthOrder[position]] >> 16), 3)
            }
            for entry in symbols {
                let symbolCode = code[Int(entry & 0xff)]
                bits.write(UInt64(symbolCode & 0xffff), Int(symbolCode >> 16))
                let extraBits = Int(entry >> 8 & 0xff)
                if extraBits > 0 { bits.write(UInt64(entry >> 16), extraBits) }
            }
        }
    }

    /// Writes bits lowest first into a buffer the caller sized for the whole output.
    struct BitWriter {
        let out: UnsafeMutablePointer<UInt8>
        var offset: Int
        private var pending: UInt64 = 0
        private var pendingCount = 0

        init(out: UnsafeMutablePointer<UInt8>, offset: Int) {
            self.out = out
            self.offset = offset
        }

        /// Appends the low `count` bits of `value` (at most 32; the bits above them are zero).
        @inline(__always)
        mutating func write(_ value: UInt64, _ count: Int) {
            pending |= value &<< UInt64(pendingCount)
            pendingCount &+= count
            if pendingCount >= 32 {
                UnsafeMutableRawPointer(out + offset).storeBytes(
                    of: UInt32(truncatingIfNeeded: pending).littleEndian, as: UInt32.self)
                offset &+= 4
                pending &>>= 32
                pendingCount &-= 32
            }
        }

        /// Pads the pending bits with zeros to a whole byte and writes them out.
        mutating func flushToByte() {
            while pendingCount > 0 {
                out[offset] = UInt8(truncatingIfNeeded: pending)
                offset += 1
                pending >>= 8
                pendingCount = max(0, pendingCount - 8)
            }
            pending = 0
        }

        /// Copies bytes as they are, after ``flushToByte()``.
        mutating func copy(_ source: UnsafeBufferPointer<UInt8>, from start: Int, count: Int) {
            guard count > 0, let base = source.baseAddress else { return }
            (out + offset).update(from: base + start, count: count)
            offset += count
        }

        /// Writes a block's tokens with its codes.
        mutating func writeTokens(
            _ tokens: UnsafeBufferPointer<UInt32>, literals: UnsafeBufferPointer<UInt32>, lengths: UnsafeBufferPointer<UInt32>,
            distances: UnsafeBufferPointer<UInt32>
        ) {
            for token in tokens {
                if token < 1 << 31 {
                    let entry = literals[Int(token)]
                    write(UInt64(entry & 0xffff), Int(entry >> 16))
                } else {
                    let entry = lengths[Int(token >> 16 & 0xff)]
                    write(UInt64(entry & 0xff_ffff), Int(entry >> 24))
                    let distance = GzipWriter.distanceCode(Int(token & 0xffff))
                    let code = distances[distance.code]
                    let codeBits = Int(code >> 16)
                    write(
                        UInt64(code & 0xffff) | UInt64(distance.extra) &<< UInt64(codeBits),
                        codeBits &+ distance.extraBits)
                }
            }
        }
    }
}
