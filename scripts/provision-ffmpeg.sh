#!/usr/bin/env bash
# Makes ffmpeg and ffprobe available (Debian's ffmpeg package); prints ffmpeg's path.
source "$(dirname "$0")/lib.sh"
ensure_debian_package ffprobe ffmpeg
ensure_debian_package ffmpeg ffmpeg
command -v ffmpeg
