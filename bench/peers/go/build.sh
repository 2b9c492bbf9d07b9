#!/bin/sh
# Go vishvananda/netlink peer: Debian's golang-github-vishvananda-netlink-dev,
# GOPATH-mode build (no modules, no proxy: nothing is downloaded).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
build=$(cd "$here/../.." && pwd)/.build
mkdir -p "$build"
if ! command -v go >/dev/null || [ ! -d /usr/share/gocode/src/github.com/vishvananda/netlink ]; then
  apt-get update -qq || true
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends golang-go golang-github-vishvananda-netlink-dev
fi
cd "$here"
GO111MODULE=off GOPATH=/usr/share/gocode GOPROXY=off GOFLAGS= GOCACHE="$here/gopath/cache" \
  go build -o "$build/vnl-bench" main.go
