#!/usr/bin/env bash
#
# generate-otlp-protos.sh — regenerate the committed Swift code for the
# OpenTelemetry OTLP trace and logs protobuf messages the tests decode exports
# with (NoveumTraceTestSupport).
#
# The generated files in Tests/NoveumTraceTestSupport/Generated/ are COMMITTED to
# the repository so that building NoveumTrace never runs protoc or the
# protoc-gen-swift plugin (no build-tool plugin, no protoc needed by users).
# Run this script only when upgrading opentelemetry-proto or swift-protobuf,
# then commit the resulting *.pb.swift files.
#
# Provenance of the committed code:
#   opentelemetry-proto  v1.11.0 (commit 790608c4d51e6ffc12210b541e8514cbed9e91a4)
#                        https://github.com/open-telemetry/opentelemetry-proto
#   swift-protobuf       1.39.0  (protoc-gen-swift built from tag 1.39.0; the
#                        package must depend on SwiftProtobuf 1.39.0 exactly or a
#                        compatible later 1.x, see the generated version check)
#   protoc               libprotoc 3.21.12 (Debian package protobuf-compiler)
#
# Usage:
#   Scripts/generate-otlp-protos.sh <proto-root> [protoc-gen-swift]
#
#   <proto-root>        folder containing an opentelemetry-proto checkout (or at
#                       least these files, at their upstream relative paths):
#                         opentelemetry/proto/common/v1/common.proto
#                         opentelemetry/proto/resource/v1/resource.proto
#                         opentelemetry/proto/trace/v1/trace.proto
#                         opentelemetry/proto/collector/trace/v1/trace_service.proto
#                         opentelemetry/proto/logs/v1/logs.proto
#                         opentelemetry/proto/collector/logs/v1/logs_service.proto
#                       e.g. git clone --branch v1.11.0 \
#                              https://github.com/open-telemetry/opentelemetry-proto /tmp/otlp-proto
#   protoc-gen-swift    path to the plugin binary. If omitted, $PROTOC_GEN_SWIFT
#                       is used, else the plugin is built (release) from an
#                       existing swift-protobuf clone at $SWIFT_PROTOBUF_DIR
#                       (default /tmp/swift-protobuf), checked out at tag 1.39.0:
#                         git clone https://github.com/apple/swift-protobuf.git /tmp/swift-protobuf
#                       The plugin is never built inside this package.
#
# This script downloads nothing: provide the protos and the swift-protobuf
# clone (or a prebuilt plugin) yourself.
#
# Requirements: protoc (apt-get install protobuf-compiler), a Swift toolchain
# to build the plugin.
#
# Note: trace_service.proto and logs_service.proto also declare the gRPC
# TraceService / LogsService; protoc-gen-swift only emits message types, which
# is all we need (OTLP/HTTP transport).

set -euo pipefail

SWIFT_PROTOBUF_VERSION="1.39.0"

if [[ $# -lt 1 ]]; then
  echo "usage: $0 <proto-root> [protoc-gen-swift]" >&2
  exit 64
fi

PROTO_ROOT="$(cd "$1" && pwd)"
SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PACKAGE_ROOT="$(cd "${SCRIPT_DIR}/.." && pwd)"
OUT_DIR="${PACKAGE_ROOT}/Tests/NoveumTraceTestSupport/Generated"

PROTO_FILES=(
  opentelemetry/proto/common/v1/common.proto
  opentelemetry/proto/resource/v1/resource.proto
  opentelemetry/proto/trace/v1/trace.proto
  opentelemetry/proto/collector/trace/v1/trace_service.proto
  opentelemetry/proto/logs/v1/logs.proto
  opentelemetry/proto/collector/logs/v1/logs_service.proto
)

for f in "${PROTO_FILES[@]}"; do
  if [[ ! -f "${PROTO_ROOT}/${f}" ]]; then
    echo "error: missing ${PROTO_ROOT}/${f}" >&2
    exit 66
  fi
done

command -v protoc >/dev/null 2>&1 || {
  echo "error: protoc not found (apt-get install protobuf-compiler / brew install protobuf)" >&2
  exit 69
}

# --- Step 1: locate or build protoc-gen-swift (swift-protobuf ${SWIFT_PROTOBUF_VERSION}) ---
PLUGIN="${2:-${PROTOC_GEN_SWIFT:-}}"
if [[ -z "${PLUGIN}" ]]; then
  SWIFT_PROTOBUF_DIR="${SWIFT_PROTOBUF_DIR:-/tmp/swift-protobuf}"
  if [[ ! -d "${SWIFT_PROTOBUF_DIR}/.git" ]]; then
    echo "error: no swift-protobuf clone at ${SWIFT_PROTOBUF_DIR}; clone it" \
         "(git clone https://github.com/apple/swift-protobuf.git ${SWIFT_PROTOBUF_DIR})" \
         "or pass the protoc-gen-swift path as the second argument" >&2
    exit 66
  fi
  git -C "${SWIFT_PROTOBUF_DIR}" checkout --quiet "${SWIFT_PROTOBUF_VERSION}"
  (cd "${SWIFT_PROTOBUF_DIR}" && swift build -c release --product protoc-gen-swift)
  PLUGIN="$(cd "${SWIFT_PROTOBUF_DIR}" && swift build -c release --show-bin-path)/protoc-gen-swift"
fi
if [[ ! -x "${PLUGIN}" ]]; then
  echo "error: protoc-gen-swift not executable: ${PLUGIN}" >&2
  exit 69
fi
PLUGIN_VERSION="$("${PLUGIN}" --version 2>/dev/null || true)"
if [[ "${PLUGIN_VERSION}" != *"${SWIFT_PROTOBUF_VERSION}"* ]]; then
  echo "warning: plugin reports '${PLUGIN_VERSION}', expected ${SWIFT_PROTOBUF_VERSION}" >&2
fi

# --- Step 2: generate ---
mkdir -p "${OUT_DIR}"
rm -f "${OUT_DIR}"/*.pb.swift
protoc \
  --plugin=protoc-gen-swift="${PLUGIN}" \
  --swift_out="${OUT_DIR}" \
  --swift_opt=Visibility=Package \
  --swift_opt=FileNaming=PathToUnderscores \
  -I "${PROTO_ROOT}" \
  "${PROTO_FILES[@]}"

echo "Generated into ${OUT_DIR}:"
ls -1 "${OUT_DIR}"
