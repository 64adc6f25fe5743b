#!/usr/bin/env bash
# Builds scripts/k8s-strict-check (strict decoding of manifests into the Kubernetes API
# types) once per version of its source and prints the binary's path.
source "$(dirname "$0")/lib.sh"

src="$ROOT_DIR/scripts/k8s-strict-check"
hash="$(cat "$src"/go.mod "$src"/go.sum "$src"/*.go | sha256sum | cut -c1-16)"
target="$CACHE_DIR/k8s-strict-check/$hash/k8s-strict-check"

if [ -x "$target" ]; then echo "$target"; exit 0; fi

require_command go "Install Go (https://go.dev/doc/install) to check the Helm chart's manifests."
log "building the manifest checker with Go (first run only)"
mkdir -p "$(dirname "$target")"
(cd "$src" && go build -trimpath -ldflags "-s -w" -o "$target.partial" .) >&2 \
  || die "building scripts/k8s-strict-check failed"
mv "$target.partial" "$target"
echo "$target"
