#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# nginx (Debian package) for the access_log receiver's real-component tests. The tests run their
# own non-daemon nginx on loopback with a generated config; the system service is not needed.
set -eu
if [ -x /usr/sbin/nginx ]; then
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# A policy-rc.d that says "no" keeps the package from starting nginx on port 80.
created=0
if [ ! -e /usr/sbin/policy-rc.d ]; then
  printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
  chmod +x /usr/sbin/policy-rc.d
  created=1
fi
apt-get install -y -qq --no-install-recommends nginx
if [ "$created" = 1 ]; then rm -f /usr/sbin/policy-rc.d; fi
