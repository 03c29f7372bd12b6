#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# promtool for `promtool check rules` / `promtool test rules` (deploy/prometheus tests).
# Debian 12 ships no promtool (and its prometheus 2.42 is old): fetch Debian unstable's
# `prometheus` package with `apt-get download` through a separate sources list and apt state
# folder, so the system's apt configuration is untouched, and unpack it into .cache/promtool.
# Idempotent: does nothing when .cache/promtool/usr/bin/promtool already runs.
set -euo pipefail
cd "$(dirname "$0")/../.."
root="$PWD/.cache/promtool"
bin="$root/usr/bin/promtool"
if [ -x "$bin" ] && "$bin" --version >/dev/null 2>&1; then
  echo "promtool present: $("$bin" --version 2>&1 | head -1)"
  exit 0
fi
# shellcheck source=../lib/apt-unstable.sh
source .ci/lib/apt-unstable.sh
# Newer Debian may split promtool into its own package; take it when it exists.
pkg=prometheus
if apt-cache "${apt_opts[@]}" show promtool >/dev/null 2>&1; then pkg=promtool; fi
apt_unstable_download "$apt_dir/debs" "$pkg"
rm -rf "$root"
mkdir -p "$root"
dpkg-deb -x "$apt_dir/debs/"*.deb "$root"
"$bin" --version
