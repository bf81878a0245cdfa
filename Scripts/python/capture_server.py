"""A tiny trace receiver for the Python SDK comparison: it accepts POST /…/v1/traces, counts traces and spans,
and answers `GET /stats` with the counts as JSON. Plain http on 127.0.0.1 only.

Run: python capture_server.py [--port 0]   (prints "PORT <n>" once it listens)
"""

import argparse
import gzip
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

_lock = threading.Lock()
_counts = {"requests": 0, "traces": 0, "spans": 0, "bytes": 0}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):  # quiet
        pass

    def _reply(self, status, body):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        if self.path.rstrip("/").endswith("/stats"):
            with _lock:
                self._reply(200, dict(_counts))
        else:
            self._reply(200, {"status": "ok"})

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length)
        body = gzip.decompress(raw) if self.headers.get("Content-Encoding") == "gzip" else raw
        traces = spans = 0
        if self.path.rstrip("/").endswith("/v1/traces"):
            try:
                payload = json.loads(body)
                items = payload.get("traces", [payload]) if isinstance(payload, dict) else []
                traces = len(items)
                spans = sum(len(t.get("spans", [])) for t in items if isinstance(t, dict))
            except ValueError:
                self._reply(400, {"success": False, "error": "invalid json"})
                return
        with _lock:
            _counts["requests"] += 1
            _counts["traces"] += traces
            _counts["spans"] += spans
            _counts["bytes"] += len(raw)
        self._reply(200, {"success": True, "message": "accepted", "count": traces})


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args()
    server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    server.daemon_threads = True
    print(f"PORT {server.server_address[1]}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
