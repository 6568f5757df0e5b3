#!/bin/sh
# Takes the README's screenshot: the main window on the built-in demo server, under a virtual X
# server (Xvfb), with fresh settings (default layout and theme, nothing of yours). Builds nothing.
#
# Usage: packaging/screenshot.sh [BUILD_DIR] [OUTPUT_PNG]
#   BUILD_DIR   default: build (as `make` uses)
#   OUTPUT_PNG  default: resources/screenshots/main-window.png
#   SECONDS_BEFORE_GRAB=N   how long the demo runs first (default 30: the rate chart fills)
# Needs: xvfb-run (packages xvfb, xauth).
set -eu

root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build}
out=${2:-$root/resources/screenshots/main-window.png}
wait=${SECONDS_BEFORE_GRAB:-30}
app=$build/app/gui/baserow-monitor

if [ ! -x "$app" ]; then
    echo "screenshot: $app not found; build first (make build)" >&2
    exit 1
fi
if ! command -v xvfb-run >/dev/null 2>&1; then
    echo "screenshot: xvfb-run not found (install the packages xvfb and xauth)" >&2
    exit 1
fi

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT INT TERM
mkdir -p "$scratch/config" "$scratch/run" "$(dirname "$out")"
chmod 700 "$scratch/run"
case $out in /*) ;; *) out=$(pwd)/$out ;; esac

# --demo never touches a keychain; a private HOME and config dir keep the run reproducible.
HOME=$scratch XDG_CONFIG_HOME=$scratch/config XDG_RUNTIME_DIR=$scratch/run LANG=C.UTF-8 LC_ALL=C.UTF-8 \
    xvfb-run -a -s "-screen 0 1280x800x24" \
    "$app" --demo --grab "$out" --grab-after "$wait"
echo "screenshot: wrote $out"
