#!/usr/bin/env bash
# `npm run bench [name…]`: runs bench/<name>.bench.ts (all of them by default), each in its own
# process on a local stack of its own; figures go to bench/results/<name>.json.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/provision-all.sh
names=("$@")
if [ ${#names[@]} -eq 0 ]; then
  for f in bench/*.bench.ts; do [ -e "$f" ] && names+=("$(basename "$f" .bench.ts)"); done
fi
[ ${#names[@]} -gt 0 ] || { echo "no benchmarks in bench/"; exit 0; }
for name in "${names[@]}"; do
  echo "== benchmark: $name"
  if [ "$name" = kafka-clients ]; then
    # Both clients on the Node.js that @platformatic/kafka needs, so they compare like for like.
    PATH="$(dirname "$(bash scripts/provision-node22.sh)"):$PATH" npx ts-node --transpile-only "bench/$name.bench.ts"
  else
    npx ts-node --transpile-only "bench/$name.bench.ts"
  fi
done
