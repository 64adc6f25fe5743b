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
# The bridge suite once more with the second Kafka client (KAFKA_CLIENT=platformatic), on the
# Node.js it needs (provisioned, like the services). Jest loads that ES module through Node's
# import(), which its sandbox allows with --experimental-vm-modules. Only on a full run.
if [ "$#" -eq 0 ]; then
  node22="$(bash scripts/provision-node22.sh)"
  PATH="$(dirname "$node22"):$PATH" KAFKA_CLIENT=platformatic \
    NODE_OPTIONS="--experimental-vm-modules --disable-warning=ExperimentalWarning ${NODE_OPTIONS:-}" \
    npx jest --ci --selectProjects integration -- test/integration/bridge-
fi
