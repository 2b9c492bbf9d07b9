#!/bin/sh
# iproute2 from Debian (normally present already).
set -eu
command -v ip >/dev/null || { apt-get update -qq; DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends iproute2; }
