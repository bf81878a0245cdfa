#!/usr/bin/env bash
# Builds the documentation of every target that has a DocC catalog (Sources/<Target>/<Target>.docc) with
# `swift package generate-documentation --warnings-as-errors`, and fails if any of them reports a warning or an
# error: a broken ``symbol`` link, an unresolved topic, an undocumented parameter, a missing resource.
#
#   Scripts/docs-check.sh [--scratch-path PATH]   # default: .build, so CI reuses what `swift build` compiled
#   Scripts/docs-check.sh --target NoveumTraceStore   # only the named catalogs (repeatable)
#
# Each target is built on its own and every failure is reported before the script exits non-zero. The archives
# land in PATH/plugins/Swift-DocC/outputs/<Target>.doccarchive. Compiler and package-resolution notices printed
# while the plugin builds a target are not documentation warnings and do not fail the check.
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
failed=()
for target in "${targets[@]}"; do
  echo "== documentation for $target"
  log="$log_dir/$target.log"
  status=0
  swift package --disable-sandbox --scratch-path "$scratch" generate-documentation --target "$target" \
    --warnings-as-errors > "$log" 2>&1 || status=$?
  # DocC's own diagnostics follow the plugin's "Building documentation for" line; with --warnings-as-errors they
  # are errors, but a warning that slipped through fails the check too.
  diagnostics="$(sed -n "/^Building documentation for '$target'/,\$p" "$log" | grep -E '^(warning|error):' || true)"
  if [ "$status" -ne 0 ] || [ -n "$diagnostics" ]; then
    failed+=("$target")
    echo "docs-check: $target failed (exit status $status):"
    # The diagnostics with their source excerpts, without the build's progress lines.
    grep -vE '^\[[0-9]+/[0-9]+\]' "$log" | sed -n "/^Building documentation for '$target'/,\$p" | tail -200
    if ! grep -q "^Building documentation for '$target'" "$log"; then
      grep -vE '^\[[0-9]+/[0-9]+\]' "$log" | tail -60
    fi
  else
    echo "   no warnings"
  fi
done

if [ ${#failed[@]} -gt 0 ]; then
  echo "docs-check: documentation warnings or errors in: ${failed[*]}" >&2
  exit 1
fi
echo "docs-check: ${#targets[@]} catalogs built without warnings (${targets[*]})"
