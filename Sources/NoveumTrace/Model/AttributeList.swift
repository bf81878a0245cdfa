/// The attributes of a span or event, in the order they were first set.
///
/// A small array of key-value pairs: for the handful of attributes a span usually has this is cheaper to build,
/// copy and encode than a dictionary. Setting an existing key replaces its value in place.
public struct AttributeList: Sendable, Hashable, RandomAccessCollection, ExpressibleByDictionaryLiteral {
    /// One attribute.
    public struct Element: Sendable, Hashable {
        public var key: String
        public var value: AttributeValue

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
        Self.withSortedElements(of: dictionary) { elements in
            storage.reserveCapacity(storage.count + elements.count)
            if storage.isEmpty {
                // Keys of a dictionary are distinct: nothing to replace.
                storage.append(contentsOf: elements)
            } else {
                for element in elements { self[element.key] = element.value }
            }
        }
    }

    /// Converts the non-nil values of `dictionary` into scratch space on the stack, sorted by key so that their
    /// order does not depend on hashing, and passes them to `body`; no list is allocated.
    static func withSortedElements<Result>(
        of dictionary: [String: any AttributeValueConvertible], _ body: (UnsafeMutableBufferPointer<Element>) -> Result
    ) -> Result {
        withUnsafeTemporaryAllocation(of: Element.self, capacity: dictionary.count) { scratch in
            var count = 0
            for (key, value) in dictionary {
                guard let attribute = value.attributeValue else { continue }
                scratch.initializeElement(at: count, to: Element(key: key, value: attribute))
                count += 1
            }
            var elements = UnsafeMutableBufferPointer(rebasing: scratch[..<count])
            elements.sort { $0.key < $1.key }
            defer { elements.deinitialize() }
            return body(elements)
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
