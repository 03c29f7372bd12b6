#!/usr/bin/env bash
# Prints the Debian archive URI this machine's apt is already configured with (the main
# archive, not the security one), so installers can add another suite of the same mirror
# without naming a host themselves.
set -euo pipefail
uri=""
if [ -r /etc/apt/sources.list.d/debian.sources ]; then
  uri=$(awk '/^URIs:/ { for (i = 2; i <= NF; i++) if ($i !~ /security/) { print $i; exit } }' /etc/apt/sources.list.d/debian.sources)
fi
if [ -z "$uri" ] && [ -r /etc/apt/sources.list ]; then
  uri=$(awk '$1 == "deb" { for (i = 2; i <= NF; i++) if ($i ~ /^https?:/ && $i !~ /security/) { print $i; exit } }' /etc/apt/sources.list)
fi
if [ -z "$uri" ]; then
  echo "cannot find the Debian archive in this machine's apt sources" >&2
  exit 1
fi
printf '%s\n' "${uri%/}"
