"""A Python HTTP service instrumented with the official OpenTelemetry SDK, exporting over OTLP/HTTP: the far side of
the cross-language tests (a Swift gateway calls it with `traceparent`; both sides' spans must form one tree).

Usage: otel_http_service.py ENDPOINT [SERVICE]
  ENDPOINT: the receiver's base URL; spans go to ENDPOINT/v1/traces (SimpleSpanProcessor: exported before the
  response is written, so a caller that got its answer finds the spans stored).
Prints "PORT <n>" once listening on 127.0.0.1, then serves until killed.

POST /answer: continues the caller's trace from its `traceparent` with a SERVER span "POST /answer", and under it a
retrieval span and a GenAI chat span (gpt-4o-mini, 120 input / 30 output tokens, written in the GenAI and
OpenInference vocabularies as Python instrumentations write them). Answers {"answer": ..., "trace_id": ...}.
"""
import json
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from opentelemetry import propagate, trace
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.trace import SpanKind

endpoint = sys.argv[1].rstrip("/")
service = sys.argv[2] if len(sys.argv) > 2 else "python-rag"
provider = TracerProvider(resource=Resource.create({"service.name": service}))
provider.add_span_processor(SimpleSpanProcessor(OTLPSpanExporter(endpoint=endpoint + "/v1/traces")))
tracer = provider.get_tracer("rag-service", "1.0")


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        question = json.loads(self.rfile.read(length) or b"{}").get("question", "")
        parent = propagate.extract({key.lower(): value for key, value in self.headers.items()})
        with tracer.start_as_current_span("POST /answer", context=parent, kind=SpanKind.SERVER,
                                          attributes={"http.request.method": "POST", "http.route": "/answer"}) as span:
            with tracer.start_as_current_span("retrieve documents", attributes={
                    "openinference.span.kind": "RETRIEVER", "retrieval.query": question}):
                pass
            with tracer.start_as_current_span("chat gpt-4o-mini", kind=SpanKind.CLIENT, attributes={
                    "gen_ai.operation.name": "chat", "gen_ai.system": "openai", "gen_ai.request.model": "gpt-4o-mini",
                    "gen_ai.response.model": "gpt-4o-mini", "gen_ai.usage.input_tokens": 120,
                    "gen_ai.usage.output_tokens": 30}):
                pass
            trace_id = format(span.get_span_context().trace_id, "032x")
        body = json.dumps({"answer": "42", "trace_id": trace_id}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
print(f"PORT {server.server_address[1]}", flush=True)
server.serve_forever()
