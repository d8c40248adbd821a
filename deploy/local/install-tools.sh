#!/usr/bin/env bash
# Installs the pinned tools that the local run and the tests need into .tools/ (git-ignored).
# Idempotent: does nothing when the pinned version is already there.
set -euo pipefail

AZURITE_VERSION=3.35.0
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
dir="$root/.tools/azurite"
marker="$dir/.installed-$AZURITE_VERSION"

if [ -f "$marker" ]; then
  exit 0
fi
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  echo "error: Node.js (node and npm) is required to run Azurite, the Azure Storage emulator. Install Node.js 20 or newer." >&2
  exit 1
fi

mkdir -p "$dir"
# A lock, so that test projects starting in parallel install once.
exec 9>"$dir/.lock"
flock 9
if [ ! -f "$marker" ]; then
  echo "Installing azurite@$AZURITE_VERSION into $dir ..." >&2
  npm install --prefix "$dir" --no-audit --no-fund --loglevel=error --save-exact "azurite@$AZURITE_VERSION" >&2
  touch "$marker"
fi
