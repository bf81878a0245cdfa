#!/usr/bin/env bash
# Builds the documentation of every target that has a DocC catalog (Sources/<Target>/<Target>.docc) with
# `docc convert --warnings-as-errors`, and fails if any of them reports a warning or an error: a broken ``symbol``
# link, an unresolved topic, an undocumented parameter, a missing resource.
#
#   Scripts/docs-check.sh [--scratch-path PATH]   # default: .build, so CI reuses what `swift build` compiled
#   Scripts/docs-check.sh --target NoveumTraceStore   # only the named catalogs (repeatable)
#
# The symbol graphs come from one `swift package dump-symbol-graph` (with extension blocks, public symbols and
# synthesized members: what `swift package generate-documentation` gives DocC), which extracts them from the
# modules already built. The documentation plugin instead rebuilds the core once per catalog (ten times, about
# 12 minutes on 2 cores; this takes about 3). Every failure is reported before the script exits non-zero. The
# archives land in PATH/docs-check/<Target>.doccarchive.
set -euo pipefail
cd "$(dirname "$0")/.."

scratch=.build
only=()
while [ $# -gt 0 ]; do
  case "$1" in
    --scratch-path) scratch="${2:?--scratch-path needs a value}"; shift 2 ;;
    --scratch-path=*) scratch="${1#*=}"; shift ;;
    --target) only+=("${2:?--target needs a value}"); shift 2 ;;
    --target=*) only+=("${1#*=}"); shift ;;
    -h|--help) sed -n '2,11p' "$0"; exit 0 ;;
    *) echo "docs-check: unknown argument $1 (expected --scratch-path PATH or --target NAME)" >&2; exit 2 ;;
  esac
done

# Every catalog, the core first.
targets=()
for catalog in Sources/*/*.docc; do
  [ -d "$catalog" ] || continue
  target="$(basename "$(dirname "$catalog")")"
  if [ "$(basename "$catalog" .docc)" != "$target" ]; then
    echo "docs-check: $catalog should be named Sources/$target/$target.docc" >&2
    exit 1
  fi
  if [ ${#only[@]} -gt 0 ] && ! printf '%s\n' "${only[@]}" | grep -qx "$target"; then continue; fi
  if [ "$target" = NoveumTrace ]; then targets=("$target" "${targets[@]}"); else targets+=("$target"); fi
done
for name in "${only[@]}"; do
  if [ ! -d "Sources/$name/$name.docc" ]; then
    echo "docs-check: no catalog Sources/$name/$name.docc" >&2
    exit 2
  fi
done
if [ ${#targets[@]} -eq 0 ]; then
  echo "docs-check: no DocC catalog under Sources/" >&2
  exit 1
fi

log_dir="$(mktemp -d)"
trap 'rm -rf "$log_dir"' EXIT
echo "== symbol graphs (swift package dump-symbol-graph)"
if ! swift package --scratch-path "$scratch" dump-symbol-graph --emit-extension-block-symbols > "$log_dir/symbols.log" 2>&1; then
  echo "docs-check: extracting the symbol graphs failed:"
  grep -vE '^\[[0-9]+/[0-9]+\]' "$log_dir/symbols.log" | tail -60
  exit 1
fi
graphs="$(sed -n 's/^Files written to //p' "$log_dir/symbols.log" | tail -1)"
if [ -z "$graphs" ] || [ ! -d "$graphs" ]; then
  echo "docs-check: swift package dump-symbol-graph did not say where it wrote the graphs:"
  tail -20 "$log_dir/symbols.log"
  exit 1
fi
out="$scratch/docs-check"
mkdir -p "$out"
failed=()
for target in "${targets[@]}"; do
  echo "== documentation for $target"
  # The target's own graph and its extensions of other modules' types (Target@Other.symbols.json), nothing else.
  mkdir -p "$log_dir/$target"
  cp "$graphs/$target.symbols.json" "$graphs/$target"@*.symbols.json "$log_dir/$target"/ 2>/dev/null || true
  log="$log_dir/$target.log"
  status=0
  if [ ! -f "$log_dir/$target/$target.symbols.json" ]; then
    echo "no symbol graph for $target in $graphs" > "$log"
    status=1
  else
    rm -rf "$out/$target.doccarchive"
    docc convert "Sources/$target/$target.docc" --additional-symbol-graph-dir "$log_dir/$target" \
      --fallback-display-name "$target" --fallback-bundle-identifier "$target" \
      --output-path "$out/$target.doccarchive" --warnings-as-errors > "$log" 2>&1 || status=$?
  fi
  # With --warnings-as-errors DocC reports its diagnostics as errors; a warning that slipped through fails too.
  diagnostics="$(grep -E '^(warning|error):|: (warning|error): ' "$log" || true)"
  if [ "$status" -ne 0 ] || [ -n "$diagnostics" ]; then
    failed+=("$target")
    echo "docs-check: $target failed (exit status $status):"
    tail -200 "$log"
  else
    echo "   no warnings"
  fi
done

if [ ${#failed[@]} -gt 0 ]; then
  echo "docs-check: documentation warnings or errors in: ${failed[*]}" >&2
  exit 1
fi
echo "docs-check: ${#targets[@]} catalogs built without warnings (${targets[*]})"
