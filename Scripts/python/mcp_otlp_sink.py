"""A tiny OTLP/HTTP trace receiver for the MCP interop tests: it writes every span it receives as one JSON line.

  python mcp_otlp_sink.py PORT OUTFILE

Listens on 127.0.0.1:PORT (0 picks a free port) and prints "PORT <n>" on stdout once it listens. Accepts
`POST /v1/traces` with an OTLP ExportTraceServiceRequest as protobuf (`application/x-protobuf`, the default) or
OTLP/JSON (`application/json`), gzip-encoded or not, and answers 200 with an empty ExportTraceServiceResponse in
the same encoding. Every span becomes one line appended to OUTFILE:

  {"trace_id", "span_id", "parent_span_id" (lower-case hex, "" for a root), "trace_state", "name",
   "kind" ("SPAN_KIND_CLIENT", "SPAN_KIND_SERVER", ...),
   "status_code" ("STATUS_CODE_UNSET" / "STATUS_CODE_OK" / "STATUS_CODE_ERROR"), "status_message",
   "attributes" (plain JSON values), "events" ([{"name", "attributes"}]), "service_name", "scope",
   "start_time_unix_nano", "end_time_unix_nano"}

`GET /stats` returns {"requests": n, "spans": n}. Needs the `opentelemetry-proto` package (Scripts/mcp-python.sh
installs it). Runs until killed.
"""

import base64
import gzip
import json
import sys
import threading
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from google.protobuf import json_format
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import (
    ExportTraceServiceRequest,
    ExportTraceServiceResponse,
)
from opentelemetry.proto.trace.v1.trace_pb2 import Span, Status

_lock = threading.Lock()
_counts = {"requests": 0, "spans": 0}
_outfile = ""


def _value(any_value):
    """An OTLP AnyValue as a plain JSON value (bytes as lower-case hex)."""
    which = any_value.WhichOneof("value")
    if which is None:
        return None
    if which == "array_value":
        return [_value(v) for v in any_value.array_value.values]
    if which == "kvlist_value":
        return _attributes(any_value.kvlist_value.values)
    if which == "bytes_value":
        return any_value.bytes_value.hex()
    return getattr(any_value, which)


def _hex_ids_to_base64(request_json):
    """OTLP/JSON spells trace and span ids in hex, where protobuf's JSON mapping expects base64."""

    def fix(obj):
        for key in ("traceId", "spanId", "parentSpanId"):
            if isinstance(obj.get(key), str):
                obj[key] = base64.b64encode(bytes.fromhex(obj[key])).decode()

    for resource_spans in request_json.get("resourceSpans", []):
        for scope_spans in resource_spans.get("scopeSpans", []):
            for span in scope_spans.get("spans", []):
                fix(span)
                for link in span.get("links", []):
                    fix(link)
    return request_json


def _attributes(key_values):
    return {kv.key: _value(kv.value) for kv in key_values}


def _span_lines(request):
    for resource_spans in request.resource_spans:
        resource = _attributes(resource_spans.resource.attributes)
        for scope_spans in resource_spans.scope_spans:
            for span in scope_spans.spans:
                yield {
                    "trace_id": span.trace_id.hex(),
                    "span_id": span.span_id.hex(),
                    "parent_span_id": span.parent_span_id.hex(),
                    "trace_state": span.trace_state,
                    "name": span.name,
                    "kind": Span.SpanKind.Name(span.kind),
                    "status_code": Status.StatusCode.Name(span.status.code),
                    "status_message": span.status.message,
                    "attributes": _attributes(span.attributes),
                    "events": [{"name": e.name, "attributes": _attributes(e.attributes)} for e in span.events],
                    "service_name": resource.get("service.name"),
                    "scope": scope_spans.scope.name,
                    "start_time_unix_nano": span.start_time_unix_nano,
                    "end_time_unix_nano": span.end_time_unix_nano,
                }


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):  # quiet
        pass

    def _reply(self, status, body, content_type):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        if self.path.rstrip("/") == "/stats":
            with _lock:
                body = json.dumps(_counts).encode()
            self._reply(200, body, "application/json")
        else:
            self._reply(404, b"not found", "text/plain")

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if self.path.split("?")[0].rstrip("/") != "/v1/traces":
            self._reply(404, b"not found", "text/plain")
            return
        encoding = (self.headers.get("Content-Encoding") or "").lower()
        is_json = (self.headers.get("Content-Type") or "").lower().startswith("application/json")
        try:
            if encoding == "gzip":
                body = gzip.decompress(body)
            elif encoding == "deflate":
                body = zlib.decompress(body)
            request = ExportTraceServiceRequest()
            if is_json:
                json_format.ParseDict(_hex_ids_to_base64(json.loads(body)), request)
            else:
                request.ParseFromString(body)
        except Exception as error:  # a bad request: say why, keep serving
            self._reply(400, f"cannot decode the request: {error}".encode(), "text/plain")
            return
        lines = [json.dumps(line, sort_keys=True) for line in _span_lines(request)]
        with _lock:
            with open(_outfile, "a", encoding="utf-8") as out:
                out.writelines(line + "\n" for line in lines)
            _counts["requests"] += 1
            _counts["spans"] += len(lines)
        response = ExportTraceServiceResponse()
        if is_json:
            self._reply(200, json_format.MessageToJson(response).encode(), "application/json")
        else:
            self._reply(200, response.SerializeToString(), "application/x-protobuf")


def main():
    global _outfile
    if len(sys.argv) != 3:
        sys.exit("usage: mcp_otlp_sink.py PORT OUTFILE")
    _outfile = sys.argv[2]
    open(_outfile, "a").close()  # exists from the start, even before the first span
    server = ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Handler)
    print(f"PORT {server.server_address[1]}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
