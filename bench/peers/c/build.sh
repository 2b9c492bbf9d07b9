#!/bin/sh
# Builds the C reference and the runstat wrapper into bench/.build (gcc only).
set -eu
here=$(cd "$(dirname "$0")/../.." && pwd)
mkdir -p "$here/.build"
command -v gcc >/dev/null || apt-get install -y --no-install-recommends gcc libc6-dev
gcc -O2 -Wall -o "$here/.build/nlref" "$here/peers/c/nlref.c"
gcc -O2 -Wall -o "$here/.build/runstat" "$here/lib/runstat.c"
