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
# Overrides: MLFLOW_PORT (5000), PYTHON (python3), MLFLOW_VERSION (3.17.2, the version the lean set of packages
# below was checked with).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cache="$root/.cache"
venv="$cache/mlflow-venv"
data="$cache/mlflow-data"
log="$cache/mlflow.log"
pidfile="$cache/mlflow.pid"
port="${MLFLOW_PORT:-5000}"
python="${PYTHON:-python3}"
version="${MLFLOW_VERSION:-3.17.2}"
url="http://127.0.0.1:$port"

service=MLflow
# shellcheck source=lib/service.sh
source "$root/Scripts/lib/service.sh"

if [[ "${1:-}" == "stop" ]]; then
    # The server runs uvicorn/gunicorn workers in its process group.
    stop_service group
    exit 0
fi

healthy() { curl -fsS -o /dev/null --max-time 2 "$url/health" 2>/dev/null; }

if healthy; then
    echo "$url"
    exit 0
fi

mkdir -p "$cache" "$data"
if [[ ! -x "$venv/bin/mlflow" ]]; then
    # A lean install (about 100 s and 300 MB instead of 7 min and 850 MB): MLflow's tracking server needs
    # mlflow-skinny, the server's own packages, numpy, pandas and aiohttp (imported at start-up), but not
    # scikit-learn, scipy, pyarrow, matplotlib or docker, which `pip install mlflow` brings for models.
    echo "installing mlflow $version (lean) into $venv..." >&2
    started=$SECONDS
    "$python" -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check "mlflow-skinny==$version" flask flask-cors \
        sqlalchemy alembic graphene "gunicorn<27" huey cryptography aiohttp numpy pandas >&2
    "$venv/bin/pip" install --quiet --disable-pip-version-check --no-deps "mlflow==$version" >&2
    echo "installed mlflow in $((SECONDS - started)) s" >&2
fi

echo "starting MLflow on $url (log: $log)..." >&2
# MLFLOW_MODEL_CATALOG_URI empty: MLflow prices an LLM span from the model catalog bundled with it, instead of first
# fetching the catalog from GitHub. Offline, that fetch retries with backoff, and the server's one worker answered
# nothing else meanwhile: the first trace with a model held the next exports for 7 to 15 s, past an exporter's deadline.
MLFLOW_MODEL_CATALOG_URI="" MLFLOW_SERVER_ENABLE_JOB_EXECUTION=false setsid nohup "$venv/bin/mlflow" server --host 127.0.0.1 --port "$port" \
    --workers 1 --backend-store-uri "sqlite:///$data/mlflow.db" --default-artifact-root "$data/artifacts" \
    >"$log" 2>&1 &
echo $! >"$pidfile"

await_healthy "$url"
