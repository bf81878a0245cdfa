#!/usr/bin/env bash
#
# mlflow.sh — install MLflow 3 (PyPI `mlflow`) into a private venv and start a lean tracking server on
# 127.0.0.1:5000, for the MLflow OTLP end-to-end test:
#
#   Scripts/mlflow.sh             # installs on first use, starts, waits for /health
#   NOVEUM_MLFLOW_URL=http://127.0.0.1:5000 swift test --filter MLflowTests
#   Scripts/mlflow.sh stop        # stops the server this script started
#
# Everything lives under .cache/ (gitignored): the venv in .cache/mlflow-venv, the store in .cache/mlflow-data,
# the log in .cache/mlflow.log and the process id in .cache/mlflow.pid.
# Overrides: MLFLOW_PORT (5000), PYTHON (python3), MLFLOW_VERSION (any).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cache="$root/.cache"
venv="$cache/mlflow-venv"
data="$cache/mlflow-data"
log="$cache/mlflow.log"
pidfile="$cache/mlflow.pid"
port="${MLFLOW_PORT:-5000}"
python="${PYTHON:-python3}"
url="http://127.0.0.1:$port"

running_pid() {
    [[ -f "$pidfile" ]] || return 1
    local pid
    pid="$(cat "$pidfile")"
    kill -0 "$pid" 2>/dev/null || return 1
    echo "$pid"
}

if [[ "${1:-}" == "stop" ]]; then
    if pid="$(running_pid)"; then
        # The server runs uvicorn/gunicorn workers in its process group.
        kill -- "-$pid" 2>/dev/null || kill "$pid"
        rm -f "$pidfile"
        echo "stopped MLflow (pid $pid)"
    else
        echo "MLflow is not running (no live pid in $pidfile)"
    fi
    exit 0
fi

healthy() { curl -fsS -o /dev/null --max-time 2 "$url/health" 2>/dev/null; }

if healthy; then
    echo "$url"
    exit 0
fi

mkdir -p "$cache" "$data"
if [[ ! -x "$venv/bin/mlflow" ]]; then
    echo "installing mlflow into $venv..." >&2
    started=$SECONDS
    "$python" -m venv "$venv"
    "$venv/bin/pip" install --quiet --upgrade pip >&2
    spec="mlflow"
    [[ -n "${MLFLOW_VERSION:-}" ]] && spec="mlflow==$MLFLOW_VERSION"
    "$venv/bin/pip" install --quiet "$spec" >&2
    echo "installed mlflow in $((SECONDS - started)) s" >&2
fi

echo "starting MLflow on $url (log: $log)..." >&2
MLFLOW_SERVER_ENABLE_JOB_EXECUTION=false setsid nohup "$venv/bin/mlflow" server --host 127.0.0.1 --port "$port" \
    --workers 1 --backend-store-uri "sqlite:///$data/mlflow.db" --default-artifact-root "$data/artifacts" \
    >"$log" 2>&1 &
echo $! >"$pidfile"

for _ in $(seq 1 240); do
    if healthy; then
        echo "$url"
        exit 0
    fi
    if ! running_pid >/dev/null; then
        echo "MLflow exited during start-up; last lines of $log:" >&2
        tail -n 30 "$log" >&2
        exit 1
    fi
    sleep 0.5
done
echo "MLflow did not answer $url/health within 120 s; see $log" >&2
exit 1
