#!/usr/bin/env python3
"""Turns one run of the suite into the table BENCHMARKS.md keeps.

Inputs: the influx CSV that `swift package benchmark --format influx` writes for the NoveumBenchmarks target, the
JSON line of python/bench_noveum_trace.py, and the text noveum-memory printed. Output: markdown on stdout.

Per benchmark the suite records per iteration: wall-clock ns, mallocs, and the custom metrics `spans` (spans made
in that iteration), `dropped` (queue-full drops of our pipeline since the benchmark started) and, for the
synchronous benchmarks, `threadCPU` (CPU time of the thread that ran the iteration). ns/span is the p50 of wall
clock divided by spans; CPU ns/span the p50 of threadCPU divided by spans; allocations/span the p50 of mallocs
divided by spans.
"""

import argparse
import csv
import json
import re
import sys
from collections import defaultdict

NAME = re.compile(r"^(?P<case>.*) \[(?P<impl>[^\]]+)\]$")
BASELINES = ("NoOpTracer", "swift-otel")
PYTHON_CASE = "09 trace of 10 spans"


def read_influx(paths):
    """{(case, impl): {metric: {percentile: value}}}"""
    results = defaultdict(lambda: defaultdict(dict))
    for path in paths:
        with open(path, newline="") as handle:
            lines = [line for line in handle if not line.startswith("#")]
        reader = csv.DictReader(lines)
        for row in reader:
            match = NAME.match(row["test"].strip('"'))
            if not match:
                continue
            metric = row["metric"].lower()
            if "wall" in metric:
                key = "wall"
            elif "malloc" in metric:
                key = "malloc"
            elif metric.startswith("spans"):
                key = "spans"
            elif metric.startswith("dropped"):
                key = "dropped"
            elif metric.startswith("threadcpu"):
                key = "cpu"
            else:
                continue
            results[(match["case"], match["impl"])][key][float(row["percentile"])] = float(row["value"])
    return results


def per_span(metrics, key, percentile=50.0):
    spans = metrics.get("spans", {}).get(50.0)
    value = metrics.get(key, {}).get(percentile)
    if not spans or value is None:
        return None
    return value / spans


def fmt_ns(value):
    if value is None:
        return "–"
    if value >= 100_000:
        return f"{value:,.0f}"
    if value >= 100:
        return f"{value:,.0f}"
    return f"{value:.1f}"


