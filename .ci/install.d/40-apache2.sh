#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Apache httpd (Debian package) for the access_log receiver's real-capture test of LogFormat.
set -eu
exec sh .ci/lib/apt-daemon.sh apache2 /usr/sbin/apache2
