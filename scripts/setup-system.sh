#!/usr/bin/env bash
# Installs the system packages Userdeck's build and tests need (idempotent, quick when all is there).
# Used by `npm install` (preinstall, through scripts/setup.mjs), `npm test` and `.ci/run`.
set -euo pipefail

packages=(chromium xvfb gnome-keyring dbus dbus-x11 libsecret-1-dev python3 make g++ postgresql)

missing=()
if command -v dpkg-query >/dev/null 2>&1; then
  for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
else
  echo "setup: not a Debian-like system; install these yourself if missing: ${packages[*]}" >&2
  exit 0
fi

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

echo "setup: installing system packages: ${missing[*]}"
sudo=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then sudo="sudo"; else
    echo "setup: cannot install as a normal user; please run: apt-get install ${missing[*]}" >&2
    exit 0
  fi
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "setup: done"
