#!/usr/bin/env bash
# Makes PostgreSQL's server programs (initdb, pg_ctl, postgres) available; prints their directory.
# Installs Debian's postgresql package when none is found.
source "$(dirname "$0")/lib.sh"

find_bin_dir() {
  if command -v pg_ctl >/dev/null 2>&1 && command -v initdb >/dev/null 2>&1; then
    dirname "$(readlink -f "$(command -v pg_ctl)")"; return 0
  fi
  local dir
  dir="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)"
  if [ -n "$dir" ] && [ -x "$dir/pg_ctl" ]; then echo "$dir"; return 0; fi
  return 1
}

if bin="$(find_bin_dir)"; then echo "$bin"; exit 0; fi
install_debian_packages postgresql
bin="$(find_bin_dir)" || die "PostgreSQL server programs not found after install; install Debian's postgresql package or set DATABASE_URL"
echo "$bin"
