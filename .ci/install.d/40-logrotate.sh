#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# logrotate (Debian package) for the access_log receiver's rotation matrix: the tests run it by
# hand with their own config and state file (-s); the package's cron/systemd timer is not used.
set -eu
if [ -x /usr/sbin/logrotate ]; then
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends logrotate
