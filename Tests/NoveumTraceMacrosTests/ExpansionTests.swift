import SwiftSyntaxMacrosGenericTestSupport
import Testing

/// What each function shape expands to: the body moved into the inline closure a hand-written version would use.
@Suite struct ExpansionTests {
    @Test func syncFunction() {
        assertExpansion(
            """
            @Trace
            func add(_ a: Int, _ b: Int) -> Int {
                a + b
            }
            """,
            expandedSource: """
                func add(_ a: Int, _ b: Int) -> Int {
                    return NoveumTrace.traceOperation("add", attributes: ["code.function": "add(_:_:)", "code.filepath": "Agent.swift", "code.lineno": 2]) { _ in
                        a + b
                    }
                }
                """)
    }

    @Test func explicitName() {
        assertExpansion(
            """
            @Trace("load_user")
            func load() {
                print("x")
            }
            """,
            expandedSource: """
                func load() {
                    return NoveumTrace.traceOperation("load_user", attributes: ["code.function": "load()", "code.filepath": "Agent.swift", "code.lineno": 2]) { _ in
                        print("x")
                    }
                }
                """)
    }

    @Test func asyncFunction() {
        assertExpansion(
            """
            @Trace
            func fetch() async -> Int {
                await next()
            }
            """,
            expandedSource: """
                func fetch() async -> Int {
                    return await NoveumTrace.traceOperation("fetch", attributes: ["code.function": "fetch()", "code.filepath": "Agent.swift", "code.lineno": 2]) { _ async in
                        await next()
                    }
                }
                """)
    }

    @Test func throwingFunction() {
        assertExpansion(
            """
            @Trace
            func parse(_ text: String) throws -> Int {
                try decode(text)
            }
            """,
            expandedSource: """
                func parse(_ text: String) throws -> Int {
                    return try NoveumTrace.traceOperation("parse", attributes: ["code.function": "parse(_:)", "code.filepath": "Agent.swift", "code.lineno": 2]) { _ throws in
                        try decode(text)
                    }
                }
                """)
    }

    @Test func asyncThrowingFunction() {
        assertExpansion(
            """
            @Trace
            func load(id: Int) async throws -> User {
                try await api.user(id)
            }
            """,
            expandedSource: """
                func load(id: Int) async throws -> User {
                    return try await NoveumTrace.traceOperation("load", attributes: ["code.function": "load(id:)", "code.filepath": "Agent.swift", "code.lineno": 2]) { _ async throws in
                        try await api.user(id)
                    }
                }
                """)
    }

    @Test func typedThrows() {
        assertExpansion(
            """
            @Trace
            func validate(_ input: String) async throws(ValidationError) -> Bool {
                guard !input.isEmpty else { throw .empty }
                return true
            }
            """,
            expandedSource: """
                func validate(_ input: String) async throws(ValidationError) -> Bool {
                    return try await NoveumTrace.traceOperation("validate", attributes: ["code.function": "validate(_:)", "code.filepath": "Agent.swift", "code.lineno": 2]) { _ async throws(ValidationError) in
                        guard !input.isEmpty else { throw .empty }
                        return true
                    }
                }
                """)
    }

    @Test func genericFunction() {
        assertExpansion(
            """
            @Trace
            func first<T: Collection>(of items: T) -> T.Element? where T.Element: Equatable {
                items.first
            }
            """,
            expandedSource: """
                func first<T: Collection>(of items: T) -> T.Element? where T.Element: Equatable {
                    return NoveumTrace.traceOperation("first", attributes: ["code.function": "first(of:)", "code.filepath": "Agent.swift", "code.lineno": 2]) { _ in
                        items.first
                    }
                }
                """)
    }

    @Test func inoutParameter() {
        assertExpansion(
            """
            @Trace
            func bump(_ value: inout Int) {
                value += 1
            }
            """,
            expandedSource: """
                func bump(_ value: inout Int) {
                    return NoveumTrace.traceOperation("bump", attributes: ["code.function": "bump(_:)", "code.filepath": "Agent.swift", "code.lineno": 2]) { _ in
                        value += 1
                    }
                }
                """)
    }

