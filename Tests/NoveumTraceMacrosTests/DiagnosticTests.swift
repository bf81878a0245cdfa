import SwiftSyntaxMacrosGenericTestSupport
import Testing

/// Misuse: one diagnostic at the attribute, with a fix-it where one is obvious, and never an expansion error.
@Suite struct DiagnosticTests {
    @Test func storedProperty() {
        assertExpansion(
            """
            struct Settings {
                @Trace var retries = 3
            }
            """,
            expandedSource: """
                struct Settings {
                    var retries = 3
                }
                """,
            diagnostics: [
                DiagnosticSpec(message: "@Trace can only be attached to a function, method or initializer, not to a stored property", line: 2, column: 5, fixIts: [FixItSpec(message: "Remove '@Trace'")]),
            ],
            applyFixIts: ["Remove '@Trace'"],
            fixedSource: """
                struct Settings {
                    var retries = 3
                }
                """)
    }

    @Test func computedProperty() {
        assertExpansion(
            """
            struct Settings {
                @TraceTool var retries: Int { 3 }
            }
            """,
            expandedSource: """
                struct Settings {
                    var retries: Int { 3 }
                }
                """,
            diagnostics: [
                DiagnosticSpec(message: "@TraceTool can only be attached to a function, method or initializer, not to a computed property", line: 2, column: 5, fixIts: [FixItSpec(message: "Remove '@TraceTool'")]),
            ])
    }

    @Test func typeDeclaration() {
        assertExpansion(
            """
            @Trace
            struct Settings {
            }
            """,
            expandedSource: """
                struct Settings {
                }
                """,
            diagnostics: [
                DiagnosticSpec(message: "@Trace can only be attached to a function, method or initializer, not to a type; attach it to each method to trace", line: 1, column: 1, fixIts: [FixItSpec(message: "Remove '@Trace'")]),
            ])
    }

    @Test func protocolRequirement() {
        assertExpansion(
            """
            protocol Planner {
                @TraceAgent(name: "planner")
                func plan() async throws -> [String]
            }
            """,
            expandedSource: """
                protocol Planner {
                    func plan() async throws -> [String]
                }
                """,
            diagnostics: [
                DiagnosticSpec(message: "@TraceAgent needs a function body to trace; attach it to the implementation, not to a requirement without a body", line: 2, column: 5, fixIts: [FixItSpec(message: "Remove '@TraceAgent'")]),
            ])
    }

    @Test func specialisedMacroOnInitializer() {
        assertExpansion(
            """
            struct Client {
                @TraceLLM(model: "gpt-4")
                init() {
                    setUp()
                }
            }
            """,
            expandedSource: """
                struct Client {
                    init() {
                        setUp()
                    }
                }
                """,
            diagnostics: [
                DiagnosticSpec(message: "@TraceLLM cannot be attached to an initializer; use @Trace to trace an initializer", line: 2, column: 5, fixIts: [FixItSpec(message: "Replace '@TraceLLM' with '@Trace'")]),
            ],
            applyFixIts: ["Replace '@TraceLLM' with '@Trace'"],
            fixedSource: """
                struct Client {
                    @Trace
                    init() {
                        setUp()
                    }
                }
                """)
    }

    @Test func unknownExcludedParameter() {
        assertExpansion(
            """
            @Trace(captureArguments: true, excluding: ["pasword", "token"])
            func login(password: String, token: String) {
                go()
            }
            """,
            expandedSource: """
                func login(password: String, token: String) {
                    go()
                }
                """,
            diagnostics: [
                DiagnosticSpec(message: "'excluding' names 'pasword', which is not a parameter of this function (parameters are 'password', 'token')", line: 1, column: 44, fixIts: [FixItSpec(message: "Remove 'pasword'")]),
            ],
            applyFixIts: ["Remove 'pasword'"],
            fixedSource: """
                @Trace(captureArguments: true, excluding: ["token"])
                func login(password: String, token: String) {
                    go()
                }
                """)
    }

    @Test func excludedArgumentLabel() {
        assertExpansion(
            """
            @Trace(captureArguments: true, excluding: ["with"])
            func login(with secret: String) {
                go()
            }
            """,
            expandedSource: """
                func login(with secret: String) {
                    go()
                }
                """,
            diagnostics: [
                DiagnosticSpec(message: "'excluding' names the argument label 'with'; exclude the parameter by its name 'secret'", line: 1, column: 44, fixIts: [FixItSpec(message: "Use 'secret'")]),
            ],
            applyFixIts: ["Use 'secret'"],
            fixedSource: """
                @Trace(captureArguments: true, excluding: ["secret"])
                func login(with secret: String) {
                    go()
                }
                """)
    }