def fmt_ratio(value):
    if value is None:
        return "–"
    if value >= 100:
        return f"{value:,.0f}×"
    return f"{value:.1f}×" if value >= 10 else f"{value:.2f}×"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--influx", nargs="+", required=True)
    parser.add_argument("--python", help="JSON from bench_noveum_trace.py")
    parser.add_argument("--memory", nargs="*", default=[], help="noveum-memory outputs to include")
    parser.add_argument("--machine", help="a text file describing the machine")
    args = parser.parse_args()

    results = read_influx(args.influx)
    python = None
    if args.python:
        try:
            with open(args.python) as handle:
                python = json.loads(handle.read().strip().splitlines()[-1])
        except (OSError, ValueError, IndexError):
            python = None

    cases = sorted({case for case, _ in results})
    out = []
    out.append(
        "| case | implementation | ns/span (p50) | thread CPU ns/span | allocs/span | dropped | NoOpTracer ns "
        "| × NoOpTracer | × NoOpTracer (CPU) | swift-otel ns | swift-otel ÷ this | Python ÷ this |"
    )
    out.append("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    summary = {}
    for case in cases:
        impls = sorted(
            {impl for c, impl in results if c == case and impl not in BASELINES},
            key=lambda impl: (impl != "noveum", impl),
        )
        noop = per_span(results.get((case, "NoOpTracer"), {}), "wall")
        noop_cpu = per_span(results.get((case, "NoOpTracer"), {}), "cpu")
        otel = per_span(results.get((case, "swift-otel"), {}), "wall")
        for impl in impls:
            metrics = results[(case, impl)]
            ns = per_span(metrics, "wall")
            cpu = per_span(metrics, "cpu")
            allocs = per_span(metrics, "malloc")
            dropped = metrics.get("dropped", {}).get(100.0)
            py = None
            if python and case == PYTHON_CASE and ns:
                py = python["ns_per_span_p50"] / ns
            summary[(case, impl)] = {
                "ns": ns, "cpu": cpu, "allocs": allocs, "noop": noop, "noop_cpu": noop_cpu, "otel": otel, "python": py
            }
            out.append(
                f"| {case} | {impl} | {fmt_ns(ns)} | {fmt_ns(cpu)} | {'–' if allocs is None else f'{allocs:.2f}'} "
                f"| {'–' if dropped is None else int(dropped)} | {fmt_ns(noop)} "
                f"| {fmt_ratio(ns / noop) if ns and noop else '–'} "
                f"| {fmt_ratio(cpu / noop_cpu) if cpu and noop_cpu else '–'} | {fmt_ns(otel)} "
                f"| {fmt_ratio(otel / ns) if ns and otel else '–'} | {fmt_ratio(py)} |"
            )
    print("\n".join(out))
    print()
    if python:
        print(
            f"Python: noveum-trace {python['version']} on CPython {python['python']}, {python['workload']}: "
            f"{python['ns_per_span_p50']:,.0f} ns/span (p50), {python['spans_received_by_server']}/"
            f"{python['spans_expected_at_server']} spans received by the capture server."
        )
        print()

    def get(case, field, impl="noveum"):
        return summary.get((case, impl), {}).get(field)

    checks = []

    def target(text, value, ok):
        checks.append(f"| {text} | {value} | {'met' if ok else '**missed**'} |")

    ns = get("01 start+finish", "ns")
    if ns:
        target("sampled start+finish ≤ 400 ns", f"{ns:.0f} ns", ns <= 400)
        otel = get("01 start+finish", "otel")
        if otel:
            target("… and ≥ 20× faster than swift-otel", f"{otel / ns:.1f}×", otel / ns >= 20)
    ns = get("02 traceOperation {}", "ns")
    if ns:
        target("`traceOperation {}` ≤ 500 ns", f"{ns:.0f} ns", ns <= 500)
    ns3 = get("03 traceOperation {} sync", "ns")
    if ns3:
        target("`traceOperation {}` (sync) ≤ 500 ns", f"{ns3:.0f} ns", ns3 <= 500)
    ns = get("04 4 attributes", "ns")
    if ns:
        target("4 attributes ≤ 1 µs", f"{ns:.0f} ns", ns <= 1000)
    ns = get("05 4 attributes, one dictionary", "ns")
    if ns:
        target("4 attributes, one dictionary ≤ 1 µs", f"{ns:.0f} ns", ns <= 1000)
    ns, noop = get("08 sampled out", "ns"), get("08 sampled out", "noop")
    if ns and noop:
        target("sampled out ≤ 2× NoOpTracer", f"{ns / noop:.2f}× ({ns:.0f} vs {noop:.0f} ns)", ns / noop <= 2)
    # The product document's idioms against NoOpTracer's `withSpan` (its closure: the floor of ours).
    ns4, ns5 = get("04 4 attributes", "ns"), get("05 4 attributes, one dictionary", "ns")
    if ns4 and ns5:
        target("4 attributes in one dictionary literal ≤ 4 `setAttribute` calls", f"{ns5 / ns4:.2f}× ({ns5:.0f} vs {ns4:.0f} ns)",
               ns5 <= ns4)
    noop3 = get("03 traceOperation {} sync", "noop")
    if ns3 and noop3:
        target("`traceOperation {}` (sync) ≤ 2× NoOpTracer `withSpan`", f"{ns3 / noop3:.2f}× ({ns3:.0f} vs {noop3:.0f} ns)",
               ns3 / noop3 <= 2)
    cpu3, noop_cpu3 = get("03 traceOperation {} sync", "cpu"), get("03 traceOperation {} sync", "noop_cpu")
    if cpu3 and noop_cpu3:
        target("… the same in the caller's thread CPU time", f"{cpu3 / noop_cpu3:.2f}× ({cpu3:.0f} vs {noop_cpu3:.0f} ns)",
               cpu3 / noop_cpu3 <= 2)
    ns13, noop13 = get("13 traceOperation {} sync, sampled out", "ns"), get("13 traceOperation {} sync, sampled out", "noop")
    if ns13 and noop13:
        target("`traceOperation {}` sampled out ≤ 1.2× NoOpTracer `withSpan`",
               f"{ns13 / noop13:.2f}× ({ns13:.0f} vs {noop13:.0f} ns)", ns13 / noop13 <= 1.2)
    ns14 = get("14 4 attributes, one dictionary, sampled out", "ns")
    if ns14 and noop13:
        target("4 attributes in one dictionary literal, sampled out ≤ 2× NoOpTracer `withSpan`",
               f"{ns14 / noop13:.2f}× ({ns14:.0f} vs {noop13:.0f} ns)", ns14 / noop13 <= 2)
    for case in ("01 start+finish", "02 traceOperation {}", "03 traceOperation {} sync"):
        allocs = get(case, "allocs")
        if allocs is not None:
            target(f"≤ 3 allocations, span without attributes ({case[3:]})", f"{allocs:.2f}", allocs <= 3.005)
    py = get(PYTHON_CASE, "python")
    if py:
        target("≥ 50× faster than the Python SDK (trace of 10 spans)", f"{py:,.0f}×", py >= 50)
    ns = get("21 encode OTLP protobuf", "ns")
    if ns:
        target("OTLP protobuf encoding ≥ 1 M spans/s (one core)", f"{1e9 / ns:,.0f} spans/s", 1e9 / ns >= 1_000_000)
    ns = get("20 encode Noveum JSON", "ns")
    if ns:
        target("Noveum JSON encoding (one core, no target)", f"{1e9 / ns:,.0f} spans/s", True)
    for case in sorted({c for c, _ in results if c.startswith("22 ") or c.startswith("23 ")}):
        ns = get(case, "ns")
        dropped = results.get((case, "noveum"), {}).get("dropped", {}).get(100.0)
        if ns:
            target(
                f"{case[3:]}: ≥ 100,000 spans/s, nothing dropped", f"{1e9 / ns:,.0f} spans/s, dropped {int(dropped or 0)}",
                1e9 / ns >= 100_000 and not dropped)
    plain = get("22 deliver OTLP protobuf to loopback, gzip", "ns")
    for case in sorted({c for c, _ in results if c.startswith("24 ")}):
        ns = get(case, "ns")
        dropped = results.get((case, "noveum"), {}).get("dropped", {}).get(100.0)
        if ns and plain:
            target(
                f"{case[3:]} (no target: the cost of the write-ahead, against the same delivery without it)",
                f"{1e9 / ns:,.0f} spans/s, {ns / plain:.2f}× the time without it, dropped {int(dropped or 0)}",
                not dropped)
    for case in ("30 traced function sync", "31 traced function async throws"):
        macro, by_hand = get(case, "ns", "noveum @Trace"), get(case, "ns", "noveum by hand")
        if macro and by_hand:
            ratio = macro / by_hand
            target(f"`@Trace` ≈ the closure by hand ({case[3:]})", f"{ratio:.2f}× ({macro:.0f} vs {by_hand:.0f} ns)",
                   ratio <= 1.15)
    if checks:
        print("| target | this run | |")
        print("|---|---:|---|")
        print("\n".join(checks))
        print()

    for path in args.memory:
        try:
            with open(path) as handle:
                print(handle.read().rstrip())
                print()
        except OSError:
            pass


if __name__ == "__main__":
    sys.exit(main())
