import Foundation
import NoveumTrace
import Testing

/// Nanoseconds since the epoch of 2026-11-27T03:39:46 plus `micros` microseconds: the reference payload's times.
private func t(_ micros: UInt64, plusNanos nanos: UInt64 = 0) -> UInt64 {
    1_795_750_786_000_000_000 + micros * 1_000 + nanos
}

/// Removes the whitespace outside JSON strings, so expected payloads can be written readably.
func compactJSON(_ pretty: String) -> String {
    var result = ""
    var inString = false
    var escaped = false
    for character in pretty {
        if inString {
            result.append(character)
            if escaped {
                escaped = false
            } else if character == "\\" {
                escaped = true
            } else if character == "\"" {
                inString = false
            }
        } else if character == "\"" {
            inString = true
            result.append(character)
        } else if !character.isWhitespace {
            result.append(character)
        }
    }
    return result
}

private let traceA = TraceID(hex: "750124058d5d4148990d06d9f11aa258")!
private let traceB = TraceID(hex: "7b8c77cbb8594eb498fc35e92ed2b87f")!
private let rootID = SpanID(hex: "9de0eb36f38e4f52")!
private let child0 = SpanID(hex: "0e9fce536c334d65")!
private let child1 = SpanID(hex: "afebbccfa5194b60")!
private let llmID = SpanID(hex: "ba56fa4b14f24f67")!

private func context(_ trace: TraceID, _ span: SpanID) -> SpanContext {
    SpanContext(traceID: trace, spanID: span, isSampled: true)
}

/// The spans of the product document's examples, as the client records them, in the order they finish.
private func referenceSpans() -> [SpanData] {
    let q0 = SpanData(
        context: context(traceA, child0), parentSpanID: rootID, name: "query_processing_0",
        startTimeNanos: t(591_885, plusNanos: 400), endTimeNanos: t(591_898, plusNanos: 400), status: .ok,
        attributes: ["query.index": 0, "query.text": "q", "query.success": true])
    let q1 = SpanData(
        context: context(traceA, child1), parentSpanID: rootID, name: "query_processing_1",
        startTimeNanos: t(591_921), endTimeNanos: t(592_416), status: .error, statusMessage: "boom",
        attributes: ["query.index": 1, "query.text": "q", "exception.type": "ValueError", "exception.message": "boom"],
        events: [
            NoveumSpan.Event(
                name: "exception", timeNanos: t(592_398),
                attributes: ["exception.type": "ValueError", "exception.message": "boom"])
        ],
        exception: NoveumSpan.ExceptionInfo(type: "ValueError", message: "boom"))
    let root = SpanData(
        context: context(traceA, rootID), name: "batch_query_processing", startTimeNanos: t(591_861),
        endTimeNanos: t(592_431), status: .ok, attributes: ["batch.size": 2, "batch.operation": "llm_processing"])
    let llm = SpanData(
        context: context(traceB, llmID), name: "chat gpt-4", kind: .client, startTimeNanos: t(596_712),
        endTimeNanos: t(596_734),
        attributes: [
            "llm.model": "gpt-4", "llm.provider": "openai", "llm.input_tokens": 12, "llm.total_tokens": 46,
            "llm.response": "hello", "search.top_score": 0.9,
        ])
    return [q0, q1, root, llm]
}

private let v = NoveumTrace.version

private let expectedResource = """
    {"service.name": "production-app", "deployment.environment": "development",
     "deployment.environment.name": "development", "noveum.project": "production-app",
     "telemetry.sdk.name": "noveum-trace-swift", "telemetry.sdk.version": "\(v)", "telemetry.sdk.language": "swift"}
    """

private let expectedTraceAttributes = """
    "attributes": {"noveum.project": "production-app", "noveum.environment": "development",
                   "noveum.sdk.version": "\(v)", "noveum.sampling.decision": "record"},
    "metadata": {"user_id": null, "session_id": null, "request_id": null, "tags": {}, "custom_attributes": {}},
    """

private let expectedTraceTail = """
    "events": [],
    "sdk": {"name": "noveum-trace-swift", "version": "\(v)"},
    "project": "production-app",
    "environment": "development",
    "schema_version": "2.0",
    """

private let scope = """
    "scope": {"name": "noveum-trace-swift", "version": "\(v)"}
    """

