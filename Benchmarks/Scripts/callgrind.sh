#!/usr/bin/env bash
# Instructions per span, counted by callgrind: the numbers that do not move with the machine's load.
#
#   Benchmarks/Scripts/callgrind.sh                       # every workload below, this checkout
#   Benchmarks/Scripts/callgrind.sh start-finish llm      # only these workloads
#   NOVEUM_PROFILE=/path/to/noveum-profile Benchmarks/Scripts/callgrind.sh   # a binary built elsewhere
#                                                         # (another commit's checkout, to compare two commits)
#
# Builds `noveum-profile` in release (unless NOVEUM_PROFILE names one), strips its debug information (valgrind 3.19
# cannot read Swift 6.3's DWARF 5), and runs each workload under `valgrind --tool=callgrind --separate-threads=yes`
# with 20,000 and 40,000 spans. The difference in instructions divided by 20,000 is the cost of one span: start-up
# and the pipeline's set-up cancel out. "app thread" is the thread that starts and ends the spans (the main thread,
# or for the async workloads the thread that ran most of them); "all threads" adds the export side (the pipeline's
# task, redaction, a discarding exporter). Prints a Markdown table.
set -euo pipefail
cd "$(dirname "$0")/.."

workloads=("$@")
if [ ${#workloads[@]} -eq 0 ]; then
  workloads=(start-finish sampled-out noop-tracer noop-with-span trace-operation trace-operation-sampled-out
             four-attributes four-attributes-dictionary four-attributes-dictionary-sampled-out
             trace-operation-attributes trace-operation-attributes-sampled-out llm encode-noveum-json)
fi
command -v valgrind >/dev/null || { echo "callgrind.sh: valgrind is not installed (apt-get install valgrind)" >&2; exit 1; }

binary="${NOVEUM_PROFILE:-}"
if [ -z "$binary" ]; then
  swift build -c release --product noveum-profile >&2
  binary="$(swift build -c release --show-bin-path)/noveum-profile"
fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
objcopy --strip-debug "$binary" "$work/noveum-profile"

# Prints "<app thread> <all threads>" instructions for one run.
count() {
  local workload="$1" spans="$2" dir="$work/$1-$2"
  mkdir -p "$dir"
  (cd "$dir" && valgrind --tool=callgrind --separate-threads=yes --callgrind-out-file=out.%p \
    "$work/noveum-profile" "$workload" "$spans" >/dev/null 2>&1)
  # One file per thread; its "summary:" (or "totals:") line is the thread's instruction count.
  local all=0 most=0 n
  for file in "$dir"/out.*; do
    n="$( (grep -E '^(summary|totals):' "$file" || true) | head -1 | awk '{print $2}')"
    n="${n:-0}"
    all=$((all + n))
    if [ "$n" -gt "$most" ]; then most="$n"; fi
  done
  echo "$most $all"
}

echo "| workload | instructions per span, app thread | all threads |"
echo "|---|---:|---:|"
for workload in "${workloads[@]}"; do
  read -r app1 all1 < <(count "$workload" 20000)
  read -r app2 all2 < <(count "$workload" 40000)
  printf '| %s | %s | %s |\n' "$workload" "$(( (app2 - app1) / 20000 ))" "$(( (all2 - all1) / 20000 ))"
done
