#!/usr/bin/env bash
#
# phoenix.sh — install Arize Phoenix (PyPI `arize-phoenix`) into a private venv and start it on
# 127.0.0.1:6006, for the OTLP end-to-end test:
#
#   Scripts/phoenix.sh            # installs on first use (~1 min, ~850 MB), starts, waits for /healthz
#   NOVEUM_PHOENIX_URL=http://127.0.0.1:6006 swift test --filter PhoenixTests
#   Scripts/phoenix.sh stop       # stops the server this script started
#
# Everything lives under .cache/ (gitignored): the venv in .cache/phoenix-venv, Phoenix's data in
# .cache/phoenix-data, its log in .cache/phoenix.log and its process id in .cache/phoenix.pid.
# Overrides: PHOENIX_PORT (6006), PHOENIX_GRPC_PORT (4317), PYTHON (python3), PHOENIX_VERSION (any).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cache="$root/.cache"
venv="$cache/phoenix-venv"
data="$cache/phoenix-data"
log="$cache/phoenix.log"
pidfile="$cache/phoenix.pid"
port="${PHOENIX_PORT:-6006}"
grpc_port="${PHOENIX_GRPC_PORT:-4317}"
python="${PYTHON:-python3}"
url="http://127.0.0.1:$port"

service=Phoenix
# shellcheck source=lib/service.sh
source "$root/Scripts/lib/service.sh"

if [[ "${1:-}" == "stop" ]]; then
    stop_service
    exit 0
fi

healthy() { curl -fsS -o /dev/null --max-time 2 "$url/healthz" 2>/dev/null; }

if healthy; then
    echo "$url"
    exit 0
fi

mkdir -p "$cache" "$data"
if [[ ! -x "$venv/bin/phoenix" ]]; then
    echo "installing arize-phoenix into $venv (about a minute, ~850 MB)..." >&2
    "$python" -m venv "$venv"
    "$venv/bin/pip" install --quiet --upgrade pip >&2
    spec="arize-phoenix"
    [[ -n "${PHOENIX_VERSION:-}" ]] && spec="arize-phoenix==$PHOENIX_VERSION"
    "$venv/bin/pip" install --quiet "$spec" >&2
fi

echo "starting Phoenix on $url (log: $log)..." >&2
PHOENIX_WORKING_DIR="$data" PHOENIX_HOST=127.0.0.1 PHOENIX_PORT="$port" PHOENIX_GRPC_PORT="$grpc_port" \
    PHOENIX_TELEMETRY_ENABLED=false PHOENIX_DISABLE_AGENT_ASSISTANT=true \
    nohup "$venv/bin/phoenix" serve >"$log" 2>&1 &
echo $! >"$pidfile"

# Ready in about 15 s.
await_healthy "$url"
