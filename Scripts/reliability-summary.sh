#!/usr/bin/env bash
#
# reliability-summary.sh — prints one line totalling what the reliability suite tried, from the files its tests
# write under .build/reliability-summary/ (one tab-separated line per case: kind, case, tried, lost, note):
#
#   reliability: 51 fault cases (10200 spans), 1953 inputs, 9 security checks, 1 interop trace; spans lost: 0
#
# Exits 1 when any case lost spans (not exported, not dropped with a reason, not reported by shutdown), or when
# the folder is missing (the suite did not run). `--details` prints every case too. Start a run with
# `rm -rf .build/reliability-summary` to count only that run.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
folder="$root/.build/reliability-summary"
if [[ ! -d "$folder" ]]; then
    echo "reliability: no results in $folder (did the reliability suite run?)"
    exit 1
fi
if [[ "${1:-}" == "--details" ]]; then
    cat "$folder"/*.tsv | sort | awk -F'\t' '{ printf "%-9s %-70s tried %-6s lost %-3s %s\n", $1, substr($2, 1, 70), $3, $4, $5 }'
fi
cat "$folder"/*.tsv | awk -F'\t' '
    { tried[$1] += $3; cases[$1] += 1; lost += $4; if ($4 > 0) bad = bad "\n  lost " $4 " in " $1 ": " $2 }
    END {
        printf "reliability: %d fault cases (%d spans), %d durability runs (%d spans), %d inputs, %d security checks, %d interop traces, %d soak spans; spans lost: %d%s\n",
            cases["faults"], tried["faults"], cases["durability"], tried["durability"], tried["inputs"], tried["security"], cases["interop"], tried["soak"], lost, bad
        exit (lost > 0 ? 1 : 0)
    }'
