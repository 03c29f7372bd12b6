#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Sourced (from the repository root) by the installers that take a package from Debian unstable
# (promtool, VictoriaMetrics/Prometheus, the OTLP .proto files): a separate sources list and apt
# state under .cache/apt-unstable, so the system's apt configuration is never changed. Defines
# apt_dir and apt_opts, runs `apt-get update` on that state once, and offers
#   apt_unstable_download DIR PACKAGE... — the packages' .deb files (only those) into DIR.
apt_dir="$PWD/.cache/apt-unstable"
mkdir -p "$apt_dir/lists/partial" "$apt_dir/archives/partial" "$apt_dir/sources"
mirror=$(bash .ci/lib/debian-mirror.sh)
cat >"$apt_dir/sources/unstable.sources" <<SRC
Types: deb
URIs: $mirror
Suites: unstable
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
apt_opts=(
  -o "Dir::Etc::sourcelist=$apt_dir/sources/unstable.sources"
  -o "Dir::Etc::sourceparts=-"
  -o "Dir::State::Lists=$apt_dir/lists"
  -o "Dir::Cache::Archives=$apt_dir/archives"
  -o "Dir::Cache::pkgcache=" -o "Dir::Cache::srcpkgcache="
  -o "APT::Get::List-Cleanup=0"
  -o "APT::Sandbox::User=root"
)
apt-get "${apt_opts[@]}" update -qq

apt_unstable_download() {
  local dir=$1
  shift
  mkdir -p "$dir"
  (cd "$dir" && rm -f ./*.deb && apt-get "${apt_opts[@]}" download "$@")
}
