#!/usr/bin/env bash
# Makes `helm` (v3) available for the chart checks and prints its path.
# Order: $HELM_PATH, the cached build, else build it with Go from its module.
source "$(dirname "$0")/lib.sh"

HELM_VERSION="${HELM_VERSION:-v3.22.0}"
target="$CACHE_DIR/helm/$HELM_VERSION/helm"

use_path_override HELM_PATH
if [ -x "$target" ]; then echo "$target"; exit 0; fi

require_command go "Install Go (https://go.dev/doc/install) or set HELM_PATH to a helm v3 binary."
log "building helm $HELM_VERSION with Go (first run only, a few minutes)"
module="helm.sh/helm/v3"
go_mod="$(go mod download -json "$module@$HELM_VERSION" | sed -n 's/^[[:space:]]*"GoMod": "\(.*\)",$/\1/p')"
[ -f "$go_mod" ] || die "could not download $module@$HELM_VERSION"
# Like helm's own release build: its version, and the Kubernetes version it renders for by
# default (.Capabilities.KubeVersion, lint's deprecation checks) from the client-go it uses.
client_go="$(awk '$1 == "k8s.io/client-go" { print $2; exit }' "$go_mod")"
minor="$(echo "$client_go" | cut -d. -f2)"
ldflags="-s -w -X $module/internal/version.version=$HELM_VERSION"
for pkg in pkg/chartutil pkg/lint/rules; do
  ldflags="$ldflags -X $module/$pkg.k8sVersionMajor=1 -X $module/$pkg.k8sVersionMinor=$minor"
done
mkdir -p "$(dirname "$target")"
GOBIN="$(dirname "$target")" GOFLAGS=-mod=mod go install -trimpath -ldflags "$ldflags" \
  "$module/cmd/helm@$HELM_VERSION" >&2 \
  || die "building helm failed; set HELM_PATH to an existing helm v3 binary"
echo "$target"
