#!/usr/bin/env bash
# Makes the `temporal` CLI (dev server + Web UI) available and prints its path.
# Order: $TEMPORAL_CLI_PATH, `temporal` on PATH, the cached build, else build it with Go.
source "$(dirname "$0")/lib.sh"

TEMPORAL_CLI_VERSION="${TEMPORAL_CLI_VERSION:-v1.5.1}"
target="$CACHE_DIR/temporal-cli/$TEMPORAL_CLI_VERSION/temporal"

use_path_override TEMPORAL_CLI_PATH
if command -v temporal >/dev/null 2>&1; then command -v temporal; exit 0; fi
if [ -x "$target" ]; then echo "$target"; exit 0; fi

require_command go "Install Go (https://go.dev/doc/install) or set TEMPORAL_CLI_PATH to a temporal CLI binary."
log "building the temporal CLI $TEMPORAL_CLI_VERSION with Go (first run only, a few minutes)"
mkdir -p "$(dirname "$target")"
# Later tags carry a replace directive that `go install pkg@version` refuses.
GOBIN="$(dirname "$target")" GOFLAGS=-mod=mod go install \
  "github.com/temporalio/cli/cmd/temporal@$TEMPORAL_CLI_VERSION" >&2 \
  || die "building the temporal CLI failed; set TEMPORAL_CLI_PATH to an existing binary"
echo "$target"