/// The exact body for `referenceSpans()`, key for key in the order of the Python SDK's reference payload.
private let expectedReferenceBody = """
    {
      "traces": [
        {
          "trace_id": "750124058d5d4148990d06d9f11aa258",
          "name": "batch_query_processing",
          "start_time": "2026-11-27T03:39:46.591861+00:00",
          "end_time": "2026-11-27T03:39:46.592431+00:00",
          "duration_ms": 0.57,
          "status": "error",
          "status_message": "boom",
          "span_count": 3,
          "error_count": 1,
          \(expectedTraceAttributes)
          "spans": [
            {
              "span_id": "9de0eb36f38e4f52",
              "trace_id": "750124058d5d4148990d06d9f11aa258",
              "parent_span_id": null,
              "name": "batch_query_processing",
              "start_time": "2026-11-27T03:39:46.591861+00:00",
              "end_time": "2026-11-27T03:39:46.592431+00:00",
              "duration_ms": 0.57,
              "status": "ok",
              "status_message": null,
              "attributes": {"batch.size": 2, "batch.operation": "llm_processing"},
              "events": [],
              "links": [],
              "otel": {
                "trace_id": "750124058d5d4148990d06d9f11aa258",
                "span_id": "9de0eb36f38e4f52",
                "parent_span_id": null,
                "kind": "INTERNAL",
                "status": {"code": "OK"},
                "name": "batch_query_processing",
                \(scope)
              }
            },
            {
              "span_id": "0e9fce536c334d65",
              "trace_id": "750124058d5d4148990d06d9f11aa258",
              "parent_span_id": "9de0eb36f38e4f52",
              "name": "query_processing_0",
              "start_time": "2026-11-27T03:39:46.591885+00:00",
              "end_time": "2026-11-27T03:39:46.591898+00:00",
              "duration_ms": 0.013,
              "status": "ok",
              "status_message": null,
              "attributes": {"query.index": 0, "query.text": "q", "query.success": true},
              "events": [],
              "links": [],
              "otel": {
                "trace_id": "750124058d5d4148990d06d9f11aa258",
                "span_id": "0e9fce536c334d65",
                "parent_span_id": "9de0eb36f38e4f52",
                "kind": "INTERNAL",
                "status": {"code": "OK"},
                "name": "query_processing_0",
                \(scope)
              }
            },
            {
              "span_id": "afebbccfa5194b60",
              "trace_id": "750124058d5d4148990d06d9f11aa258",
              "parent_span_id": "9de0eb36f38e4f52",
              "name": "query_processing_1",
              "start_time": "2026-11-27T03:39:46.591921+00:00",
              "end_time": "2026-11-27T03:39:46.592416+00:00",
              "duration_ms": 0.495,
              "status": "error",
              "status_message": "boom",
              "attributes": {"query.index": 1, "query.text": "q", "exception.type": "ValueError",
                             "exception.message": "boom"},
              "events": [
                {
                  "name": "exception",
                  "timestamp": "2026-11-27T03:39:46.592398+00:00",
                  "attributes": {"exception.type": "ValueError", "exception.message": "boom"}
                }
              ],
              "links": [],
              "exception": {"type": "ValueError", "message": "boom"},
              "otel": {
                "trace_id": "750124058d5d4148990d06d9f11aa258",
                "span_id": "afebbccfa5194b60",
                "parent_span_id": "9de0eb36f38e4f52",
                "kind": "INTERNAL",
                "status": {"code": "ERROR", "message": "boom"},
                "name": "query_processing_1",
                \(scope)
              }
            }
          ],
          \(expectedTraceTail)
          "otel": {"trace_id": "750124058d5d4148990d06d9f11aa258", "resource": \(expectedResource)}
        },
        {
          "trace_id": "7b8c77cbb8594eb498fc35e92ed2b87f",
          "name": "chat gpt-4",
          "start_time": "2026-11-27T03:39:46.596712+00:00",
          "end_time": "2026-11-27T03:39:46.596734+00:00",
          "duration_ms": 0.022,
          "status": "ok",
          "status_message": null,
          "span_count": 1,
          "error_count": 0,
          \(expectedTraceAttributes)
          "spans": [
            {
              "span_id": "ba56fa4b14f24f67",
              "trace_id": "7b8c77cbb8594eb498fc35e92ed2b87f",
              "parent_span_id": null,
              "name": "chat gpt-4",
              "start_time": "2026-11-27T03:39:46.596712+00:00",
              "end_time": "2026-11-27T03:39:46.596734+00:00",
              "duration_ms": 0.022,
              "status": "unset",
              "status_message": null,
              "attributes": {"llm.model": "gpt-4", "llm.provider": "openai", "llm.input_tokens": 12,
                             "llm.total_tokens": 46, "llm.response": "hello", "search.top_score": 0.9},
              "events": [],
              "links": [],
              "otel": {
                "trace_id": "7b8c77cbb8594eb498fc35e92ed2b87f",
                "span_id": "ba56fa4b14f24f67",
                "parent_span_id": null,
                "kind": "CLIENT",
                "status": {"code": "UNSET"},
                "name": "chat gpt-4",
                \(scope)
              }
            }
          ],
          \(expectedTraceTail)
          "otel": {"trace_id": "7b8c77cbb8594eb498fc35e92ed2b87f", "resource": \(expectedResource)}
        }
      ],
      "timestamp": 1795750786.5
    }
    """

