#!/usr/bin/env bash
# Provisions every local service the product and its tests use. Idempotent and cached.
source "$(dirname "$0")/lib.sh"
here="$(dirname "$0")"
bash "$here/provision-temporal-cli.sh" >/dev/null
bash "$here/provision-test-server.sh" >/dev/null
bash "$here/provision-kafka.sh" >/dev/null
KAFKA_VERSION="$KAFKA4_VERSION" bash "$here/provision-kafka.sh" >/dev/null
bash "$here/provision-postgres.sh" >/dev/null
bash "$here/provision-ffmpeg.sh" >/dev/null
# Node.js 22 for the bridge suite's pass with the second Kafka client (scripts/test.sh).
bash "$here/provision-node22.sh" >/dev/null
# The Helm chart checks (test/unit/helm-chart.test.ts).
bash "$here/provision-helm.sh" >/dev/null
bash "$here/provision-k8s-strict-check.sh" >/dev/null
log "all local services and tools are provisioned in $CACHE_DIR"
