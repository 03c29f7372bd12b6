#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# check-response's transcript tests capture real `curl -i` / `curl -i -N` output from the simulator.
set -eu
if command -v curl >/dev/null 2>&1; then exit 0; fi
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq curl