    @Test func mutatingAndStaticMethods() {
        assertExpansion(
            """
            struct Counter {
                var count = 0
                @Trace
                mutating func increment() {
                    count += 1
                }
                @Trace
                static func make() -> Counter {
                    Counter()
                }
            }
            """,
            expandedSource: """
                struct Counter {
                    var count = 0
                    mutating func increment() {
                        return NoveumTrace.traceOperation("increment", attributes: ["code.function": "increment()", "code.namespace": "Counter", "code.filepath": "Agent.swift", "code.lineno": 4]) { _ in
                            count += 1
                        }
                    }
                    static func make() -> Counter {
                        return NoveumTrace.traceOperation("make", attributes: ["code.function": "make()", "code.namespace": "Counter", "code.filepath": "Agent.swift", "code.lineno": 8]) { _ in
                            Counter()
                        }
                    }
                }
                """)
    }

    @Test func actorMethodInExtension() {
        assertExpansion(
            """
            extension Store {
                @Trace
                func add(_ item: String) async -> Int {
                    items.append(item)
                    return items.count
                }
            }
            """,
            expandedSource: """
                extension Store {
                    func add(_ item: String) async -> Int {
                        return await NoveumTrace.traceOperation("add", attributes: ["code.function": "add(_:)", "code.namespace": "Store", "code.filepath": "Agent.swift", "code.lineno": 3]) { _ async in
                            items.append(item)
                            return items.count
                        }
                    }
                }
                """)
    }

    @Test func opaqueResult() {
        assertExpansion(
            """
            @Trace
            func makeShape() -> some Shape {
                Square()
            }
            """,
            expandedSource: """
                func makeShape() -> some Shape {
                    return NoveumTrace.traceOperation("makeShape", attributes: ["code.function": "makeShape()", "code.filepath": "Agent.swift", "code.lineno": 2]) { _ in
                        Square()
                    }
                }
                """)
    }

    @Test func llm() {
        assertExpansion(
            """
            @TraceLLM(model: "gpt-4", provider: "openai", operation: "chat")
            func complete(_ prompt: String) async throws -> String {
                try await client.chat(prompt)
            }
            """,
            expandedSource: """
                func complete(_ prompt: String) async throws -> String {
                    return try await NoveumTrace.traceLLM(model: "gpt-4", provider: "openai", operation: "chat", attributes: ["code.function": "complete(_:)", "code.filepath": "Agent.swift", "code.lineno": 2]) { _ async throws in
                        try await client.chat(prompt)
                    }
                }
                """)
    }

    @Test func llmModelExpressionAndCapture() {
        assertExpansion(
            """
            @TraceLLM(model: Config.model, captureArguments: true, captureResult: true)
            func complete(_ prompt: String, temperature: Double) -> String {
                reply(prompt)
            }
            """,
            expandedSource: """
                func complete(_ prompt: String, temperature: Double) -> String {
                    return NoveumTrace.traceLLM(model: Config.model, attributes: ["code.function": "complete(_:temperature:)", "code.filepath": "Agent.swift", "code.lineno": 2]) { __noveumSpan in
                        NoveumTraceMacros.MacroSupport.recordArguments(["prompt": prompt as Any, "temperature": temperature as Any], style: .llm, on: __noveumSpan)
                        return NoveumTraceMacros.MacroSupport.recordResult(
                            { () in
                                reply(prompt)
                            }(), style: .llm, on: __noveumSpan)
                    }
                }
                """)
    }

    @Test func agentToolRetrieval() {
        assertExpansion(
            """
            @TraceAgent(name: "planner", role: "lead")
            func plan() {
                step()
            }
            @TraceAgent
            func helper() {
                step()
            }
            @TraceTool(name: "search")
            func search() {
                step()
            }
            @TraceRetrieval(index: "docs")
            func lookup() {
                step()
            }
            @TraceRetrieval
            func anyIndex() {
                step()
            }
            """,
            expandedSource: """
                func plan() {
                    return NoveumTrace.traceAgent("planner", role: "lead", attributes: ["code.function": "plan()", "code.filepath": "Agent.swift", "code.lineno": 2]) { _ in
                        step()
                    }
                }
                func helper() {
                    return NoveumTrace.traceAgent("helper", attributes: ["code.function": "helper()", "code.filepath": "Agent.swift", "code.lineno": 6]) { _ in
                        step()
                    }
                }
                func search() {
                    return NoveumTrace.traceTool("search", attributes: ["code.function": "search()", "code.filepath": "Agent.swift", "code.lineno": 10]) { _ in
                        step()
                    }
                }
                func lookup() {
                    return NoveumTrace.traceRetrieval(index: "docs", attributes: ["code.function": "lookup()", "code.filepath": "Agent.swift", "code.lineno": 14]) { _ in
                        step()
                    }
                }
                func anyIndex() {
                    return NoveumTrace.traceRetrieval(attributes: ["code.function": "anyIndex()", "code.filepath": "Agent.swift", "code.lineno": 18]) { _ in
                        step()
                    }
                }
                """)
    }

