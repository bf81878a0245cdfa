#!/usr/bin/env bash
# What an app adopting the SDK sees, checked with two small consumer packages (CI runs this):
#   1. Tests/LeanConsumer uses NoveumTrace and NoveumTraceOTLP with `traits: []`: resolving it must fetch at most
#      MAX_PACKAGES packages. Its binary is then copied alone into an empty folder, every resource bundle in its
#      build folder is hidden, and it must still price an LLM span and exit 0 (the deployed-binary check).
#   2. Tests/SwiftSyntaxFloor pins swift-syntax to the oldest release the macros accept (600.0.1) and builds and
#      runs every macro against it.
# Usage: Scripts/consumer-checks.sh [lean|floor]   (both when no argument)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
max_packages=${MAX_PACKAGES:-6}

# swift build with its output kept in a log that is printed only when the build fails.
quiet_build() {
  local log
  log=$(mktemp)
  if ! swift build "$@" >"$log" 2>&1; then
    tail -40 "$log"
    exit 1
  fi
  rm -f "$log"
}

lean() {
  local pkg=Tests/LeanConsumer scratch=Tests/LeanConsumer/.build
  rm -rf "$scratch/checkouts" "$scratch/repositories" "$pkg/Package.resolved"
  mkdir -p "$scratch"
  swift package resolve --package-path "$pkg" --scratch-path "$scratch" >"$scratch/resolve.log" 2>&1 \
    || { cat "$scratch/resolve.log"; exit 1; }
  local fetched
  fetched=$(find "$scratch/checkouts" -mindepth 1 -maxdepth 1 -type d | sort)
  local count
  count=$(printf '%s\n' "$fetched" | grep -c . || true)
  echo "lean consumer (NoveumTrace + NoveumTraceOTLP, traits: []) fetches $count packages: $(printf '%s\n' "$fetched" | xargs -n1 basename | tr '\n' ' ')"
  if [ "$count" -gt "$max_packages" ]; then
    echo "FAIL: the lean consumer fetched $count packages, more than $max_packages"
    exit 1
  fi

  quiet_build --package-path "$pkg" --scratch-path "$scratch" -c release
  local bin
  bin=$(swift build --package-path "$pkg" --scratch-path "$scratch" -c release --show-bin-path)/lean-consumer
  local deploy hidden
  deploy=$(mktemp -d)
  hidden=$(mktemp -d)
  cp "$bin" "$deploy/"
  # Hide every resource bundle the build made, as a deployed image has none of them.
  local bundles
  bundles=$(find "$scratch" -name '*.resources' -o -name '*.bundle' | grep -v '/checkouts/' || true)
  for b in $bundles; do mv "$b" "$hidden/"; done
  local status=0 output
  output=$(cd "$deploy" && env -i PATH=/usr/bin:/bin HOME="$deploy" ./lean-consumer 2>&1) || status=$?
  for b in "$hidden"/*; do
    if [ -e "$b" ]; then mv "$b" "$(dirname "$bin")/"; fi
  done
  rm -rf "$deploy" "$hidden"
  echo "$output"
  if [ "$status" -ne 0 ]; then
    echo "FAIL: the deployed binary exited $status"
    exit 1
  fi
  echo "deployed binary: ran alone in an empty folder with no resource bundle, exit 0"

  # The standard variable alone: with NOVEUM_PHOENIX_URL (a real Phoenix, Scripts/phoenix.sh), the same binary
  # initializes with no exporters in code and OTEL_EXPORTER_OTLP_ENDPOINT set; Phoenix must then hold its trace.
  if [ -n "${NOVEUM_PHOENIX_URL:-}" ]; then
    local sent trace
    sent=$(env -i PATH=/usr/bin:/bin HOME=/tmp OTEL_EXPORTER_OTLP_ENDPOINT="$NOVEUM_PHOENIX_URL" "$bin" otlp-env 2>&1) \
      || { echo "$sent"; echo "FAIL: the env-only OTLP export"; exit 1; }
    echo "$sent"
    trace=$(printf '%s\n' "$sent" | sed -n 's/.*sent trace \([0-9a-f]\{32\}\).*/\1/p')
    python3 - "$NOVEUM_PHOENIX_URL" "$trace" <<'PY'
import json, sys, time, urllib.request
base, trace = sys.argv[1].rstrip("/"), sys.argv[2]
deadline = time.time() + 30
names = []
while time.time() < deadline:
    try:
        with urllib.request.urlopen(f"{base}/v1/projects/default/spans?trace_id={trace}", timeout=5) as r:
            names = sorted(s["name"] for s in json.load(r).get("data", []))
    except OSError:
        pass
    if len(names) >= 2:
        break
    time.sleep(0.3)
if names != ["chat gpt-4o", "invoke_agent env-only"]:
    sys.exit(f"FAIL: Phoenix holds {names} for trace {trace}")
print(f"Phoenix holds trace {trace}: {', '.join(names)}")
PY
  fi
}

floor() {
  local pkg=Tests/SwiftSyntaxFloor scratch=Tests/SwiftSyntaxFloor/.build
  quiet_build --package-path "$pkg" --scratch-path "$scratch"
  local version
  version=$(grep -A6 '"identity" : "swift-syntax"' "$pkg/Package.resolved" | sed -n 's/.*"version" : "\(.*\)".*/\1/p')
  echo "macros built against swift-syntax $version"
  "$(swift build --package-path "$pkg" --scratch-path "$scratch" --show-bin-path)/swift-syntax-floor"
}

case "${1:-all}" in
  lean) lean ;;
  floor) floor ;;
  all) lean; floor ;;
  *) echo "usage: $0 [lean|floor]"; exit 2 ;;
esac
