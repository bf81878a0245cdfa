import Testing
@testable import NoveumTrace

@Suite("Attribute values")
struct AttributeTests {
    @Test("a dictionary literal mixing literals, variables, arrays and optionals maps to typed values")
    func typeMapping() async throws {
        let (client, exporter) = try makeClient()
        let count = 3
        let score: Double? = 0.92
        let missing: String? = nil
        let ratio: Float = 0.5
        let big = UInt64.max
        client.traceOperation("attributes") { span in
            span.setAttributes([
                "int": 1, "int.variable": count, "double": 2.5, "bool": true, "string": "text",
                "optional.some": score, "optional.none": missing, "float": ratio,
                "strings": ["a", "b"], "ints": [1, 2, 3], "doubles": [0.5, 1.5], "bools": [true, false],
                "int64": Int64(-7), "uint64.big": big, "substring": "hello world".split(separator: " ")[0],
            ])
            span.setAttribute("single", 42)
            span.setAttribute("single.none", missing)
        }
        await client.flush()
        let span = try #require(exporter.spans.first)
        let attributes = span.attributes
        #expect(attributes["int"] == .int(1))
        #expect(attributes["int.variable"] == .int(3))
        #expect(attributes["double"] == .double(2.5))
        #expect(attributes["bool"] == .bool(true))
        #expect(attributes["string"] == .string("text"))
        #expect(attributes["optional.some"] == .double(0.92))
        #expect(attributes["optional.none"] == nil)
        #expect(attributes["float"] == .double(0.5))
        #expect(attributes["strings"] == .stringArray(["a", "b"]))
        #expect(attributes["ints"] == .intArray([1, 2, 3]))
        #expect(attributes["doubles"] == .doubleArray([0.5, 1.5]))
        #expect(attributes["bools"] == .boolArray([true, false]))
        #expect(attributes["int64"] == .int(-7))
        #expect(attributes["uint64.big"] == .string("18446744073709551615"))
        #expect(attributes["substring"] == .string("hello"))
        #expect(attributes["single"] == .int(42))
        #expect(attributes["single.none"] == nil)
        #expect(!attributes.contains { $0.key == "optional.none" || $0.key == "single.none" })
    }

    @Test("setting a key again replaces its value in place")
    func replace() {
        var list: AttributeList = ["a": 1, "b": "x"]
        list["a"] = .int(2)
        list["c"] = true
        #expect(list.map(\.key) == ["a", "b", "c"])
        #expect(list["a"] == .int(2))
        list["b"] = nil
        #expect(list.map(\.key) == ["a", "c"])
    }

    @Test("a dictionary is merged in key order, nil values skipped, present keys replaced in place")
    func dictionaryMerge() {
        let missing: Int? = nil
        let fresh = AttributeList(["d": 4, "b": "two", "none": missing, "a": true, "c": 3.5])
        #expect(fresh.map(\.key) == ["a", "b", "c", "d"])
        #expect(fresh["a"] == .bool(true) && fresh["b"] == .string("two") && fresh["c"] == .double(3.5))

        var list: AttributeList = ["z": 1, "b": "x"]
        list.merge(["y": 25, "b": "replaced", "none": missing, "a": 0])
        #expect(list.map(\.key) == ["z", "b", "a", "y"])
        #expect(list["b"] == .string("replaced"))
        #expect(list["y"] == .int(25))

        var single = AttributeList()
        single.merge(["only": 1])
        #expect(single.map(\.key) == ["only"])
        single.merge([:])
        #expect(single.count == 1)
    }

    @Test("a span's setAttributes(dictionary) sets in key order, skips nils, replaces in place and keeps the limit")
    func spanDictionary() async throws {
        let (client, exporter) = try makeClient(limits: SpanLimits(maxAttributes: 4))
        let missing: String? = nil
        client.traceOperation("dictionary", attributes: ["m": 1]) { span in
            span.setAttributes(["c": 3, "a": "one", "none": missing, "b": 2.5])
            span.setAttributes(["m": 10, "z": true, "y": 0])
        }
        await client.flush()
        let span = try #require(exporter.spans.first)
        #expect(span.attributes.map(\.key) == ["m", "a", "b", "c"])
        #expect(span.attributes["m"] == .int(10))
        #expect(span.attributes["a"] == .string("one"))
        #expect(span.droppedAttributeCount == 2)
    }

    @Test("a literal is an AttributeLiteral; a dictionary variable still works; both record the same")
    func literalAndVariable() async throws {
        let (client, exporter) = try makeClient()
        let tokens = 12
        let missing: Int? = nil
        let variable: [String: any AttributeValueConvertible] = ["c": 3, "a": "one", "none": missing, "b": tokens]
        client.traceOperation("literal") { span in
            span.setAttributes(["c": 3, "a": "one", "none": missing, "b": tokens])
        }
        client.traceOperation("variable") { span in span.setAttributes(variable) }
        // A key written twice: the later value, where a Dictionary literal would stop the program.
        client.traceOperation("repeated") { span in span.setAttributes(["k": 1, "j": true, "k": 2]) }
        await client.flush()
        let literal = try #require(exporter.spans(named: "literal").first)
        let fromVariable = try #require(exporter.spans(named: "variable").first)
        #expect(literal.attributes == fromVariable.attributes)
        #expect(literal.attributes.map(\.key) == ["a", "b", "c"])
        #expect(literal.attributes["b"] == .int(12))
        let repeated = try #require(exporter.spans(named: "repeated").first)
        #expect(repeated.attributes.map(\.key) == ["j", "k"] && repeated.attributes["k"] == .int(2))
    }

