#!/usr/bin/env bash
# `npm test`: provisions the local services (idempotent, cached), then runs unit, workflow
# (time-skipping) and integration tests on them. Jest's global setup starts and stops them.
source "$(dirname "$0")/lib.sh"
cd "$ROOT_DIR"
bash scripts/provision-all.sh
npx tsc --noEmit -p tsconfig.json
# Floating promises and non-deterministic imports in workflow code are errors, not style.
npx eslint src test bench scripts
npx jest --ci "$@"
# A full run (no arguments) also runs the bridge suite on Kafka 4, which new clusters run (KRaft
# only, the old protocol versions removed), once with each Kafka client; the main run stays on
# 3.9, which most still run.
if [ "$#" -eq 0 ]; then
  log "the bridge suite on Kafka $KAFKA4_VERSION"
  KAFKA_VERSION="$KAFKA4_VERSION" npx jest --ci --selectProjects integration -- \
    test/integration/bridge- test/integration/kafka-console-tools
  # The second Kafka client (KAFKA_CLIENT=platformatic) on the Node.js it needs (provisioned, like
  # the services). Jest loads that ES module through Node's import(), which its sandbox allows
  # with --experimental-vm-modules.
  log "the bridge suite on Kafka $KAFKA4_VERSION with KAFKA_CLIENT=platformatic"
  node22="$(bash scripts/provision-node22.sh)"
  PATH="$(dirname "$node22"):$PATH" KAFKA_CLIENT=platformatic KAFKA_VERSION="$KAFKA4_VERSION" \
    NODE_OPTIONS="--experimental-vm-modules --disable-warning=ExperimentalWarning ${NODE_OPTIONS:-}" \
    npx jest --ci --selectProjects integration -- test/integration/bridge-
fi
