#!/usr/bin/env bash
# Provisions every local service the product and its tests use. Idempotent and cached.
source "$(dirname "$0")/lib.sh"
here="$(dirname "$0")"
bash "$here/provision-temporal-cli.sh" >/dev/null
bash "$here/provision-test-server.sh" >/dev/null
bash "$here/provision-kafka.sh" >/dev/null
bash "$here/provision-postgres.sh" >/dev/null
bash "$here/provision-ffmpeg.sh" >/dev/null
log "all local services are provisioned in $CACHE_DIR"
