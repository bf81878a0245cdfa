"""A small trace exported by the official OpenTelemetry Python SDK over OTLP/HTTP (protobuf), for the receiver tests.

Usage: otlp_sender.py ENDPOINT [SERVICE]
  ENDPOINT: the receiver's base URL (http://127.0.0.1:PORT); spans go to ENDPOINT/v1/traces.
Prints one JSON line: {"trace_id": ..., "spans": {name: span_id}}.

The trace: a root SERVER span "handle request" with attributes of every type, an event, a link and status OK; a child
"load documents" with an event carrying attributes; a child "call tool" that fails (status ERROR with a message and an
exception event). OTEL_EXPORTER_OTLP_HEADERS and OTEL_EXPORTER_OTLP_COMPRESSION are honoured as usual.
"""
import json
import sys

from opentelemetry import trace
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.trace import Link, SpanContext, SpanKind, Status, StatusCode, TraceFlags

endpoint = sys.argv[1].rstrip("/")
service = sys.argv[2] if len(sys.argv) > 2 else "python-rag"
provider = TracerProvider(resource=Resource.create({"service.name": service, "service.version": "1.2.3"}))
exporter = OTLPSpanExporter(endpoint=endpoint + "/v1/traces")
provider.add_span_processor(SimpleSpanProcessor(exporter))
tracer = provider.get_tracer("receiver-test", "0.1")

linked = SpanContext(trace_id=0x0AF7651916CD43DD8448EB211C80319C, span_id=0xB7AD6B7169203331, is_remote=True,
                     trace_flags=TraceFlags(1))
ids = {}
with tracer.start_as_current_span(
    "handle request", kind=SpanKind.SERVER, links=[Link(linked, {"link.reason": "retry-of"})],
    attributes={"http.route": "/answer", "retry.count": 2, "score": 0.75, "cached": False,
                "tags": ["a", "b"], "sizes": [1, 2, 3], "weights": [0.5, 1.5], "flags": [True, False]},
) as root:
    root.add_event("request.accepted", {"queue.depth": 3})
    ids["handle request"] = format(root.get_span_context().span_id, "016x")
    with tracer.start_as_current_span("load documents", kind=SpanKind.CLIENT) as load:
        load.add_event("documents.loaded", {"count": 4, "source": "wiki"})
        ids["load documents"] = format(load.get_span_context().span_id, "016x")
    with tracer.start_as_current_span("call tool", record_exception=False, set_status_on_exception=False) as tool:
        ids["call tool"] = format(tool.get_span_context().span_id, "016x")
        tool.record_exception(ValueError("tool exploded"))
        tool.set_status(Status(StatusCode.ERROR, "tool exploded"))
    root.set_status(Status(StatusCode.OK))
    trace_id = format(root.get_span_context().trace_id, "032x")
provider.shutdown()
print(json.dumps({"trace_id": trace_id, "spans": ids}), flush=True)
