#!/usr/bin/env bash
# Installs the pinned tools that the local run and the tests need into .tools/ (git-ignored).
# Idempotent: does nothing when the pinned version is already there.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
pin="$root/deploy/local/azurite"
dir="$root/.tools/azurite"
# The lock file is the pin: every package of Azurite's tree at the version and integrity it names.
# A changed lock file installs again.
lock_hash="$(sha256sum "$pin/package-lock.json" | cut -c1-16)"
marker="$dir/.installed-$lock_hash"

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
  echo "Installing Azurite as pinned by deploy/local/azurite/package-lock.json into $dir ..." >&2
  cp "$pin/package.json" "$pin/package-lock.json" "$dir/"
  # npm ci installs exactly the lock file's tree (and fails if it disagrees with package.json).
  npm ci --prefix "$dir" --no-audit --no-fund --loglevel=error >&2
  rm -f "$dir"/.installed-*
  touch "$marker"
fi
