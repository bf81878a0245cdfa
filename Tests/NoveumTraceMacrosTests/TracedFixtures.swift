import NoveumTraceMacros

// Functions of every shape the macros support, traced as users would write them. `…Line` records the line of each
// `func` keyword, which `code.lineno` must name.

enum FixtureError: Error, Equatable {
    case boom
    case rejected(String)
}

let addLine = #line + 2
@Trace
func add(_ a: Int, _ b: Int) -> Int {
    a + b
}

@Trace("custom_name")
func renamed() {}

@Trace
func asyncValue() async -> Int {
    await Task.yield()
    return 7
}

@Trace
func throwing(_ fail: Bool) throws -> String {
    if fail { throw FixtureError.boom }
    return "fine"
}

@Trace
func asyncThrowing(_ fail: Bool) async throws -> Int {
    await Task.yield()
    if fail { throw FixtureError.rejected("async") }
    return 42
}

@Trace
func typedThrowing(_ fail: Bool) throws(FixtureError) -> Int {
    if fail { throw .rejected("typed") }
    return 1
}

@Trace
func asyncTypedThrowing(_ fail: Bool) async throws(FixtureError) -> Int {
    await Task.yield()
    if fail { throw .boom }
    return 2
}

@Trace
func identity<T: Equatable & Sendable>(_ value: T) -> T {
    value
}

@Trace
func increment(_ value: inout Int) {
    value += 1
}

struct Counter {
    var count = 0

    @Trace
    mutating func bump(by step: Int = 1) -> Int {
        count += step
        return count
    }

    @Trace
    static func starting(at count: Int) -> Counter {
        Counter(count: count)
    }
}

actor Inventory {
    private var items: [String] = []

    @Trace
    func add(_ item: String) -> Int {
        items.append(item)
        return items.count
    }

    @Trace
    func restock(_ item: String, times: Int) async -> Int {
        for _ in 0..<times {
            _ = add(item)
            await Task.yield()
        }
        return items.count
    }
}

protocol Shape {
    var sides: Int { get }
}

struct Square: Shape {
    var sides: Int { 4 }
}

@Trace
func makeShape() -> some Shape {
    Square()
}

@Trace
func outer() async throws -> Int {
    let first = try await middle()
    return first + add(1, 1)
}

@Trace
func middle() async throws -> Int {
    try await asyncThrowing(false)
}

@Trace
func cancelled() async throws {
    throw CancellationError()
}

@TraceLLM(model: "gpt-4", provider: "openai", operation: "chat")
func chat(_ prompt: String) async throws -> String {
    NoveumTrace.currentSpan?.setUsage(input: 10, output: 5)
    return "reply to \(prompt)"
}

@TraceLLM(model: "gpt-4", provider: "openai", captureArguments: true, captureResult: true, excluding: ["apiKey"])
func chatCaptured(prompt: String, temperature: Double, apiKey: String) -> String {
    "echo: \(prompt)"
}

@TraceAgent(name: "planner", role: "coordinator")
func plan(goal: String) async throws -> [String] {
    try await [search(goal), String(describing: calculator(2, 3))]
}

@TraceAgent
func defaultAgent() {}

@TraceTool(name: "calculator", captureArguments: true, captureResult: true)
func calculator(_ a: Int, _ b: Int) -> Int {
    a * b
}

@TraceRetrieval(index: "docs", captureArguments: true, captureResult: true)
func search(_ query: String) async throws -> String {
    await Task.yield()
    return "hit for \(query)"
}

@Trace(captureArguments: true, captureResult: true, excluding: ["password"])
func login(user: String, password: String, attempts: Int, tags: [String], note: String?) -> Bool {
    attempts < 3
}

struct Credentials: CustomStringConvertible {
    let user: String
    var description: String { "Credentials(\(user))" }
}

@Trace(captureArguments: true)
func authorize(_ credentials: Credentials, for scope: String, completion: () -> Void) {
    completion()
}

struct Profile {
    let name: String

    @Trace
    init(name: String) throws(FixtureError) {
        guard !name.isEmpty else { throw .rejected("empty name") }
        self.name = name
    }

    @Trace("Profile.guest", captureArguments: true)
    init(guest id: Int) {
        self.name = "guest-\(id)"
    }
}

@Trace
func forEachValue(_ values: [Int], _ body: (Int) throws -> Void) rethrows {
    for value in values { try body(value) }
}
