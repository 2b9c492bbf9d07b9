#!/usr/bin/env bash
# Fetches the newest UAPI headers the lane can reach: linux-libc-dev from the
# same apt state fetch-kernel.sh uses for the 7.x kernels (trixie-backports
# under $NLINK_KERNEL_CACHE/apt), unpacked with dpkg-deb -x into
# $NLINK_KERNEL_CACHE/headers/<version>. Prints the include directory.
# `npm run codegen:report -- --headers newest` runs it (spec/README.md).
#
# Knobs: NLINK_KERNEL_CACHE (default /var/cache/nlink-kernels),
#        NLINK_HEADERS_SUITE (default trixie-backports), NLINK_KERNEL_REFRESH=1
#        (apt-get update first).
set -euo pipefail

die() { echo "fetch-headers: $*" >&2; exit 125; }
log() { echo "fetch-headers: $*" >&2; }

CACHE=${NLINK_KERNEL_CACHE:-/var/cache/nlink-kernels}
SUITE=${NLINK_HEADERS_SUITE:-trixie-backports}
[ "$(id -u)" = 0 ] || die "must run as root (apt-get download into the cache)"
for b in apt-get apt-cache dpkg-deb flock; do command -v $b >/dev/null || die "missing $b"; done

mkdir -p "$CACHE/headers"
exec 9>"$CACHE/.lock"
flock 9

st=$CACHE/apt/$SUITE
mkdir -p "$st/lists/partial" "$st/cache/archives/partial"
APT_OPTS=(-o "Dir::Etc::SourceList=$st/sources.list" -o Dir::Etc::SourceParts=/dev/null
          -o "Dir::State::Lists=$st/lists" -o "Dir::Cache=$st/cache" -o Dir::State::status=/dev/null)
if [ ! -e "$st/sources.list" ]; then
  codename=$(. /etc/os-release && echo "${VERSION_CODENAME:-}")
  site=$(apt-get indextargets --format '$(SITE) $(RELEASE)' 2>/dev/null | awk -v c="$codename" '$2==c {print $1; exit}')
  [ -n "$site" ] || die "no apt source for this machine's release found (apt-get indextargets)"
  echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $site $SUITE main" > "$st/sources.list"
fi
if [ "${NLINK_KERNEL_REFRESH:-0}" = 1 ] || ! ls "$st"/lists/*_Packages* >/dev/null 2>&1; then
  log "apt-get update ($SUITE)"
  apt-get -o APT::Sandbox::User=root "${APT_OPTS[@]}" update >&2 || die "apt-get update for $SUITE failed"
fi

ver=$(apt-cache "${APT_OPTS[@]}" policy linux-libc-dev 2>/dev/null | awk '/Candidate:/{print $2}')
[ -n "$ver" ] && [ "$ver" != "(none)" ] || die "no linux-libc-dev in $SUITE"
dest=$CACHE/headers/linux-libc-dev_$(echo "$ver" | tr '~:+' '-__')
if [ ! -e "$dest/.ok" ]; then
  log "linux-libc-dev $ver ($SUITE)"
  rm -rf "$dest.dl" "$dest.tmp" && mkdir -p "$dest.dl" "$dest.tmp"
  (cd "$dest.dl" && apt-get -o APT::Sandbox::User=root "${APT_OPTS[@]}" download "linux-libc-dev=$ver" >&2) ||
    die "apt-get download linux-libc-dev=$ver failed"
  dpkg-deb -x "$dest.dl"/linux-libc-dev_*.deb "$dest.tmp"
  echo "$ver" > "$dest.tmp/.ok"
  rm -rf "$dest" "$dest.dl" && mv "$dest.tmp" "$dest"
fi
echo "$dest/usr/include"
