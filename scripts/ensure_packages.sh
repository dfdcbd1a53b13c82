#!/usr/bin/env bash
# Install Debian packages whose commands are missing: ensure_packages.sh COMMAND:PACKAGE ...
# e.g. `ensure_packages.sh node:nodejs npm:npm chromium:chromium`. Only what is missing is installed,
# with apt-get (as root, or through sudo when that works without a password).
set -euo pipefail
missing=()
for pair in "$@"; do
    cmd="${pair%%:*}" pkg="${pair#*:}"
    command -v "$cmd" >/dev/null 2>&1 || missing+=("$pkg")
done
[ "${#missing[@]}" -eq 0 ] && exit 0

if [ "$(id -u)" -eq 0 ]; then SUDO=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then SUDO=(sudo -n)
else
    echo "These Debian packages are needed and I can't install them without root: ${missing[*]}" >&2
    echo "Install them with: sudo apt-get install -y ${missing[*]}" >&2
    exit 1
fi
if ! command -v apt-get >/dev/null 2>&1; then
    echo "Needed and not found: ${missing[*]} (no apt-get here: install them with your system's package manager)" >&2
    exit 1
fi
echo "==> installing Debian packages: ${missing[*]} (first time only)"
export DEBIAN_FRONTEND=noninteractive
if ! "${SUDO[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/tmp/coach-apt.log 2>&1; then
    echo "    refreshing the package lists first"
    "${SUDO[@]}" apt-get update -qq >>/tmp/coach-apt.log 2>&1
    "${SUDO[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >>/tmp/coach-apt.log 2>&1 || {
        echo "apt-get could not install ${missing[*]}; its output is in /tmp/coach-apt.log" >&2; exit 1; }
fi
