import NoveumTrace
import NoveumTraceMacros
import Testing

/// The macros' spans as exporters receive them.
@Suite struct MacroBehaviourTests {
    @Test func syncFunctionSpanCarriesCodeAttributes() async throws {
        let spans = try await exportedSpans { #expect(add(2, 3) == 5) }
        #expect(spans.count == 1)
        let span = try #require(spans.one("add"))
        #expect(span.status == .ok)
        #expect(span.parentSpanID == nil)
        #expect(span.kind == .internal)
        #expect(span.attributes["code.function"] == .string("add(_:_:)"))
        #expect(span.attributes["code.lineno"] == .int(Int64(addLine)))
        #expect(span.attributes["code.filepath"]?.stringValue?.hasSuffix("TracedFixtures.swift") == true)
        #expect(span.attributes["code.namespace"] == nil)
        #expect(span.attributes["function.args.a"] == nil)
        #expect(span.attributes["function.result"] == nil)
    }

    @Test func explicitNameWins() async throws {
        let spans = try await exportedSpans { renamed() }
        #expect(spans.map(\.name) == ["custom_name"])
        #expect(spans[0].attributes["code.function"] == .string("renamed()"))
    }

    @Test func asyncFunction() async throws {
        let spans = try await exportedSpans { #expect(await asyncValue() == 7) }
        #expect(spans.one("asyncValue")?.status == .ok)
    }

    @Test func thrownErrorIsRecordedAndRethrown() async throws {
        let spans = try await exportedSpans {
            #expect(throws: FixtureError.boom) { try throwing(true) }
            let fine = try throwing(false)
            #expect(fine == "fine")
        }
        let failed = try #require(spans.first { $0.status == .error })
        #expect(failed.name == "throwing")
        #expect(failed.attributes["exception.type"]?.stringValue?.hasSuffix("FixtureError") == true)
        #expect(failed.events.map(\.name) == ["exception"])
        #expect(spans.filter { $0.status == .ok }.count == 1)
    }

    @Test func asyncThrowingError() async throws {
        let spans = try await exportedSpans {
            await #expect(throws: FixtureError.rejected("async")) { try await asyncThrowing(true) }
        }
        let span = try #require(spans.one("asyncThrowing"))
        #expect(span.status == .error)
        #expect(span.exception?.message == "rejected(\"async\")")
    }

    @Test func typedThrowsKeepsTheErrorType() async throws {
        let spans = try await exportedSpans {
            do throws(FixtureError) {
                _ = try typedThrowing(true)
                Issue.record("expected an error")
            } catch {
                // `error` is statically a FixtureError: typed throws survived the expansion.
                let typed: FixtureError = error
                #expect(typed == .rejected("typed"))
            }
            do throws(FixtureError) {
                _ = try await asyncTypedThrowing(true)
            } catch {
                let typed: FixtureError = error
                #expect(typed == .boom)
            }
        }
        #expect(spans.one("typedThrowing")?.status == .error)
        #expect(spans.one("asyncTypedThrowing")?.status == .error)
    }

    @Test func rethrowingFunction() async throws {
        let spans = try await exportedSpans {
            var sum = 0
            forEachValue([1, 2, 3]) { sum += $0 }  // no `try`: it still rethrows only what its argument throws
            #expect(sum == 6)
            #expect(throws: FixtureError.boom) { try forEachValue([1]) { _ in throw FixtureError.boom } }
        }
        #expect(spans.filter { $0.name == "forEachValue" }.map(\.status) == [.ok, .error])
    }

    @Test func localFunction() async throws {
        @Trace("local_step")
        func step(_ value: Int) -> Int { value * 2 }

        let spans = try await exportedSpans { #expect(step(21) == 42) }
        #expect(spans.map(\.name) == ["local_step"])
        #expect(spans[0].attributes["code.function"] == .string("step(_:)"))
        #expect(spans[0].attributes["code.namespace"] == .string("MacroBehaviourTests"))
    }

    @Test func cancellationIsRecordedAsCancelled() async throws {
        let spans = try await exportedSpans { await #expect(throws: CancellationError.self) { try await cancelled() } }
        #expect(spans.one("cancelled")?.status == .cancelled)
    }

    @Test func genericInoutMutatingStaticAndOpaqueShapes() async throws {
        let spans = try await exportedSpans {
            #expect(identity("x") == "x")
            #expect(identity(3) == 3)
            var value = 1
            increment(&value)
            #expect(value == 2)
            var counter = Counter.starting(at: 10)
            #expect(counter.bump(by: 5) == 15)
            #expect(counter.count == 15)
            #expect(makeShape().sides == 4)
        }
        #expect(spans.filter { $0.name == "identity" }.count == 2)
        #expect(spans.one("increment")?.attributes["code.function"] == .string("increment(_:)"))
        let bump = try #require(spans.one("bump"))
        #expect(bump.attributes["code.function"] == .string("bump(by:)"))
        #expect(bump.attributes["code.namespace"] == .string("Counter"))
        #expect(spans.one("starting")?.attributes["code.namespace"] == .string("Counter"))
        #expect(spans.one("makeShape")?.status == .ok)
        #expect(spans.allSatisfy { $0.parentSpanID == nil })
    }

    @Test func actorIsolatedMethodsNest() async throws {
        let inventory = Inventory()
        let spans = try await exportedSpans {
            #expect(await inventory.add("bolt") == 1)
            #expect(await inventory.restock("nut", times: 2) == 3)
        }
        let restock = try #require(spans.one("restock"))
        #expect(restock.attributes["code.namespace"] == .string("Inventory"))
        let adds = spans.filter { $0.name == "add" && $0.attributes["code.namespace"] == .string("Inventory") }
        #expect(adds.count == 3)
        #expect(adds.filter { $0.parentSpanID == restock.spanID }.count == 2)
        #expect(adds.filter { $0.parentSpanID == nil }.count == 1)
    }

    @Test func nestedTracedFunctionsFormATree() async throws {
        let spans = try await exportedSpans {
            let value = try await outer()
            #expect(value == 44)
        }
        let outerSpan = try #require(spans.one("outer"))
        let middleSpan = try #require(spans.one("middle"))
        let leaf = try #require(spans.one("asyncThrowing"))
        let sum = try #require(spans.one("add"))
        #expect(outerSpan.parentSpanID == nil)
        #expect(middleSpan.parentSpanID == outerSpan.spanID)
        #expect(leaf.parentSpanID == middleSpan.spanID)
        #expect(sum.parentSpanID == outerSpan.spanID)
        #expect(Set(spans.map(\.traceID)).count == 1)
    }

    @Test func llmSpan() async throws {
        let spans = try await exportedSpans {
            let reply = try await chat("hi")
            #expect(reply == "reply to hi")
        }
        let span = try #require(spans.one("chat gpt-4"))
        #expect(span.kind == .client)
        #expect(span.attributes["llm.model"] == .string("gpt-4"))
        #expect(span.attributes["llm.provider"] == .string("openai"))
        #expect(span.attributes["gen_ai.operation.name"] == .string("chat"))
        #expect(span.attributes["llm.input_tokens"] == .int(10))
        #expect(span.attributes["code.function"] == .string("chat(_:)"))
        #expect(span.attributes["input.value"] == nil)
        #expect(span.attributes["output.value"] == nil)
    }

    @Test func llmCaptureIsContentAndFollowsThePolicy() async throws {
        let full = try await exportedSpans(redaction: RedactionPolicy(content: .full)) {
            _ = chatCaptured(prompt: "say \"hi\"", temperature: 0.5, apiKey: "secret")
        }
        let span = try #require(full.one("chat gpt-4"))
        #expect(span.attributes["input.value"] == .string(#"{"prompt":"say \"hi\"","temperature":0.5}"#))
        #expect(span.attributes["input.mime_type"] == .string("application/json"))
        #expect(span.attributes["output.value"] == .string("echo: say \"hi\""))
        #expect(span.attributes["function.args.prompt"] == nil)

        let truncated = try await exportedSpans(redaction: RedactionPolicy(content: .truncated(10))) {
            _ = chatCaptured(prompt: "a long prompt that is cut", temperature: 0.5, apiKey: "secret")
        }
        #expect(truncated.one("chat gpt-4")?.attributes["output.value"] == .string("echo: a lo…[truncated 21 chars]"))

        let off = try await exportedSpans(redaction: RedactionPolicy(content: .off)) {
            _ = chatCaptured(prompt: "private", temperature: 0.5, apiKey: "secret")
        }
        let hidden = try #require(off.one("chat gpt-4"))
        #expect(hidden.attributes["input.value"] == nil)
        #expect(hidden.attributes["output.value"] == nil)
        #expect(hidden.attributes["llm.model"] == .string("gpt-4"))
    }

    @Test func agentToolAndRetrievalSpansNest() async throws {
        let spans = try await exportedSpans(redaction: RedactionPolicy(content: .full)) {
            let steps = try await plan(goal: "ship")
            #expect(steps == ["hit for ship", "6"])
            defaultAgent()
        }
        let agent = try #require(spans.one("invoke_agent planner"))
        #expect(agent.attributes["agent.role"] == .string("coordinator"))
        #expect(agent.attributes["code.function"] == .string("plan(goal:)"))
        let retrieval = try #require(spans.one("retrieval docs"))
        #expect(retrieval.parentSpanID == agent.spanID)
        #expect(retrieval.attributes["retrieval.index"] == .string("docs"))
        #expect(retrieval.attributes["function.args.query"] == .string("ship"))
        #expect(retrieval.attributes["function.result"] == .string("hit for ship"))
        let tool = try #require(spans.one("execute_tool calculator"))
        #expect(tool.parentSpanID == agent.spanID)
        #expect(tool.attributes["gen_ai.tool.call.arguments"] == .string(#"{"a":2,"b":3}"#))
        #expect(tool.attributes["gen_ai.tool.call.result"] == .string("6"))
        #expect(spans.one("invoke_agent defaultAgent") != nil)
    }

    @Test func argumentCaptureIsOptInAndHonoursExclusions() async throws {
        let spans = try await exportedSpans {
            #expect(login(user: "ada", password: "hunter2", attempts: 1, tags: ["a", "b"], note: nil))
            authorize(Credentials(user: "bob"), for: "admin") {}
        }
        let span = try #require(spans.one("login"))
        #expect(span.attributes["function.args.user"] == .string("ada"))
        #expect(span.attributes["function.args.password"] == nil)
        #expect(span.attributes["function.args.attempts"] == .int(1))
        #expect(span.attributes["function.args.tags"] == .stringArray(["a", "b"]))
        #expect(span.attributes["function.args.note"] == nil)
        #expect(span.attributes["function.result"] == .bool(true))
        let authorizeSpan = try #require(spans.one("authorize"))
        #expect(authorizeSpan.attributes["function.args.credentials"] == .string("Credentials(bob)"))
        #expect(authorizeSpan.attributes["function.args.scope"] == .string("admin"))
        #expect(authorizeSpan.attributes["function.args.completion"] == nil)
    }

    @Test func capturedValuesPassThroughRedactionAndSizeLimits() async throws {
        let spans = try await exportedSpans(redaction: RedactionPolicy(maxValueLength: 12)) {
            _ = login(user: "ada@example.com", password: "x", attempts: 1, tags: [], note: String(repeating: "n", count: 40))
        }
        let span = try #require(spans.one("login"))
        #expect(span.attributes["function.args.user"]?.stringValue?.contains("ada@example.com") == false)
        let note = try #require(span.attributes["function.args.note"]?.stringValue)
        #expect(!note.hasPrefix(String(repeating: "n", count: 13)))
    }

    @Test func initializerSpans() async throws {
        let spans = try await exportedSpans {
            #expect(throws: FixtureError.rejected("empty name")) { try Profile(name: "") }
            let profile = try Profile(name: "ada")
            #expect(profile.name == "ada")
            #expect(Profile(guest: 7).name == "guest-7")
        }
        let inits = spans.filter { $0.name == "init" }
        #expect(inits.map(\.status).sorted { "\($0)" < "\($1)" } == [.error, .ok].sorted { "\($0)" < "\($1)" })
        let failed = try #require(inits.first { $0.status == .error })
        #expect(failed.attributes["code.function"] == .string("init(name:)"))
        #expect(failed.attributes["code.namespace"] == .string("Profile"))
        #expect(failed.events.map(\.name) == ["exception"])
        let guest = try #require(spans.one("Profile.guest"))
        #expect(guest.attributes["function.args.id"] == .int(7))
        #expect(guest.status == .ok)
    }

    @Test func initializerSpanNestsUnderTheCaller() async throws {
        let (client, exporter) = try makeClient()
        try NoveumTrace.withClient(client) {
            try NoveumTrace.traceOperation("caller") { _ in _ = try Profile(name: "x") }
        }
        await client.flush()
        let caller = try #require(exporter.spans.one("caller"))
        #expect(exporter.spans.one("init")?.parentSpanID == caller.spanID)
    }

    @Test func sampledOutCallsRecordNothing() async throws {
        let (client, exporter) = try makeClient(samplingRate: 0)
        NoveumTrace.withClient(client) {
            #expect(login(user: "a", password: "b", attempts: 9, tags: [], note: nil) == false)
            #expect(calculator(4, 5) == 20)
        }
        await client.flush()
        #expect(exporter.spans.isEmpty)
    }
}
