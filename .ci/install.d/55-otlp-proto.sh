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
mkdir -p "$dest"
# shellcheck source=../lib/apt-unstable.sh
source .ci/lib/apt-unstable.sh
apt_unstable_download "$apt_dir/debs-proto" opentelemetry-proto
dpkg-deb -x "$apt_dir"/debs-proto/opentelemetry-proto_*.deb "$dest"
dpkg-deb -f "$apt_dir"/debs-proto/opentelemetry-proto_*.deb Version >"$dest/VERSION"
echo "opentelemetry-proto $(cat "$dest/VERSION"): $(find "$dest" -name '*.proto' | wc -l) .proto files"
