#!/usr/bin/env bash
# `npm run drill -- NAME [--repeat N] [--hogs K]`: a fault drill on a local stack of its own, N
# times beside K CPU hogs; per-run and total figures go to bench/results/drills.json.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/provision-all.sh >&2
exec npx ts-node --transpile-only bench/drills/drill.ts "$@"
