#!/usr/bin/env bash
# Runs the whole benchmark suite in release mode and prints one table (see BENCHMARKS.md in the repository root).
#
#   Benchmarks/run.sh                 # full run: ~1.5 s per benchmark, Python comparison, memory, 30 s overload
#   Benchmarks/run.sh --quick         # short run for a smoke check (0.3 s per benchmark, 5 s overload)
#   Benchmarks/run.sh --update-doc    # also write the report into BENCHMARKS.md between its markers
#   Benchmarks/run.sh --no-python     # skip the Python SDK (no venv, no PyPI)
#   Benchmarks/run.sh --filter REGEX  # only the benchmarks whose name matches
#   Benchmarks/run.sh --ingest-only   # only the OTLP ingestion benchmark (noveum-trace collect); with --update-doc
#                                     # it rewrites the table of BENCHMARKS.md's "OTLP ingestion" section
#   Benchmarks/run.sh --pipeline-only # only the whole-pipeline CPU per delivered span (noveum-pipeline-cpu: our OTLP
#                                     # and Noveum JSON against swift-otel); with --update-doc it rewrites the table
#                                     # of BENCHMARKS.md's "Whole pipeline: CPU per delivered span" section
#
# Environment: NOVEUM_BENCH_MS (time per benchmark), NOVEUM_BENCH_QUEUE (queue bound, default 16384),
# OVERLOAD_SECONDS (default 30), NOVEUM_INGEST_SPANS (spans per ingestion row, default 200000; 40000 quick),
# NOVEUM_PIPELINE_SPANS (spans per whole-pipeline CPU run, default 200000; 40000 quick),
# NOVEUM_BENCH_SCRATCH (the build folder, default Benchmarks/.build; the main package's noveum-trace is built there
# too, so the modules both use compile once). Results go to Benchmarks/.results/ (ignored by git).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cd "$here"

quick=0 update_doc=0 python=1 filter="" ingest_only=0 pipeline_only=0
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) quick=1 ;;
    --update-doc) update_doc=1 ;;
    --no-python) python=0 ;;
    --filter) filter="$2"; shift ;;
    --ingest-only) ingest_only=1 ;;
    --pipeline-only) pipeline_only=1 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
  shift
done

out="$here/.results"
scratch="${NOVEUM_BENCH_SCRATCH:-$here/.build}"
rm -rf "$out"; mkdir -p "$out"
if [ "$quick" = 1 ]; then
  export NOVEUM_BENCH_MS="${NOVEUM_BENCH_MS:-300}"
  overload="${OVERLOAD_SECONDS:-5}"; py_traces=200; buffered_spans=20000
else
  overload="${OVERLOAD_SECONDS:-30}"; py_traces=1000; buffered_spans=100000
fi

{
  echo "- CPU: $(lscpu 2>/dev/null | sed -n 's/^Model name: *//p' | head -1), $(nproc) cores ($(lscpu 2>/dev/null | sed -n 's/^Hypervisor vendor: *//p' | head -1) guest)"
  echo "- Memory: $(free -g 2>/dev/null | awk '/^Mem:/ {print $2}') GiB; kernel $(uname -r); clock source $(cat /sys/devices/system/clocksource/clocksource0/current_clocksource 2>/dev/null || echo '?')"
  echo "- $(swift --version 2>/dev/null | head -1)"
  echo "- Load average at start: $(cut -d' ' -f1-3 /proc/loadavg) (the machine is shared with other builds; compare ratios within one run)"
  echo "- Date: $(date -u '+%Y-%m-%d %H:%M UTC'); commit $(git -C "$here" rev-parse --short HEAD 2>/dev/null || echo '?')"
} > "$out/machine.md"

# A busy guest slows every row, the baselines with them (runs at a load average of 1.4-1.7 on 2 cores measured
# about twice the times of runs below 1): say so before the numbers, which the header records with the load.
load_now="$(cut -d' ' -f1 /proc/loadavg 2>/dev/null || echo 0)"
if awk -v load="$load_now" -v cores="$(nproc)" 'BEGIN { exit !(load >= cores / 2) }'; then
  echo "warning: load average $load_now on $(nproc) cores at the start; other work on this machine slows every row" >&2
fi

echo "== building (release)"

pipeline() {
  echo "== whole pipeline: CPU per delivered span (our OTLP, Noveum JSON, swift-otel)"
  local args=()
  [ "$quick" = 1 ] && args+=(--quick)
  pipeline_status=0
  "$scratch/release/noveum-pipeline-cpu" ${args[@]+"${args[@]}"} | tee "$out/pipeline-cpu.md" || pipeline_status=$?
}

