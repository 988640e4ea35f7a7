#!/usr/bin/env bash
# `npm test`: every check of the project, in order, each printing its runner's summary; the exit
# status is non-zero when any failed. Runs inside its own D-Bus session with an unlocked
# gnome-keyring so the keychain tests use a real keychain and never touch the user's own.
set -uo pipefail
cd "$(dirname "$0")/.."

if [ -z "${USERDECK_KEYRING_READY:-}" ]; then
  bash scripts/setup-system.sh || exit 1
  exec bash scripts/with-keyring.sh bash scripts/test.sh "$@"
fi

# A fresh clone may not have its dependencies yet.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "== npm ci"
  npm ci --no-audit --no-fund || exit 1
fi

declare -a results=()
failed=0
step() {
  local name=$1
  shift
  echo
  echo "== $name"
  local start=$SECONDS
  if "$@"; then
    results+=("PASS  $name ($((SECONDS - start)) s)")
  else
    results+=("FAIL  $name ($((SECONDS - start)) s)")
    failed=1
  fi
}

step "lint (eslint)" npx eslint --max-warnings 0 .
step "types (tsc + vue-tsc)" npm run --silent typecheck
step "build (electron-vite)" npx electron-vite build --logLevel warn
step "unit, server and files tests (vitest)" npx vitest run
step "electron security (electronegativity)" node scripts/electronegativity.mjs
step "end-to-end (playwright, chromium)" npx playwright test

echo
echo "== summary"
printf '%s\n' "${results[@]}"
exit $failed