    @Test func argumentCaptureSkipsExcludedUnnamedAndUncapturable() {
        assertExpansion(
            """
            @Trace(captureArguments: true, captureResult: true, excluding: ["password"])
            func login(user name: String, password: String, _: Int, onDone: () -> Void, token: borrowing Token, log: @escaping () -> Void) async throws -> Bool {
                try await check(name, password)
            }
            """,
            expandedSource: """
                func login(user name: String, password: String, _: Int, onDone: () -> Void, token: borrowing Token, log: @escaping () -> Void) async throws -> Bool {
                    return try await NoveumTrace.traceOperation("login", attributes: ["code.function": "login(user:password:_:onDone:token:log:)", "code.filepath": "Agent.swift", "code.lineno": 2]) { __noveumSpan async throws in
                        NoveumTraceMacros.MacroSupport.recordArguments(["name": name as Any], style: .attributes, on: __noveumSpan)
                        return NoveumTraceMacros.MacroSupport.recordResult(
                            try await { () async throws in
                                try await check(name, password)
                            }(), style: .attributes, on: __noveumSpan)
                    }
                }
                """)
    }

    @Test func toolCapture() {
        assertExpansion(
            """
            @TraceTool(name: "calc", captureArguments: true)
            func calc(_ a: Int) -> Int {
                a * 2
            }
            """,
            expandedSource: """
                func calc(_ a: Int) -> Int {
                    return NoveumTrace.traceTool("calc", attributes: ["code.function": "calc(_:)", "code.filepath": "Agent.swift", "code.lineno": 2]) { __noveumSpan in
                        NoveumTraceMacros.MacroSupport.recordArguments(["a": a as Any], style: .tool, on: __noveumSpan)
                        a * 2
                    }
                }
                """)
    }

    @Test func initializer() {
        assertExpansion(
            """
            struct Profile {
                let name: String
                @Trace
                init(name: String) {
                    self.name = name
                }
            }
            """,
            expandedSource: """
                struct Profile {
                    let name: String
                    init(name: String) {
                        let __noveumSpan = NoveumTraceMacros.MacroSupport.startInitializerSpan("init", attributes: ["code.function": "init(name:)", "code.namespace": "Profile", "code.filepath": "Agent.swift", "code.lineno": 4])
                        defer { NoveumTraceMacros.MacroSupport.endInitializerSpan(__noveumSpan) }
                        self.name = name
                    }
                }
                """)
    }

    @Test func throwingInitializerWithCapture() {
        assertExpansion(
            """
            struct Profile {
                let name: String
                @Trace("Profile.init", captureArguments: true)
                init(name: String) throws(ProfileError) {
                    guard !name.isEmpty else { throw .empty }
                    self.name = name
                }
            }
            """,
            expandedSource: """
                struct Profile {
                    let name: String
                    init(name: String) throws(ProfileError) {
                        let __noveumSpan = NoveumTraceMacros.MacroSupport.startInitializerSpan("Profile.init", attributes: ["code.function": "init(name:)", "code.namespace": "Profile", "code.filepath": "Agent.swift", "code.lineno": 4])
                        defer { NoveumTraceMacros.MacroSupport.endInitializerSpan(__noveumSpan) }
                        NoveumTraceMacros.MacroSupport.recordArguments(["name": name as Any], style: .attributes, on: __noveumSpan)
                        do throws(ProfileError) {
                            guard !name.isEmpty else { throw .empty }
                            self.name = name
                        } catch {
                            NoveumTraceMacros.MacroSupport.recordFailure(error, on: __noveumSpan)
                            throw error
                        }
                    }
                }
                """)
    }

    @Test func rethrowingFunction() {
        assertExpansion(
            """
            @Trace
            func each(_ body: () throws -> Void) rethrows {
                try body()
            }
            """,
            expandedSource: """
                func each(_ body: () throws -> Void) rethrows {
                    return try NoveumTrace.traceOperation("each", attributes: ["code.function": "each(_:)", "code.filepath": "Agent.swift", "code.lineno": 2]) { _ throws in
                        try body()
                    }
                }
                """)
    }
}
