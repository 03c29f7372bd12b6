#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# HAProxy (Debian package) for the access_log receiver's real-capture and live three-gateway tests.
set -eu
exec sh .ci/lib/apt-daemon.sh haproxy /usr/sbin/haproxy
