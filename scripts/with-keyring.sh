#!/usr/bin/env bash
# Runs a command inside a private D-Bus session with a fresh, unlocked gnome-keyring, so tests use a
# real keychain and never touch (or depend on) the user's own keyrings.
set -euo pipefail
if [ -z "${USERDECK_KEYRING_READY:-}" ]; then
  export USERDECK_KEYRING_READY=1
  exec dbus-run-session -- bash "$0" "$@"
fi
keyrings=$(mktemp -d)
trap 'rm -rf "$keyrings"' EXIT
echo -n userdeck-test | XDG_DATA_HOME="$keyrings" gnome-keyring-daemon --unlock --components=secrets >/dev/null 2>&1
"$@"
