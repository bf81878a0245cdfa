/// The attributes of a span or event, in the order they were first set.
///
/// A small array of key-value pairs: for the handful of attributes a span usually has this is cheaper to build,
/// copy and encode than a dictionary. Setting an existing key replaces its value in place.
public struct AttributeList: Sendable, Hashable, RandomAccessCollection, ExpressibleByDictionaryLiteral {
    /// One attribute.
    public struct Element: Sendable, Hashable {
        public var key: String
        public var value: AttributeValue

        @inlinable
        public init(key: String, value: AttributeValue) {
            self.key = key
            self.value = value
        }
    }

    @usableFromInline
    var storage: [Element]

    /// An empty list.
    @inlinable
    public init() { storage = [] }

    public init(dictionaryLiteral elements: (String, AttributeValue)...) {
        storage = []
        storage.reserveCapacity(elements.count)
        for (key, value) in elements { self[key] = value }
    }

    /// Builds a list from a dictionary of convertible values, skipping nil values, in key order so the result is
    /// deterministic.
    public init(_ dictionary: [String: any AttributeValueConvertible]) {
        storage = []
        merge(dictionary)
    }

    public var startIndex: Int { storage.startIndex }
    public var endIndex: Int { storage.endIndex }
    public subscript(position: Int) -> Element { storage[position] }

    /// The value for `key`, or nil. Setting nil removes the attribute.
    public subscript(key: String) -> AttributeValue? {
        get {
            for element in storage where element.key == key { return element.value }
            return nil
        }
        set {
            if let newValue {
                if !replaceValue(forKey: key, with: newValue) { storage.append(Element(key: key, value: newValue)) }
            } else if let index = storage.firstIndex(where: { $0.key == key }) {
                storage.remove(at: index)
            }
        }
    }

    /// Replaces the value of `key` if the list has it; returns whether it did.
    @usableFromInline
    mutating func replaceValue(forKey key: String, with value: AttributeValue) -> Bool {
        // Lengths first: a length is read in a few instructions, a string comparison is a library call.
        let length = key.utf8.count
        guard let index = storage.firstIndex(where: { $0.key.utf8.count == length && $0.key == key }) else {
            return false
        }
        storage[index].value = value
        return true
    }

    /// Sets every non-nil value of `dictionary`, in key order.
    public mutating func merge(_ dictionary: [String: any AttributeValueConvertible]) {
        guard !dictionary.isEmpty else { return }
        if dictionary.count == 1, let (key, value) = dictionary.first {
            if let attribute = value.attributeValue { self[key] = attribute }
            return
        }
        Self.withConvertedElements(of: dictionary) { elements in
            Self.sortByKey(elements)
            // Keys of a dictionary are distinct: into an empty list, nothing to replace.
            let replacing = !storage.isEmpty
            storage.reserveCapacity(storage.count + elements.count)
            for index in elements.indices {
                let element = elements.moveElement(from: index)
                if replacing, replaceValue(forKey: element.key, with: element.value) { continue }
                storage.append(element)
            }
        }
    }

    /// Converts the non-nil values of `pairs` into scratch space on the stack, in their order, and hands them to
    /// `consume`, which takes them over: it moves every element out or deinitializes it. No list is allocated.
    ///
    /// Each pair is read in place, through pointers to its two members: `pairs[i].1` copies the whole pair first,
    /// and copying its existential value goes through the run time's generic witnesses, twice the cost of
    /// converting it. (Memory bound to a tuple is bound to its members' types at their offsets.)
    static func withConvertedElements(
        of pairs: UnsafeBufferPointer<(String, any AttributeValueConvertible)>,
        _ consume: (UnsafeMutableBufferPointer<Element>) -> Void
    ) {
        typealias Pair = (String, any AttributeValueConvertible)
        guard let base = pairs.baseAddress, let valueOffset = MemoryLayout<Pair>.offset(of: \Pair.1) else { return }
        withUnsafeTemporaryAllocation(of: Element.self, capacity: pairs.count) { scratch in
            var converted = 0
            for index in 0..<pairs.count {
                let pair = UnsafeRawPointer(base + index)
                // A mutable pointer (never written through) makes `pointee` an lvalue: the existential is then
                // opened where it lies, where an immutable one's `pointee` is copied first.
                let value = UnsafeMutableRawPointer(mutating: pair + valueOffset)
                    .assumingMemoryBound(to: (any AttributeValueConvertible).self)
                guard let attribute = value.pointee.attributeValue else { continue }
                let key = pair.assumingMemoryBound(to: String.self).pointee
                scratch.initializeElement(at: converted, to: Element(key: key, value: attribute))
                converted += 1
            }
            consume(UnsafeMutableBufferPointer(rebasing: scratch[..<converted]))
        }
    }

    /// Converts the non-nil values of `dictionary` the same way, in the dictionary's order.
    static func withConvertedElements(
        of dictionary: [String: any AttributeValueConvertible], _ consume: (UnsafeMutableBufferPointer<Element>) -> Void
    ) {
        withUnsafeTemporaryAllocation(of: Element.self, capacity: dictionary.count) { scratch in
            var converted = 0
            for (key, value) in dictionary {
                guard let attribute = value.attributeValue else { continue }
                scratch.initializeElement(at: converted, to: Element(key: key, value: attribute))
                converted += 1
            }
            consume(UnsafeMutableBufferPointer(rebasing: scratch[..<converted]))
        }
    }

    /// Sorts `elements` by key in place, stably: of a key given twice, the later value stays last, so it wins
    /// when the elements are set in order. Attributes set at once are a handful, often already in order: an
    /// insertion sort checks that in one comparison per element and moves no element then.
    @usableFromInline
    static func sortByKey(_ elements: UnsafeMutableBufferPointer<Element>) {
        guard elements.count > 1, let base = elements.baseAddress else { return }
        guard elements.count <= 16 else {
            var elements = elements
            elements.sort { $0.key < $1.key }
            return
        }
        for index in 1..<elements.count where base[index].key < base[index - 1].key {
            let element = (base + index).move()
            var hole = index
            while hole > 0, element.key < base[hole - 1].key {
                (base + hole).moveInitialize(from: base + hole - 1, count: 1)
                hole -= 1
            }
            (base + hole).initialize(to: element)
        }
    }

    /// Sets every attribute of `other`, replacing values of keys already present.
    public mutating func merge(_ other: AttributeList) {
        for element in other.storage { self[element.key] = element.value }
    }

    /// The attributes as a dictionary.
    public var dictionary: [String: AttributeValue] {
        Dictionary(storage.map { ($0.key, $0.value) }, uniquingKeysWith: { _, last in last })
    }
}