    @Test func nonLiteralFlag() {
        assertExpansion(
            """
            @Trace(captureArguments: Flags.capture)
            func run() {
                go()
            }
            """,
            expandedSource: """
                func run() {
                    go()
                }
                """,
            diagnostics: [
                DiagnosticSpec(message: "'captureArguments' must be a Boolean literal ('true' or 'false'): the macro reads it when the code is compiled", line: 1, column: 26),
            ])
    }

    @Test func nonLiteralExclusions() {
        assertExpansion(
            """
            @Trace(captureArguments: true, excluding: secrets)
            func run(a: Int) {
                go()
            }
            """,
            expandedSource: """
                func run(a: Int) {
                    go()
                }
                """,
            diagnostics: [
                DiagnosticSpec(message: "'excluding' must be an array of string literals: the macro reads it when the code is compiled", line: 1, column: 43),
            ])
    }

    @Test func emptyName() {
        assertExpansion(
            """
            @Trace("")
            func run() {
                go()
            }
            """,
            expandedSource: """
                func run() {
                    go()
                }
                """,
            diagnostics: [
                DiagnosticSpec(message: "'name' must not be empty", line: 1, column: 8),
            ])
    }

    @Test func exclusionWithoutCapture() {
        assertExpansion(
            """
            @Trace(excluding: ["a"])
            func run(a: Int) {
                go()
            }
            """,
            expandedSource: """
                func run(a: Int) {
                    return NoveumTrace.traceOperation("run", attributes: ["code.function": "run(a:)", "code.filepath": "Agent.swift", "code.lineno": 2]) { _ in
                        go()
                    }
                }
                """,
            diagnostics: [
                DiagnosticSpec(message: "'excluding' has no effect unless 'captureArguments' is true", line: 1, column: 8, severity: .warning, fixIts: [FixItSpec(message: "Remove 'excluding'")]),
            ],
            applyFixIts: ["Remove 'excluding'"],
            fixedSource: """
                @Trace
                func run(a: Int) {
                    go()
                }
                """)
    }

    @Test func resultOfVoidFunction() {
        assertExpansion(
            """
            @Trace(captureArguments: true, captureResult: true)
            func run() {
                go()
            }
            """,
            expandedSource: """
                func run() {
                    return NoveumTrace.traceOperation("run", attributes: ["code.function": "run()", "code.filepath": "Agent.swift", "code.lineno": 2]) { _ in
                        go()
                    }
                }
                """,
            diagnostics: [
                DiagnosticSpec(message: "'captureResult' has no effect on a function that returns nothing", line: 1, column: 32, severity: .warning, fixIts: [FixItSpec(message: "Remove 'captureResult'")]),
            ],
            applyFixIts: ["Remove 'captureResult'"],
            fixedSource: """
                @Trace(captureArguments: true)
                func run() {
                    go()
                }
                """)
    }

    @Test func resultOfInitializer() {
        assertExpansion(
            """
            struct S {
                @Trace(captureResult: true)
                init() {
                }
            }
            """,
            expandedSource: """
                struct S {
                    init() {
                        let __noveumSpan = NoveumTraceMacros.MacroSupport.startInitializerSpan("init", attributes: ["code.function": "init()", "code.namespace": "S", "code.filepath": "Agent.swift", "code.lineno": 3])
                        defer { NoveumTraceMacros.MacroSupport.endInitializerSpan(__noveumSpan) }
                    }
                }
                """,
            diagnostics: [
                DiagnosticSpec(message: "'captureResult' has no effect on an initializer", line: 2, column: 12, severity: .warning, fixIts: [FixItSpec(message: "Remove 'captureResult'")]),
            ])
    }

    @Test func deinitializer() {
        assertExpansion(
            """
            class Connection {
                @Trace
                deinit {
                    close()
                }
            }
            """,
            expandedSource: """
                class Connection {
                    deinit {
                        close()
                    }
                }
                """,
            diagnostics: [
                DiagnosticSpec(message: "@Trace can only be attached to a function, method or initializer, not to a deinitializer", line: 2, column: 5, fixIts: [FixItSpec(message: "Remove '@Trace'")]),
            ])
    }
}
