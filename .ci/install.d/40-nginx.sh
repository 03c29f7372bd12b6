#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# nginx (Debian package) for the access_log receiver's real-component tests.
set -eu
exec sh .ci/lib/apt-daemon.sh nginx /usr/sbin/nginx
