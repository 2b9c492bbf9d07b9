#!/bin/sh
# Rust rtnetlink peer: Debian's librust-rtnetlink-dev (+ tokio, futures), built
# offline by cargo against /usr/share/cargo/registry (.cargo/config.toml).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
build=$(cd "$here/../.." && pwd)/.build
mkdir -p "$build"
if [ ! -d /usr/share/cargo/registry/rtnetlink-0.10.1 ] || [ ! -d /usr/share/cargo/registry/tokio-1.24.2 ]; then
  apt-get update -qq || true
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends librust-rtnetlink-dev librust-tokio-dev librust-futures-dev
fi
CARGO=${CARGO:-$(command -v cargo || echo /root/.cargo/bin/cargo)}
cd "$here"
"$CARGO" build --release --offline --quiet
cp target/release/rtnl-bench "$build/rtnl-bench"
