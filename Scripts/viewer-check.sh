#!/usr/bin/env bash
# Browser check of the local viewer: records demo traces in a temporary store, starts `noveum-trace serve` on it,
# scores one span late with `noveum-trace score`, loads the list and a trace view in headless Chromium (installed from
# Debian's packages if missing), checks the rendered DOM holds the demo's span names and scores and that the score
# filter finds the one trace a user rated down, and saves screenshots.
#
# Usage: Scripts/viewer-check.sh [screenshot.png]   (default: docs/viewer.png)
set -euo pipefail
cd "$(dirname "$0")/.."
shot="${1:-docs/viewer.png}"
port="${VIEWER_CHECK_PORT:-7411}"

if ! command -v chromium >/dev/null; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq chromium >/dev/null
fi

swift build --product noveum-trace >/dev/null
bin="$(swift build --product noveum-trace --show-bin-path)/noveum-trace"
store="$(mktemp -d)"
profile="$(mktemp -d)"
server=""
cleanup() {
  if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
  rm -rf "$store" "$profile"
}
trap cleanup EXIT

"$bin" demo --dir "$store" --runs 3 --offline --quiet >/dev/null
trace_id="$("$bin" list --dir "$store" --json --limit 1 | python3 -c 'import json,sys; print(json.load(sys.stdin)["traces"][0]["trace_id"])')"
# A late score on the answer span, as `noveum-trace score` gives it from a shell (the demo scored the spans while open).
answer_span="$("$bin" show "$trace_id" --dir "$store" --json | python3 -c 'import json,sys
print(next(s["span_id"] for s in json.load(sys.stdin)["spans"] if s["name"].startswith("response_generation")))')"
"$bin" score "$trace_id" --span "$answer_span" --name relevance --value 0.4 --label partial --source llm_judge \
  --explanation "Answers how, not why; one retrieved document unused." --dir "$store" >/dev/null
"$bin" serve --dir "$store" --port "$port" >"$store/serve.log" 2>&1 &
server=$!
for _ in $(seq 1 50); do
  curl -fsS -o /dev/null "http://127.0.0.1:$port/api/traces" 2>/dev/null && break
  sleep 0.2
done

browse() {  # browse URL ARGS...: headless Chromium with a throwaway profile
  local url="$1"; shift
  chromium --headless --no-sandbox --disable-gpu --user-data-dir="$profile" --hide-scrollbars \
    --virtual-time-budget=4000 "$@" "$url" 2>/dev/null
}

page="http://127.0.0.1:$port/#/trace/$trace_id"
dom="$(browse "$page" --dump-dom)"
missing=0
for name in complex_ai_workflow "query_enhancement gpt-3.5-turbo" vector_search "response_generation gpt-4" \
  "execute_tool fetch_order_status"; do
  if grep -qF "$name" <<<"$dom"; then echo "ok: trace view shows $name"; else echo "MISSING: $name"; missing=1; fi
done
for score in "user_feedback fail" "context_overlap 0.67" "relevance 0.40 partial" "Answers how, not why"; do
  if grep -qF "$score" <<<"$dom"; then echo "ok: trace view shows score $score"; else echo "MISSING: score $score"; missing=1; fi
done
# The score filter: the demo's third run got user_feedback=fail, the first two pass.
filtered_dom="$(browse "http://127.0.0.1:$port/#/?score=user_feedback%3Dfail" --dump-dom)"
if grep -qF "1–1 of 1" <<<"$filtered_dom" && grep -qF "${trace_id:0:12}" <<<"$filtered_dom"; then
  echo "ok: the score filter user_feedback=fail lists the one failed trace"
else
  echo "MISSING: score filter"; missing=1
fi
list_dom="$(browse "http://127.0.0.1:$port/#/" --dump-dom)"
if grep -qF "$trace_id" <<<"$list_dom" || grep -qF "${trace_id:0:12}" <<<"$list_dom"; then
  echo "ok: trace list shows $trace_id"
else
  echo "MISSING: trace list row"; missing=1
fi
# DNS-rebinding protection: a foreign Host header is refused, a loopback one accepted.
code="$(curl -s -o /dev/null -w '%{http_code}' -H 'Host: evil.example' "http://127.0.0.1:$port/api/traces")"
if [ "$code" = 403 ]; then echo "ok: foreign Host refused (403)"; else echo "FAILED: foreign Host got $code"; missing=1; fi
code="$(curl -s -o /dev/null -w '%{http_code}' -H 'Host: localhost:'"$port" "http://127.0.0.1:$port/api/traces")"
if [ "$code" = 200 ]; then echo "ok: loopback Host accepted"; else echo "FAILED: loopback Host got $code"; missing=1; fi
mkdir -p "$(dirname "$shot")"
browse "$page" --window-size=1400,900 --screenshot="$shot" >/dev/null
browse "http://127.0.0.1:$port/#/" --window-size=1400,900 --screenshot="${shot%.png}-list.png" >/dev/null
browse "$page?span=$answer_span" --window-size=1400,900 --screenshot="${shot%.png}-scores.png" >/dev/null
[ -s "$shot" ] || { echo "no screenshot written"; exit 1; }
echo "screenshots: $shot ${shot%.png}-list.png ${shot%.png}-scores.png"
exit "$missing"
