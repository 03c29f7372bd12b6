#!/usr/bin/env bash
# Real OTLP backends for the otlp_http / prometheus exporter suites:
#   victoria-metrics (OTLP/HTTP metrics receiver) and prometheus 3.x (scrape client), both from
#   Debian unstable (Go binaries that run on Debian 12). Fetched with `apt-get download` through a
#   separate sources list so the system's apt configuration is never changed, and unpacked into
#   the git-ignored .cache/otlp-backends/. Idempotent: does nothing when both binaries are there.
set -euo pipefail
cd "$(dirname "$0")/../.."
dest="$PWD/.cache/otlp-backends"
# openssl makes the test PKI of the otlp_http TLS suite (present on Debian images; install if not).
command -v openssl >/dev/null || { apt-get update -qq && apt-get install -y -qq openssl; }
vm="$dest/usr/bin/victoria-metrics"
prom="$dest/usr/bin/prometheus"
if [ -x "$vm" ] && [ -x "$prom" ]; then
  echo "otlp backends already present: victoria-metrics $(cat "$dest/VERSION-victoria-metrics" 2>/dev/null); $("$prom" --version 2>&1 | head -1)"
  exit 0
fi
mkdir -p "$dest"
# shellcheck source=../lib/apt-unstable.sh
source .ci/lib/apt-unstable.sh
apt-cache "${apt_opts[@]}" policy victoria-metrics prometheus | sed -n '1,12p'
apt_unstable_download "$apt_dir/debs" victoria-metrics prometheus
for deb in "$apt_dir"/debs/*.deb; do
  dpkg-deb -x "$deb" "$dest"
done
# the Debian build prints no version: record the package's instead
dpkg-deb -f "$apt_dir"/debs/victoria-metrics_*.deb Version >"$dest/VERSION-victoria-metrics"
echo "victoria-metrics $(cat "$dest/VERSION-victoria-metrics")"
"$prom" --version 2>&1 | head -1
