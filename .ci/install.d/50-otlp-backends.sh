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
apt_dir="$PWD/.cache/apt-unstable"
mkdir -p "$apt_dir/lists/partial" "$apt_dir/archives/partial" "$apt_dir/sources" "$dest" "$apt_dir/debs"
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
apt-cache "${apt_opts[@]}" policy victoria-metrics prometheus | sed -n '1,12p'
(cd "$apt_dir/debs" && rm -f ./*.deb && apt-get "${apt_opts[@]}" download victoria-metrics prometheus)
for deb in "$apt_dir"/debs/*.deb; do
  dpkg-deb -x "$deb" "$dest"
done
# the Debian build prints no version: record the package's instead
dpkg-deb -f "$apt_dir"/debs/victoria-metrics_*.deb Version >"$dest/VERSION-victoria-metrics"
echo "victoria-metrics $(cat "$dest/VERSION-victoria-metrics")"
"$prom" --version 2>&1 | head -1
