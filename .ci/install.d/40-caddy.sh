#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Caddy (Debian package) for the access_log receiver's real-capture and live three-gateway tests.
# The tests run their own foreground process on loopback with a generated config; the system
# service is not needed, so a policy-rc.d that says "no" keeps the package from starting it.
set -eu
if [ -x /usr/bin/caddy ]; then
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
apt-get install -y -qq --no-install-recommends caddy
if [ "$created" = 1 ]; then rm -f /usr/sbin/policy-rc.d; fi
/usr/bin/caddy -v >/dev/null 2>&1 || /usr/bin/caddy version >/dev/null
