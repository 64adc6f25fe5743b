#!/usr/bin/env bash
# Stops the local services of a process that has gone, however it went (Ctrl-C twice, SIGHUP,
# a crash, SIGKILL). Started by that process in a session of its own, it reads lines on stdin:
#   watch PGID SIGNAL NAME   a service's process group and the signal that stops it cleanly
#   release PGID             that service was stopped by its owner (its PGID may be reused)
#   remove DIR               a throwaway directory to delete once the services are gone
# stdin ends when the owner exits (the kernel closes its end of the pipe); then every group still
# watched gets its signal, SIGKILL after GRACE seconds, and the directories are removed.
set -u
GRACE="${1:-15}"
declare -A signals=()
declare -a dirs=()
while IFS=' ' read -r verb rest; do
  case "$verb" in
    watch) read -r pgid signal _name <<<"$rest"; signals[$pgid]="$signal" ;;
    release) unset "signals[$rest]" ;;
    remove) dirs+=("$rest") ;;
  esac
done

alive() { kill -0 -- "-$1" 2>/dev/null; }
for pgid in "${!signals[@]}"; do kill "-${signals[$pgid]}" -- "-$pgid" 2>/dev/null; done
deadline=$((SECONDS + GRACE))
for pgid in "${!signals[@]}"; do
  while alive "$pgid" && [ "$SECONDS" -lt "$deadline" ]; do sleep 0.2; done
  kill -KILL -- "-$pgid" 2>/dev/null
done
# SIGKILL is not refused, but the kernel needs a moment to free ports and files.
deadline=$((SECONDS + 5))
for pgid in "${!signals[@]}"; do
  while alive "$pgid" && [ "$SECONDS" -lt "$deadline" ]; do sleep 0.1; done
done
for dir in "${dirs[@]}"; do rm -rf -- "$dir"; done
exit 0
