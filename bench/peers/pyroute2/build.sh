#!/bin/sh
# pyroute2 peer: Debian's python3-pyroute2 for Debian's /usr/bin/python3.
set -eu
if ! /usr/bin/python3 -c "import pyroute2" 2>/dev/null; then
  apt-get update -qq || true
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends python3-pyroute2
fi
