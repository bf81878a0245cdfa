#!/usr/bin/env bash
# Makes a venv with the Python noveum-trace SDK (under Benchmarks/.venv, which git ignores) and runs the comparison
# workload against a local capture server. Extra arguments go to bench_noveum_trace.py (e.g. --traces 500).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
venv="$here/../.venv"
version="${NOVEUM_PY_VERSION:-1.5.28}"
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
fi
if ! "$venv/bin/python" -c "import noveum_trace" 2>/dev/null; then
  "$venv/bin/pip" install --quiet --disable-pip-version-check "noveum-trace==$version"
fi
export NOVEUM_ALLOW_INSECURE_TRANSPORT=true
exec "$venv/bin/python" "$here/bench_noveum_trace.py" "$@"
