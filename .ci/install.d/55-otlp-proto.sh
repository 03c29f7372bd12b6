#!/usr/bin/env bash
# The OTLP .proto files of Debian's opentelemetry-proto package (unstable): the conformance
# tests decode what driftwatch sends with them (protobufjs), not with the serializer that
# produced it. Fetched like 50-otlp-backends.sh fetches VictoriaMetrics: `apt-get download`
# through a separate sources list (the system's apt configuration is never changed), unpacked
# into the git-ignored .cache/otlp-proto/. Idempotent.
set -euo pipefail
cd "$(dirname "$0")/../.."
dest="$PWD/.cache/otlp-proto"
if [ -n "$(find "$dest" -name logs.proto -path '*opentelemetry/proto/logs/v1/*' 2>/dev/null | head -1)" ]; then
  echo "opentelemetry-proto already present: $(cat "$dest/VERSION" 2>/dev/null)"
  exit 0
fi
apt_dir="$PWD/.cache/apt-unstable"
mkdir -p "$apt_dir/lists/partial" "$apt_dir/archives/partial" "$apt_dir/sources" "$apt_dir/debs-proto" "$dest"
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
(cd "$apt_dir/debs-proto" && rm -f ./*.deb && apt-get "${apt_opts[@]}" download opentelemetry-proto)
dpkg-deb -x "$apt_dir"/debs-proto/opentelemetry-proto_*.deb "$dest"
dpkg-deb -f "$apt_dir"/debs-proto/opentelemetry-proto_*.deb Version >"$dest/VERSION"
echo "opentelemetry-proto $(cat "$dest/VERSION"): $(find "$dest" -name '*.proto' | wc -l) .proto files"
