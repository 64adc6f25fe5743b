# Shared helpers for the provisioning scripts. Sourced, never run.
set -euo pipefail

ROOT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# Everything downloaded or built lives here (git-ignored) unless overridden.
CACHE_DIR="${MLOPS_SERVICES_DIR:-$ROOT_DIR/.services}"
mkdir -p "$CACHE_DIR"
# The Kafka 4 release the bridge suite also runs on (`npm test`); the main run stays on 3.9.
KAFKA4_VERSION="${KAFKA4_VERSION:-4.4.0}"

die() {
  echo "error: $*" >&2
  exit 1
}

log() {
  echo "[provision] $*" >&2
}

# If the variable named $1 (e.g. HELM_PATH) is set, prints the executable it names and exits.
use_path_override() {
  local var="$1" value="${!1:-}"
  [ -n "$value" ] || return 0
  [ -x "$value" ] || die "$var=$value is not an executable file"
  echo "$value"
  exit 0
}

require_command() {
  local cmd="$1" hint="$2"
  command -v "$cmd" >/dev/null 2>&1 || die "'$cmd' is not installed. $hint"
}

# Installs Debian packages when the command they provide is missing.
ensure_debian_package() {
  local cmd="$1"; shift
  if command -v "$cmd" >/dev/null 2>&1; then return 0; fi
  install_debian_packages "$@"
}

# Installs Debian packages with apt-get (as root, or through sudo).
install_debian_packages() {
  command -v apt-get >/dev/null 2>&1 || die "apt-get is not available; install the packages: $*"
  log "installing Debian packages: $*"
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null 2>&1 || die "run as root (or install sudo) to install: $*"
    sudo="sudo"
  fi
  # Another install (a parallel test run provisioning too) holds dpkg's lock: wait for it.
  local wait_lock=(-o DPkg::Lock::Timeout=600)
  $sudo apt-get "${wait_lock[@]}" update -qq >/dev/null || die "apt-get update failed; install manually: $*"
  DEBIAN_FRONTEND=noninteractive $sudo apt-get "${wait_lock[@]}" install -y -qq "$@" >/dev/null \
    || die "apt-get install failed; install manually: $*"
}