    @Test("more than 16 attributes at once, from a literal or a dictionary, are set in key order")
    func manyInKeyOrder() async throws {
        let (client, exporter) = try makeClient()
        client.traceOperation("literal") { span in
            span.setAttributes([
                "q": 16, "p": 15, "o": 14, "n": 13, "m": 12, "l": 11, "k": 10, "j": 9, "i": 8, "h": 7, "g": 6,
                "f": 5, "e": 4, "d": 3, "c": 2, "b": 1, "a": 0,
            ])
        }
        let keys = (0..<40).map { "key.\(String(1_000 + $0 * 37 % 40))" }
        var dictionary: [String: any AttributeValueConvertible] = [:]
        for (index, key) in keys.enumerated() { dictionary[key] = index }
        client.traceOperation("dictionary") { span in span.setAttributes(dictionary) }
        client.traceOperation("in order") { span in span.setAttributes(["a": 1, "b": 2, "c": 3]) }
        await client.flush()
        let literal = try #require(exporter.spans(named: "literal").first)
        #expect(literal.attributes.map(\.key) == "abcdefghijklmnopq".map { String($0) })
        #expect(literal.attributes["q"] == .int(16))
        let fromDictionary = try #require(exporter.spans(named: "dictionary").first)
        #expect(fromDictionary.attributes.map(\.key) == keys.sorted())
        let inOrder = try #require(exporter.spans(named: "in order").first)
        #expect(inOrder.attributes.map(\.key) == ["a", "b", "c"])
    }

    @Test("keys are sorted as String orders them: shared prefixes, keys ending early, NUL, combining marks, non-ASCII")
    func keyOrderMatchesString() {
        // Pieces that share namespaces or end early, and "e" followed by a combining acute accent, which sorts as
        // "é", after "f".
        let pieces = ["a", "e", "f", "\u{301}", "é", "\u{0}", "Z", "~", ".", "llm.", "gen_ai.", "attr.", "ab", "abcdefg"]
        var random = SplitMix64(seed: 27)
        for _ in 0..<2_000 {
            let count = random.next(below: 20) + 1
            let keys = (0..<count).map { _ in
                (0..<random.next(below: 5)).map { _ in pieces[random.next(below: pieces.count)] }.joined()
            }
            var elements = keys.enumerated().map { AttributeList.Element(key: $0.element, value: .int(Int64($0.offset))) }
            elements.withUnsafeMutableBufferPointer { AttributeList.sortByKey($0) }
            // Stable: equal keys keep their order, so the values of equal keys stay ascending.
            let expected = keys.enumerated().sorted { ($0.element, $0.offset) < ($1.element, $1.offset) }
            #expect(elements.map(\.key) == expected.map(\.element), "keys \(keys.map { Array($0.unicodeScalars) })")
            #expect(elements.map(\.value) == expected.map { AttributeValue.int(Int64($0.offset)) })
        }
    }

    @Test("a span that records nothing ignores a literal, and one that has ended counts the call")
    func literalOnSampledOutAndEnded() async throws {
        let (sampledOut, silent) = try makeClient(samplingRate: 0)
        let span = sampledOut.startSpan(name: "out")
        span.setAttributes(["a": 1, "b": "two"])
        #expect(span.attributeList.isEmpty)
        sampledOut.finishSpan(span)
        #expect(await sampledOut.flush() == 0 && silent.spans.isEmpty)

        let (client, _) = try makeClient()
        let ended = client.startSpan(name: "ended")
        client.finishSpan(ended)
        ended.setAttributes(["late": true])
        #expect(client.stats.ignoredCallsOnEndedSpans == 1)
    }

    @Test("attributes beyond the per-span limit are dropped and counted")
    func limits() async throws {
        let (client, exporter) = try makeClient(limits: SpanLimits(maxAttributes: 3, maxEvents: 1))
        client.traceOperation("bounded") { span in
            for i in 0..<10 { span.setAttribute("k\(i)", i) }
            span.setAttribute("k0", 100)
            span.addEvent("one")
            span.addEvent("two")
        }
        await client.flush()
        let span = try #require(exporter.spans.first)
        #expect(span.attributes.map(\.key) == ["k0", "k1", "k2"])
        #expect(span.attributes["k0"] == .int(100))
        #expect(span.droppedAttributeCount == 7)
        #expect(span.events.map(\.name) == ["one"])
        #expect(span.droppedEventCount == 1)
    }
}
