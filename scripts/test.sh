#!/usr/bin/env bash
# `npm test`: provisions the local services (idempotent, cached), then runs unit, workflow
# (time-skipping) and integration tests on them. Jest's global setup starts and stops them.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/provision-all.sh
npx tsc --noEmit -p tsconfig.json
npx jest --ci "$@"