# write_doc NAME: replaces what BENCHMARKS.md holds between <!-- NAME:begin --> and <!-- NAME:end --> with the report.
write_doc() {
  python3 - "$here/../BENCHMARKS.md" "$out/report.md" "$1" <<'PY'
import sys
doc_path, report_path, name = sys.argv[1:]
begin, end = f"<!-- {name}:begin -->", f"<!-- {name}:end -->"
doc = open(doc_path).read()
report = open(report_path).read().rstrip() + "\n"
head, rest = doc.split(begin, 1)
_, tail = rest.split(end, 1)
open(doc_path, "w").write(head + begin + "\n" + report + end + tail)
print(f"updated {doc_path}")
PY
}

# only_report FLAG RESULT DOC STATUS: the report of a single-benchmark run (--FLAG), printed, written into
# BENCHMARKS.md's DOC section with --update-doc; exits with STATUS.
only_report() {
  {
    if [ "$quick" = 1 ]; then echo "Command: \`Benchmarks/run.sh --$1 --quick\`"; else echo "Command: \`Benchmarks/run.sh --$1\`"; fi
    echo
    cat "$out/machine.md"
    echo
    cat "$out/$2"
  } > "$out/report.md"
  echo
  echo "================================================================================"
  cat "$out/report.md"
  if [ "$update_doc" = 1 ]; then
    write_doc "$3"
  fi
  exit "$4"
}

if [ "$pipeline_only" = 1 ]; then
  swift build -c release --product noveum-pipeline-cpu --scratch-path "$scratch"
  pipeline
  only_report pipeline-only pipeline-cpu.md pipeline-cpu "$pipeline_status"
fi

swift build -c release --product noveum-otlp-ingest --scratch-path "$scratch"
# The CLI whose receiver the ingestion benchmark measures: the main package's executable, built from its root.
(cd "$here/.." && swift build -c release --product noveum-trace --scratch-path "$scratch")

ingest() {
  echo "== OTLP ingestion into the store (noveum-trace collect)"
  local args=()
  [ "$quick" = 1 ] && args+=(--quick)
  ingest_status=0
  NOVEUM_TRACE_BIN="$scratch/release/noveum-trace" "$scratch/release/noveum-otlp-ingest" ${args[@]+"${args[@]}"} \
    | tee "$out/otlp-ingest.md" || ingest_status=$?
}

if [ "$ingest_only" = 1 ]; then
  ingest
  only_report ingest-only otlp-ingest.md otlp-ingest "$ingest_status"
fi

swift build -c release --product noveum-memory --scratch-path "$scratch"
swift build -c release --product noveum-pipeline-cpu --scratch-path "$scratch"

echo "== ordo-one/benchmark suite"
bench_args=(--format influx --path "$out" --no-progress)
[ -n "$filter" ] && bench_args+=(--filter "$filter")
swift package --scratch-path "$scratch" --allow-writing-to-package-directory benchmark run "${bench_args[@]}" | tee "$out/benchmark.txt"

py_json=""
if [ "$python" = 1 ]; then
  echo "== Python noveum-trace comparison"
  python/run.sh --traces "$py_traces" --json "$out/python.json" | tee "$out/python.txt"
  py_json="$out/python.json"
fi

echo "== memory: bytes per buffered span"
"$scratch/release/noveum-memory" buffered --spans "$buffered_spans" | tee "$out/memory-buffered.md"
echo "== memory: overload for ${overload} s"
overload_status=0
"$scratch/release/noveum-memory" overload --duration "$overload" | tee "$out/memory-overload.md" || overload_status=$?

ingest

pipeline

report_args=(--influx "$out"/*.csv --memory "$out/memory-buffered.md" "$out/memory-overload.md")
[ -n "$py_json" ] && report_args+=(--python "$py_json")
{
  if [ "$quick" = 1 ]; then echo "Command: \`Benchmarks/run.sh --quick\`"; else echo "Command: \`Benchmarks/run.sh\`"; fi
  echo
  cat "$out/machine.md"
  echo
  python3 Scripts/report.py "${report_args[@]}"
  echo
  cat "$out/otlp-ingest.md"
  echo
  cat "$out/pipeline-cpu.md"
} > "$out/report.md"

echo
echo "================================================================================"
cat "$out/report.md"

if [ "$update_doc" = 1 ]; then
  write_doc results
fi
[ "$overload_status" != 0 ] && exit "$overload_status"
[ "$ingest_status" != 0 ] && exit "$ingest_status"
exit "$pipeline_status"
