"""The Python `noveum-trace` SDK on the workload of the Swift suite's case "09 trace of 10 spans": traces of one
root span and 9 children, each started and finished by hand, exported over plain http to a capture server running
in its own process on 127.0.0.1. Prints the per-span cost on the caller's thread (p50 over rounds) and checks
that every span reached the server.

Run through Benchmarks/python/run.sh, which makes the venv; or by hand:
    NOVEUM_ALLOW_INSECURE_TRANSPORT=true .venv/bin/python python/bench_noveum_trace.py [--traces 1000]
Writes one JSON object on its last line of output (and to --json PATH when given).
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))


def start_server():
    proc = subprocess.Popen(
        [sys.executable, os.path.join(HERE, "..", "..", "Scripts", "python", "capture_server.py"), "--port", "0"],
        stdout=subprocess.PIPE,
        text=True,
    )
    line = proc.stdout.readline().strip()
    if not line.startswith("PORT "):
        proc.kill()
        raise SystemExit(f"capture server did not start: {line!r}")
    return proc, int(line.split()[1])


def server_stats(port):
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/stats", timeout=5) as response:
        return json.loads(response.read())


def one_trace(client):
    trace = client.start_trace("trace")
    root = client.start_span("root")
    for _ in range(9):
        child = client.start_span("span")
        client.finish_span(child)
    client.finish_span(root)
    client.finish_trace(trace)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--traces", type=int, default=1000, help="measured traces (10 spans each)")
    parser.add_argument("--round", type=int, default=20, help="traces per timed round")
    parser.add_argument("--warmup", type=int, default=50, help="traces before measuring")
    parser.add_argument("--json", help="also write the result here")
    args = parser.parse_args()

    os.environ.setdefault("NOVEUM_ALLOW_INSECURE_TRANSPORT", "true")
    server, port = start_server()
    try:
        import noveum_trace
        from importlib.metadata import version

        total_traces = args.warmup + args.traces
        noveum_trace.init(
            project="bench",
            api_key="bench-key",
            endpoint=f"http://127.0.0.1:{port}/api",
            environment="bench",
            # About 512 spans per request, like the Swift suite's batch, and a queue that never fills.
            transport_config={"batch_size": 51, "batch_timeout": 1.0, "max_queue_size": total_traces + 100},
        )
        client = noveum_trace.get_client()

        for _ in range(args.warmup):
            one_trace(client)

        rounds = []
        measured = 0
        started = time.perf_counter_ns()
        while measured < args.traces:
            n = min(args.round, args.traces - measured)
            t0 = time.perf_counter_ns()
            for _ in range(n):
                one_trace(client)
            rounds.append((time.perf_counter_ns() - t0) / (n * 10))
            measured += n
        elapsed = time.perf_counter_ns() - started

        t0 = time.perf_counter_ns()
        client.flush(timeout=120)
        flush_seconds = (time.perf_counter_ns() - t0) / 1e9
        deadline = time.time() + 30
        expected = total_traces * 10
        stats = server_stats(port)
        while stats["spans"] < expected and time.time() < deadline:
            time.sleep(0.2)
            stats = server_stats(port)
        noveum_trace.shutdown()

        result = {
            "sdk": "noveum-trace",
            "version": version("noveum-trace"),
            "python": sys.version.split()[0],
            "workload": "trace of 10 spans (root + 9 children), start+finish by hand, http export to loopback",
            "spans_measured": args.traces * 10,
            "ns_per_span_p50": statistics.median(rounds),
            "ns_per_span_mean": elapsed / (args.traces * 10),
            "ns_per_span_min": min(rounds),
            "flush_seconds": flush_seconds,
            "spans_expected_at_server": expected,
            "spans_received_by_server": stats["spans"],
            "requests": stats["requests"],
        }
        print(
            f"noveum-trace {result['version']}: {result['ns_per_span_p50']:.0f} ns/span (p50 of {len(rounds)} rounds), "
            f"server received {stats['spans']}/{expected} spans in {stats['requests']} requests"
        )
        line = json.dumps(result)
        print(line)
        if args.json:
            with open(args.json, "w") as handle:
                handle.write(line + "\n")
        if stats["spans"] != expected:
            print("WARNING: not every span reached the capture server", file=sys.stderr)
    finally:
        server.terminate()
        server.wait(timeout=5)


if __name__ == "__main__":
    main()
