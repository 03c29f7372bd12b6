#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Installs a Debian package that ships a system service the tests do not want (nginx, Caddy,
# HAProxy, apache2): the tests run their own foreground process on loopback with a generated
# config, so a policy-rc.d that says "no" keeps the package from starting its service (port 80).
# Usage: apt-daemon.sh PACKAGE BINARY — does nothing when BINARY is already executable.
set -eu
package=$1
binary=$2
if [ -x "$binary" ]; then
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
created=0
if [ ! -e /usr/sbin/policy-rc.d ]; then
  printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
  chmod +x /usr/sbin/policy-rc.d
  created=1
fi
status=0
apt-get install -y -qq --no-install-recommends "$package" || status=$?
if [ "$created" = 1 ]; then rm -f /usr/sbin/policy-rc.d; fi
if [ "$status" != 0 ]; then exit "$status"; fi
if [ ! -x "$binary" ]; then
  echo "apt-daemon.sh: $package installed but $binary is missing" >&2
  exit 1
fi
