"""A small trace receiver on 127.0.0.1 (plain http), shared by the Python SDK benchmark and the payload-parity
check. It accepts `POST …/v1/traces` (gzip or not), counts traces and spans, and keeps every request it got:

  GET /stats      the counts, as JSON
  GET /requests   every request so far: [{"path", "headers" (names lower-cased), "body" (parsed JSON)}, ...]

Run: python capture_server.py [--port 0] [--keep N]   (prints "PORT <n>" once it listens)
`--keep` bounds how many requests are kept (default 0: none, for the benchmark, which sends thousands).
"""

import argparse
import gzip
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

_lock = threading.Lock()
_counts = {"requests": 0, "traces": 0, "spans": 0, "bytes": 0}
_kept = []
_keep = 0


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
        path = self.path.rstrip("/")
        with _lock:
            if path.endswith("/stats"):
                self._reply(200, dict(_counts))
            elif path.endswith("/requests"):
                self._reply(200, list(_kept))
            else:
                self._reply(200, {"status": "ok"})

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length)
        body = gzip.decompress(raw) if self.headers.get("Content-Encoding") == "gzip" else raw
        traces = spans = 0
        payload = None
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
            if len(_kept) < _keep:
                headers = {name.lower(): value for name, value in self.headers.items()}
                _kept.append({"path": self.path, "headers": headers, "body": payload})
        self._reply(200, {"success": True, "message": "accepted", "count": traces})


def main():
    global _keep
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--keep", type=int, default=0, help="how many requests to keep for GET /requests")
    args = parser.parse_args()
    _keep = args.keep
    server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    server.daemon_threads = True
    print(f"PORT {server.server_address[1]}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
