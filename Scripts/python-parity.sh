#!/usr/bin/env bash
#
# python-parity.sh — runs the payload-parity workload with the Python `noveum-trace` SDK against a capture server
# on 127.0.0.1 and leaves the server running, so the Swift side can send the same workload to it and compare:
#
#   NOVEUM_PARITY_URL="$(Scripts/python-parity.sh)"     # prints the capture server's address
#   NOVEUM_PARITY_URL=... swift test --filter PythonPayloadParityTests
#   Scripts/python-parity.sh stop                        # stops the capture server
#
# The workload is Scripts/python/parity_workload.py; the server, Scripts/python/capture_server.py (`GET /requests`
# returns what it received). Everything lives under .cache/ (gitignored): the venv in .cache/python-sdk-venv, the
# server's log in .cache/parity-server.log and its process id in .cache/parity-server.pid.
# Overrides: NOVEUM_PY_VERSION (1.5.28), PARITY_PORT (18777), PYTHON (python3).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cache="$root/.cache"
venv="$cache/python-sdk-venv"
log="$cache/parity-server.log"
pidfile="$cache/parity-server.pid"
port="${PARITY_PORT:-18777}"
python="${PYTHON:-python3}"
version="${NOVEUM_PY_VERSION:-1.5.28}"
url="http://127.0.0.1:$port"
service="the parity capture server"
# shellcheck source=lib/service.sh
source "$root/Scripts/lib/service.sh"

healthy() { curl -fsS -o /dev/null --max-time 2 "$url/stats" 2>/dev/null; }

if [[ "${1:-}" == "stop" ]]; then
    stop_service
    exit 0
fi

mkdir -p "$cache"
if ! "$venv/bin/python" -c "import noveum_trace" 2>/dev/null; then
    echo "installing noveum-trace $version into $venv..." >&2
    "$python" -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check "noveum-trace==$version" >&2
fi

# A fresh server each time, so that it holds only this run's requests.
stop_service >/dev/null
nohup "$python" "$root/Scripts/python/capture_server.py" --port "$port" --keep 100 >"$log" 2>&1 &
echo $! >"$pidfile"
await_healthy "$url" >/dev/null

echo "running the workload with the Python SDK $version..." >&2
NOVEUM_ALLOW_INSECURE_TRANSPORT=true "$venv/bin/python" "$root/Scripts/python/parity_workload.py" --endpoint "$url/api" >&2
requests="$(curl -fsS "$url/stats" | "$python" -c 'import json, sys; print(json.load(sys.stdin)["requests"])')"
if [[ "$requests" -lt 1 ]]; then
    echo "the Python SDK sent nothing to $url" >&2
    exit 1
fi
echo "$url"
