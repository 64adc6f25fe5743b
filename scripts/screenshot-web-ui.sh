#!/usr/bin/env bash
# Takes the README's screenshot of the Temporal Web UI: runs the product on its own local
# services, sends a few events through the HTTP way in, and photographs the workflow list
# filtered by model name with Debian's headless Chromium. Usage: scripts/screenshot-web-ui.sh [OUT.png]
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-docs/images/web-ui-guardians.png}"
data="$(mktemp -d)"
chmod 755 "$data" # the local PostgreSQL runs as the postgres user
ui_port=18233
http_port=18088
command -v chromium >/dev/null || { echo "error: install Debian's chromium package" >&2; exit 1; }

LOCAL_SERVICES_DIR="$data" LOCAL_TEMPORAL_PORT=17233 LOCAL_TEMPORAL_UI_PORT=$ui_port LOCAL_KAFKA_PORT=19092 \
  LOCAL_POSTGRES_PORT=15432 BRIDGE_HTTP_PORT=$http_port BUSINESS_HOURS_START=0 BUSINESS_HOURS_END=23 \
  TRAINING_COMMAND='echo training' LOG_LEVEL=warn \
  node -r ts-node/register/transpile-only src/workers/start.ts > "$data/product.log" 2>&1 &
product=$!
trap 'kill -TERM $product 2>/dev/null; wait $product 2>/dev/null; rm -rf "$data"' EXIT

for _ in $(seq 1 180); do curl -sf "http://127.0.0.1:$http_port/healthz" >/dev/null && break; sleep 1; done
curl -sf "http://127.0.0.1:$http_port/healthz" >/dev/null || { echo "error: the product did not start:" >&2; tail -20 "$data/product.log" >&2; exit 1; }

send() {
  curl -sSf -X POST "http://127.0.0.1:$http_port/events" -H "content-type: application/json" -d "$1" >/dev/null
}
now="$(date -u +%Y-%m-%dT%H:%M:%SZ)"
for model in churn-model fraud-model; do
  send "{\"event_id\":\"$(cat /proc/sys/kernel/random/uuid)\",\"event_type\":\"data_drift_detected\",\"timestamp\":\"$now\",\"source\":\"monitoring\",\"model_name\":\"$model\",\"model_version\":\"$model@7\",\"drift_score\":0.91,\"affected_features\":[\"age\",\"income\"],\"severity\":\"HIGH\"}"
done
send "{\"event_id\":\"$(cat /proc/sys/kernel/random/uuid)\",\"event_type\":\"prediction_latency_high\",\"timestamp\":\"$now\",\"source\":\"monitoring\",\"model_name\":\"churn-model\",\"service_name\":\"churn-serving\",\"severity\":\"MEDIUM\"}"
sleep 5

query='ModelName="churn-model"'
url="http://127.0.0.1:$ui_port/namespaces/default/workflows?query=$(python3 -c "import urllib.parse,sys;print(urllib.parse.quote(sys.argv[1]))" "$query")"
chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking \
  --disable-component-update --disable-sync --user-data-dir="$data/chromium" --window-size=1400,700 \
  --virtual-time-budget=15000 --screenshot="$out" "$url" 2>/dev/null
echo "screenshot written to $out ($url)"
