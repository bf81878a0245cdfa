#!/usr/bin/env bash
#
# mcp-python.sh — makes the Python venv for the interop tests (MCP, and the OTLP receiver of `noveum-trace`): the
# official Python MCP SDK (`mcp`, which traces natively with OpenTelemetry), the OpenTelemetry SDK and its OTLP/HTTP
# exporter, the `openai` client and OpenInference's instrumentation of it; prints the venv's python as the last line
# of stdout (progress goes to stderr):
#
#   PY="$(Scripts/mcp-python.sh | tail -n 1)"
#   "$PY" Scripts/python/mcp_otlp_sink.py 0 /tmp/spans.jsonl            # OTLP/HTTP receiver; prints "PORT <n>"
#   OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:<n> "$PY" Scripts/python/mcp_peer.py server
#   OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:<n> "$PY" Scripts/python/mcp_peer.py client -- SERVER_COMMAND...
#
# The venv is .cache/mcp-venv (gitignored). Nothing is installed when it already holds the pinned versions, so a
# second run is quick and needs no network.
# Overrides: MCP_PY_VERSION (2.3.0), OTEL_PY_VERSION (1.45.2, for opentelemetry-sdk, -proto and
# -exporter-otlp-proto-http), OPENAI_PY_VERSION (3.63.0), OPENINFERENCE_OPENAI_VERSION (0.1.66), PYTHON (python3,
# which makes the venv: 3.10 or newer).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="$root/.cache/mcp-venv"
python="${PYTHON:-python3}"
mcp_version="${MCP_PY_VERSION:-2.3.0}"
otel_version="${OTEL_PY_VERSION:-1.45.2}"
openai_version="${OPENAI_PY_VERSION:-3.63.0}"
openinference_version="${OPENINFERENCE_OPENAI_VERSION:-0.1.66}"

# 0 when the venv already holds exactly these versions and `import mcp` works.
installed() {
    "$venv/bin/python" - "$mcp_version" "$otel_version" "$openai_version" "$openinference_version" 2>/dev/null <<'EOF'
import sys
from importlib.metadata import version

import mcp  # noqa: F401
import openai  # noqa: F401
import openinference.instrumentation.openai  # noqa: F401
import opentelemetry.exporter.otlp.proto.http.trace_exporter  # noqa: F401
import opentelemetry.proto.collector.trace.v1.trace_service_pb2  # noqa: F401

mcp_version, otel_version, openai_version, openinference_version = sys.argv[1:]
wanted = {
    "mcp": mcp_version,
    "openai": openai_version,
    "openinference-instrumentation-openai": openinference_version,
    "opentelemetry-sdk": otel_version,
    "opentelemetry-proto": otel_version,
    "opentelemetry-exporter-otlp-proto-http": otel_version,
}
sys.exit(0 if all(version(name) == v for name, v in wanted.items()) else 1)
EOF
}

if installed; then
    echo "mcp $mcp_version, OpenTelemetry $otel_version and openai $openai_version are already in $venv" >&2
else
    echo "installing mcp $mcp_version and OpenTelemetry $otel_version into $venv..." >&2
    mkdir -p "$root/.cache"
    [[ -x "$venv/bin/python" ]] || "$python" -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check \
        "mcp==$mcp_version" \
        "openai==$openai_version" \
        "openinference-instrumentation-openai==$openinference_version" \
        "opentelemetry-sdk==$otel_version" \
        "opentelemetry-proto==$otel_version" \
        "opentelemetry-exporter-otlp-proto-http==$otel_version" >&2
    if ! installed; then
        echo "the venv in $venv still lacks one of: mcp $mcp_version, OpenTelemetry $otel_version, openai" \
            "$openai_version, openinference-instrumentation-openai $openinference_version" >&2
        exit 1
    fi
fi
echo "$venv/bin/python"