private func encoder() -> NoveumJSONEncoder {
    NoveumJSONEncoder(context: .standalone(project: "production-app", environment: "development"))
}

private func decode(_ body: [UInt8]) throws -> [String: Any] {
    try #require(try JSONSerialization.jsonObject(with: Data(body)) as? [String: Any])
}

@Suite("Noveum JSON encoder")
struct NoveumJSONEncoderTests {
    @Test("the reference examples encode to the exact expected body")
    func exactReferencePayload() throws {
        let body = encoder().encode(referenceSpans(), timestampNanos: 1_795_750_786_500_000_000)
        let text = String(decoding: body, as: UTF8.self)
        #expect(text == compactJSON(expectedReferenceBody))
        // And it is JSON that Foundation reads.
        let json = try decode(body)
        #expect((json["traces"] as? [Any])?.count == 2)
    }

    @Test("trace and span objects have exactly the reference payload's keys")
    func shapeMatchesReference() throws {
        let json = try decode(encoder().encode(referenceSpans()))
        let trace = try #require(json.array("traces")?.first)
        #expect(json.sortedKeys == ["timestamp", "traces"])
        #expect(json["timestamp"] is Double)
        #expect(
            trace.sortedKeys
                == [
                    "attributes", "duration_ms", "end_time", "environment", "error_count", "events", "metadata", "name",
                    "otel", "project", "schema_version", "sdk", "span_count", "spans", "start_time", "status",
                    "status_message", "trace_id",
                ])
        #expect(
            try #require(trace.object("metadata")).sortedKeys
                == ["custom_attributes", "request_id", "session_id", "tags", "user_id"])
        #expect(try #require(trace.object("otel")).sortedKeys == ["resource", "trace_id"])
        let spans = try #require(trace.array("spans"))
        let plainKeys = [
            "attributes", "duration_ms", "end_time", "events", "links", "name", "otel", "parent_span_id", "span_id",
            "start_time", "status", "status_message", "trace_id",
        ]
        #expect(spans[0].sortedKeys == plainKeys)
        #expect(spans[2].sortedKeys == (plainKeys + ["exception"]).sorted())
        #expect(
            try #require(spans[0].object("otel")).sortedKeys
                == ["kind", "name", "parent_span_id", "scope", "span_id", "status", "trace_id"])
        let event = try #require(spans[2].array("events")?.first)
        #expect(event.sortedKeys == ["attributes", "name", "timestamp"])
    }

    @Test("spans of one trace that arrive in separate batches repeat the trace id and carry only their spans")
    func partialTraces() throws {
        let spans = referenceSpans()
        // The first batch holds the two children only, the second the root.
        let first = try decode(encoder().encode([spans[0], spans[1]]))
        let second = try decode(encoder().encode([spans[2]]))
        let a = try #require(first.array("traces")?.first)
        let b = try #require(second.array("traces")?.first)
        #expect(a.string("trace_id") == "750124058d5d4148990d06d9f11aa258")
        #expect(b.string("trace_id") == "750124058d5d4148990d06d9f11aa258")
        // Without its root, a trace is named after its earliest span.
        #expect(a.string("name") == "query_processing_0")
        #expect(a["span_count"] as? Int == 2)
        #expect(a["error_count"] as? Int == 1)
        #expect(a.string("status") == "error")
        #expect(a.string("start_time") == "2026-11-27T03:39:46.591885+00:00")
        #expect(a.string("end_time") == "2026-11-27T03:39:46.592416+00:00")
        #expect(b.string("name") == "batch_query_processing")
        #expect(b["span_count"] as? Int == 1)
        #expect(b.string("status") == "ok")
        #expect(b.isNull("status_message"))
    }

    @Test("traces keep batch order and interleaved spans are grouped")
    func grouping() throws {
        let s = referenceSpans()
        let json = try decode(encoder().encode([s[3], s[0], s[3].withName("again"), s[2], s[1]]))
        let traces = try #require(json.array("traces"))
        #expect(traces.map { $0.string("trace_id") } == [traceB.description, traceA.description])
        #expect(traces[0]["span_count"] as? Int == 2)
        #expect(traces[1]["span_count"] as? Int == 3)
        #expect(try #require(traces[1].array("spans")).map { $0.string("name") }
            == ["batch_query_processing", "query_processing_0", "query_processing_1"])
    }

    @Test("metadata takes user.id, session.id and request.id from the spans")
    func metadataFromAttributes() throws {
        var s = referenceSpans()
        s[0].attributes["user.id"] = "user-7"
        s[2].attributes["session.id"] = "session-1"
        s[1].attributes["request.id"] = .int(42)
        let json = try decode(encoder().encode(Array(s[0...2])))
        let metadata = try #require(json.array("traces")?.first?.object("metadata"))
        #expect(metadata.string("user_id") == "user-7")
        #expect(metadata.string("session_id") == "session-1")
        #expect(metadata.string("request_id") == "42")
        #expect((metadata["tags"] as? [String: Any])?.isEmpty == true)
    }

    @Test("links, stack traces, arrays, timeout and cancelled statuses")
    func otherFields() throws {
        let linked = SpanContext(traceID: traceB, spanID: llmID, isSampled: true)
        let span = SpanData(
            context: context(traceA, rootID), name: "work", kind: .server, startTimeNanos: t(1),
            endTimeNanos: t(2), status: .timeout, statusMessage: "took 30 s",
            attributes: [
                "tags": .stringArray(["a", "b"]), "ids": .intArray([1, -2]), "scores": .doubleArray([0.5, .nan]),
                "flags": .boolArray([true, false]),
            ],
            links: [NoveumSpan.Link(context: linked, attributes: ["link.kind": "cause"])],
            exception: NoveumSpan.ExceptionInfo(type: "App.Timeout", message: "late", stackTrace: "frame 0\nframe 1"))
        let body = String(decoding: encoder().encode([span]), as: UTF8.self)
        let expectedSpanPart = compactJSON(
            """
            "status": "timeout", "status_message": "took 30 s",
            "attributes": {"tags": ["a", "b"], "ids": [1, -2], "scores": [0.5, "NaN"], "flags": [true, false]},
            "events": [],
            "links": [{"trace_id": "7b8c77cbb8594eb498fc35e92ed2b87f", "span_id": "ba56fa4b14f24f67",
                       "attributes": {"link.kind": "cause"}}],
            "exception": {"type": "App.Timeout", "message": "late", "stack_trace": "frame 0\\nframe 1"},
            "otel": {"trace_id": "750124058d5d4148990d06d9f11aa258", "span_id": "9de0eb36f38e4f52",
                     "parent_span_id": null, "kind": "SERVER", "status": {"code": "ERROR", "message": "timeout: took 30 s"},
            """)
        #expect(body.contains(expectedSpanPart))
        #expect(body.contains(compactJSON(#""status": "error", "status_message": "took 30 s", "span_count": 1"#)))

        var cancelled = span
        cancelled.status = .cancelled
        cancelled.statusMessage = "cancelled"
        let cancelledBody = String(decoding: encoder().encode([cancelled]), as: UTF8.self)
        #expect(cancelledBody.contains(#""status":{"code":"ERROR","message":"cancelled"}"#))
        // Cancelled is not a failure: the trace is ok.
        #expect(cancelledBody.contains(#""status":"ok","status_message":null,"span_count":1,"error_count":0"#))

        var failedWithoutMessage = span
        failedWithoutMessage.status = .error
        failedWithoutMessage.statusMessage = nil
        let errorBody = String(decoding: encoder().encode([failedWithoutMessage]), as: UTF8.self)
        #expect(errorBody.contains(#""status":{"code":"ERROR"},"name":"work""#))
    }

    @Test("NaN, infinities, control characters, emoji, quotes and empty strings stay valid JSON")
    func hostileValues() throws {
        var controls = ""
        for scalar in 0..<0x20 { controls.unicodeScalars.append(Unicode.Scalar(UInt8(scalar))) }
        let strange = "quote \" backslash \\ slash / del \u{7F} line-sep \u{2028} emoji 👩‍👩‍👧 é 漢字 \u{FFFD}"
        // Bytes that are not UTF-8 become U+FFFD when the String is made: the encoder never sees them.
        let repaired = String(decoding: [0x61, 0xFF, 0xFE, 0x62, 0xC3], as: UTF8.self)
        let span = SpanData(
            context: context(traceA, rootID), name: "", startTimeNanos: t(1), endTimeNanos: t(1),
            statusMessage: controls,
            attributes: [
                "nan": .double(.nan), "inf": .double(.infinity), "-inf": .double(-.infinity), "empty": "",
                "controls": .string(controls), "strange": .string(strange), "": "empty key", "key\n\"x\"": 1,
                "repaired": .string(repaired), "tiny": .double(1e-300), "huge": .double(1.5e300),
                "negzero": .double(-0.0), "max": .int(.max), "min": .int(.min),
            ],
            events: [NoveumSpan.Event(name: "\u{0}\u{1}", timeNanos: t(1))])
        let body = encoder().encode([span])
        let json = try decode(body)
        let decodedSpan = try #require(json.array("traces")?.first?.array("spans")?.first)
        let attributes = try #require(decodedSpan.object("attributes"))
        #expect(attributes.string("nan") == "NaN")
        #expect(attributes.string("inf") == "Infinity")
        #expect(attributes.string("-inf") == "-Infinity")
        #expect(attributes.string("empty") == "")
        #expect(attributes.string("controls") == controls)
        #expect(attributes.string("strange") == strange)
        #expect(attributes.string("") == "empty key")
        #expect(attributes["key\n\"x\""] as? Int == 1)
        #expect(attributes.string("repaired") == "a\u{FFFD}\u{FFFD}b\u{FFFD}")
        #expect(attributes["tiny"] as? Double == 1e-300)
        #expect(attributes["huge"] as? Double == 1.5e300)
        #expect((attributes["max"] as? NSNumber)?.int64Value == .max)
        #expect((attributes["min"] as? NSNumber)?.int64Value == .min)
        #expect(decodedSpan.string("name") == "")
        #expect(decodedSpan.string("status_message") == controls)
        #expect(decodedSpan.array("events")?.first?.string("name") == "\u{0}\u{1}")
        // Control characters are escaped, never raw.
        #expect(!body.contains(where: { $0 < 0x20 }))
        // JSONDecoder agrees.
        struct Body: Decodable {
            struct Trace: Decodable { var trace_id: String; var span_count: Int }
            var traces: [Trace]
            var timestamp: Double
        }
        let typed = try JSONDecoder().decode(Body.self, from: Data(body))
        #expect(typed.traces.first?.span_count == 1)
    }

    @Test("ISO 8601 times: microseconds, UTC, leap days, the epoch, the largest time a span can hold")
    func isoTimes() throws {
        let cases: [(UInt64, String)] = [
            (0, "1970-01-01T00:00:00.000000+00:00"),
            (951_868_799_999_999_999, "2000-02-29T23:59:59.999999+00:00"),
            (1_795_750_786_591_861_999, "2026-11-27T03:39:46.591861+00:00"),
            (4_102_444_800_000_001_000, "2100-01-01T00:00:00.000001+00:00"),
            (UInt64.max, "2554-07-21T23:34:33.709551+00:00"),
        ]
        for (nanos, expected) in cases {
            let span = SpanData(
                context: context(traceA, rootID), name: "x", startTimeNanos: nanos, endTimeNanos: nanos)
            let json = try decode(encoder().encode([span]))
            #expect(json.array("traces")?.first?.array("spans")?.first?.string("start_time") == expected)
        }
    }

    @Test("an empty batch is a valid body with no traces")
    func emptyBatch() throws {
        let json = try decode(encoder().encode([], timestampNanos: 1_000_000_000))
        #expect(json.array("traces")?.isEmpty == true)
        #expect(json["timestamp"] as? Double == 1.0)
    }
}

extension SpanData {
    func withName(_ name: String) -> SpanData {
        var copy = self
        copy.name = name
        copy.context = SpanContext(
            traceID: traceID, spanID: SpanID(rawValue: spanID.rawValue &+ 1), isSampled: true)
        return copy
    }
}
