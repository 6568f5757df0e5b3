#!/bin/sh
# Installs the build dependencies that are missing, on Debian/Ubuntu (apt-get, through sudo
# when not root), and says what it installs. Elsewhere it lists what is needed and carries on:
# CMake will say if something is still missing.
#
# Usage: packaging/setup-deps.sh [extra-package ...]
set -eu

PACKAGES="cmake ninja-build g++ ccache pkg-config \
qt6-base-dev qt6-websockets-dev qt6-tools-dev qt6-l10n-tools libssl-dev libsimdjson-dev \
fonts-dejavu-core qtkeychain-qt6-dev libsecret-1-0 dbus gnome-keyring xvfb xauth $*"

if ! command -v dpkg-query >/dev/null 2>&1 || ! command -v apt-get >/dev/null 2>&1; then
    echo "setup: not a Debian/Ubuntu system; make sure these (or your distribution's equivalents) are installed:"
    echo "  $PACKAGES"
    exit 0
fi

missing=""
for p in $PACKAGES; do
    status=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
    [ "$status" = "installed" ] || missing="$missing $p"
done

if [ -z "$missing" ]; then
    echo "setup: all build dependencies are installed"
    exit 0
fi

if [ "$(id -u)" -eq 0 ]; then
    SUDO=""
elif command -v sudo >/dev/null 2>&1; then
    SUDO="sudo"
else
    echo "setup: missing packages:$missing" >&2
    echo "setup: run as root or install sudo, then try again" >&2
    exit 1
fi

echo "setup: installing missing build dependencies:$missing"
# An index update needs the network; a failure here is not fatal if the packages are cached.
$SUDO apt-get update -qq || echo "setup: apt-get update failed; trying with the current package index" >&2
# shellcheck disable=SC2086
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing
echo "setup: done"
