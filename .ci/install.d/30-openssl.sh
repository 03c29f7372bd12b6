#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# The probe receiver's TLS tests make a throwaway CA and certificates with the openssl CLI.
set -eu
if command -v openssl >/dev/null 2>&1; then exit 0; fi
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openssl
