#!/usr/bin/env bash
# `npm test`: provisions the local services (idempotent, cached), then runs unit, workflow
# (time-skipping) and integration tests on them. Jest's global setup starts and stops them.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/provision-all.sh
npx tsc --noEmit -p tsconfig.json
# Floating promises and non-deterministic imports in workflow code are errors, not style.
npx eslint src test bench scripts
npx jest --ci "$@"
