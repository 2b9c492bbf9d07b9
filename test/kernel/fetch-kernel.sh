#!/bin/bash
# fetch-kernel.sh - fetch, extract and cache a stock Debian kernel for the VM lane.
#
#   usage: test/kernel/fetch-kernel.sh ALIAS      (ALIAS: 6.1 | 6.12 | 7)
#
# Prints the extracted kernel tree on stdout (everything else goes to stderr).
# The tree holds boot/vmlinuz-VER or usr/lib/modules/VER/vmlinuz, the module
# tree (lib/modules/VER or usr/lib/modules/VER, depmod'ed; 7.x has
# usr/lib/modules/VER/vmlinuz.unsigned), a decompressed ELF
# "nlink-vmlinux" next to the modules when it could be extracted (PVH boot), and
# ".ok" listing the packages (name=version) it was built from.
#
# Aliases:
#   6.1   newest linux-image-6.1.0-N-amd64-unsigned       (the machine's own apt sources)
#   6.12  newest linux-image-6.12.N+deb12-amd64-unsigned  (the machine's own apt sources)
#   7     newest 7.x kernel from trixie-backports; if that suite has none,
#         from trixie, then forky (separate apt state under $CACHE/apt/SUITE,
#         same mirror the machine uses for its own release: see mirror_site)
#
# Knobs:
#   NLINK_KERNEL_CACHE    cache dir (default /var/cache/nlink-kernels)
#   NLINK_KERNEL_REFRESH=1  re-resolve the newest package even when a cached
#                         tree exists (apt update for foreign suites; replaces
#                         the alias' tree when a newer kernel was found)
#
# Idempotent: with "$CACHE/ALIAS/.ok" present nothing is downloaded and no
# network is needed. Concurrent callers serialise on "$CACHE/.lock".
#
# Newer Debian kernels (7.x, trixie-backports/forky) use a split layout:
# linux-image-ABI is a tiny metapackage depending on linux-binary[-unsigned]-ABI
# (vmlinuz), linux-modules-ABI and linux-base-ABI. Older ones ship everything in
# linux-image-ABI-unsigned. Both are handled by resolve_pkgs.
set -euo pipefail

die() { echo "fetch-kernel: $*" >&2; exit 125; }
log() { echo "fetch-kernel: $*" >&2; }

[ $# -eq 1 ] || die "usage: $0 ALIAS   (6.1 | 6.12 | 7)"
ALIAS=$1
CACHE=${NLINK_KERNEL_CACHE:-/var/cache/nlink-kernels}
[ "$(id -u)" = 0 ] || die "must run as root (apt-get download into the cache, depmod)"
for b in apt-get apt-cache dpkg-deb depmod flock; do
  command -v $b >/dev/null || die "missing $b (apt-get install -y --no-install-recommends kmod)"
done

case $ALIAS in
  6.1)  ABI_RE='6\.1\.0-[0-9]+-amd64';            SUITES=own ;;
  6.12) ABI_RE='6\.12\.[0-9]+\+deb12-amd64';      SUITES=own ;;
  7)    ABI_RE='7\.[0-9]+\.[0-9]+\+deb[0-9]+-amd64'; SUITES="trixie-backports trixie forky" ;;
  *)    die "unknown kernel alias '$ALIAS' (known: 6.1 6.12 7)" ;;
esac

mkdir -p "$CACHE"
CACHE=$(cd "$CACHE" && pwd -P)
LINK=$CACHE/$ALIAS

if [ "${NLINK_KERNEL_REFRESH:-0}" != 1 ] && [ -e "$LINK/.ok" ]; then
  readlink -f "$LINK"; exit 0
fi

exec 9>"$CACHE/.lock"
flock 9
# another caller may have finished while we waited
if [ "${NLINK_KERNEL_REFRESH:-0}" != 1 ] && [ -e "$LINK/.ok" ]; then
  readlink -f "$LINK"; exit 0
fi

# ------------------------------------------------------------------ apt access
APT_OPTS=()      # empty = the machine's own apt state
apt_cache() { apt-cache "${APT_OPTS[@]}" "$@"; }
apt_get()   { apt-get -o APT::Sandbox::User=root "${APT_OPTS[@]}" "$@"; }
has_candidate() { # $1 package -> true if apt can download it
  local c
  c=$(apt_cache policy "$1" 2>/dev/null | awk '/Candidate:/{print $2}')
  [ -n "$c" ] && [ "$c" != "(none)" ]
}

# The mirror serving the machine's own release (e.g. http://deb.debian.org/debian),
# read from the machine's apt configuration (sources.list and sources.list.d,
# one-line and deb822 formats alike) - never hard-coded.
mirror_site() {
  local codename
  codename=$(. /etc/os-release && echo "${VERSION_CODENAME:-}")
  [ -n "$codename" ] || die "cannot tell this machine's Debian codename from /etc/os-release"
  apt-get indextargets --format '$(SITE) $(RELEASE)' 2>/dev/null |
    awk -v c="$codename" '$2==c {print $1; exit}'
}

use_suite() { # $1 suite ("own" = the machine's apt state)
  local suite=$1 st site
  if [ "$suite" = own ]; then
    APT_OPTS=()
    if [ -z "$(apt_cache pkgnames linux-image- 2>/dev/null | head -1)" ] || [ "${NLINK_KERNEL_REFRESH:-0}" = 1 ]; then
      log "apt-get update (machine's own sources)"
      apt-get update >&2 || die "apt-get update failed"
    fi
    return
  fi
  st=$CACHE/apt/$suite
  mkdir -p "$st/lists/partial" "$st/cache/archives/partial"
  site=$(mirror_site)
  [ -n "$site" ] || die "no apt source for this machine's release found (apt-get indextargets)"
  # The key of a newer release may be missing from this release's keyring
  # (bookworm's debian-archive-keyring >= 2023.3+deb12u2 does carry the trixie
  # keys, which also sign trixie-backports and forky). Signatures are verified;
  # set NLINK_KERNEL_TRUSTED=1 to use [trusted=yes] when the keyring is too old.
  local opt="signed-by=/usr/share/keyrings/debian-archive-keyring.gpg"
  [ "${NLINK_KERNEL_TRUSTED:-0}" = 1 ] && opt="trusted=yes"
  echo "deb [$opt] $site $suite main" > "$st/sources.list.new"
  APT_OPTS=(-o "Dir::Etc::SourceList=$st/sources.list" -o Dir::Etc::SourceParts=/dev/null
            -o "Dir::State::Lists=$st/lists" -o "Dir::Cache=$st/cache"
            -o Dir::State::status=/dev/null)
  if ! cmp -s "$st/sources.list.new" "$st/sources.list" || [ "${NLINK_KERNEL_REFRESH:-0}" = 1 ] ||
     ! ls "$st"/lists/*_Packages* >/dev/null 2>&1; then
    mv "$st/sources.list.new" "$st/sources.list"
    log "apt-get update ($suite from $site)"
    apt_get update >&2 || die "apt-get update for $suite failed (mirror $site; keyring? see NLINK_KERNEL_TRUSTED)"
  else
    rm -f "$st/sources.list.new"
  fi
}

resolve_pkgs() { # $1 ABI -> prints the packages to download, or fails
  local abi=$1 bin m
  if has_candidate "linux-image-$abi-unsigned"; then echo "linux-image-$abi-unsigned"; return 0; fi
  if has_candidate "linux-binary-unsigned-$abi"; then bin=linux-binary-unsigned-$abi
  elif has_candidate "linux-binary-$abi"; then bin=linux-binary-$abi
  elif has_candidate "linux-image-$abi"; then echo "linux-image-$abi"; return 0
  else return 1; fi
  has_candidate "linux-modules-$abi" || return 1
  m="$bin linux-modules-$abi"
  has_candidate "linux-base-$abi" && m="$m linux-base-$abi"
  echo "$m"
}

PKGS=""
for suite in $SUITES; do
  use_suite "$suite"
  for abi in $(apt_cache pkgnames linux-image- 2>/dev/null | sed -nE "s/^linux-image-($ABI_RE)(-unsigned)?\$/\\1/p" | sort -uV -r); do
    if PKGS=$(resolve_pkgs "$abi"); then break; fi
    PKGS=""
  done
  [ -n "$PKGS" ] && { SUITE=$suite; break; }
  log "no kernel matching /$ABI_RE/ in suite $suite"
done
[ -n "$PKGS" ] || die "no kernel package found for alias $ALIAS (suites: $SUITES)"

MANIFEST=$(for p in $PKGS; do echo "$p=$(apt_cache policy "$p" | awk '/Candidate:/{print $2}')"; done)
main=${PKGS%% *}
TREE=$CACHE/trees/$(echo "$MANIFEST" | head -1 | tr '=~:+' '_-__')

if [ -e "$TREE/.ok" ] && [ "$(grep -v '^#' "$TREE/.ok")" = "$MANIFEST" ]; then
  ln -sfn "trees/${TREE##*/}" "$LINK"
  readlink -f "$LINK"; exit 0
fi

# ------------------------------------------------------------------ download + extract
log "alias $ALIAS -> $(echo $MANIFEST) (suite $SUITE)"
rm -rf "$TREE.dl" "$TREE.tmp"; mkdir -p "$TREE.dl" "$TREE.tmp"
trap 'rm -rf "$TREE.dl" "$TREE.tmp"' EXIT
# shellcheck disable=SC2086
if ! (cd "$TREE.dl" && apt_get download $PKGS >&2); then
  # stale package lists (the mirror dropped that version): refresh once and retry
  log "download failed; refreshing package lists and retrying"
  if [ "$SUITE" = own ]; then apt-get update >&2; else apt_get update >&2; fi
  # shellcheck disable=SC2086
  (cd "$TREE.dl" && apt_get download $PKGS >&2) || die "apt-get download $PKGS failed"
fi
for deb in "$TREE.dl"/*.deb; do
  log "extracting ${deb##*/}"
  dpkg-deb -x "$deb" "$TREE.tmp"
done

find_kernel() { # $1 tree -> KVER VMLINUZ MODDIR
  local d=$1 v
  for v in "$d"/usr/lib/modules/* "$d"/lib/modules/*; do
    [ -d "$v/kernel" ] || continue
    KVER=${v##*/}; MODDIR=$v
    if [ -f "$v/vmlinuz" ]; then VMLINUZ=$v/vmlinuz
    elif [ -f "$v/vmlinuz.unsigned" ]; then VMLINUZ=$v/vmlinuz.unsigned   # linux-binary-unsigned-*
    elif [ -f "$d/boot/vmlinuz-$KVER" ]; then VMLINUZ=$d/boot/vmlinuz-$KVER
    else continue; fi
    return 0
  done
  return 1
}
find_kernel "$TREE.tmp" || die "no vmlinuz + module tree in $PKGS"

# The .debs do not ship modules.dep* (their postinst runs depmod); without it
# modprobe - and so in-guest module autoloading - does not work.
DEPROOT=${MODDIR%/lib/modules/$KVER}
if [ ! -f "$MODDIR/modules.dep.bin" ]; then
  log "depmod $KVER"
  depmod -b "$DEPROOT" "$KVER" || die "depmod failed"
fi
[ -f "$MODDIR/modules.dep" ] || die "depmod produced no modules.dep"

# Decompressed ELF vmlinux for PVH direct boot (-kernel vmlinux): under TCG this
# skips ~0.5 s of in-guest decompression. Optional: vm.sh falls back to vmlinuz.
extract_vmlinux() { # $1 vmlinuz  $2 output
  local magic dec off
  for magic in 'zstd|\x28\xb5\x2f\xfd' 'xz|\xfd\x37\x7a\x58\x5a\x00' 'gzip|\x1f\x8b\x08'; do
    dec=${magic%%|*}
    command -v "$dec" >/dev/null || continue
    for off in $(LC_ALL=C grep -aboP "${magic#*|}" "$1" 2>/dev/null | cut -d: -f1 | head -3); do
      tail -c +$((off+1)) "$1" | "$dec" -dc 2>/dev/null > "$2.tmp" || true
      if [ "$(head -c 4 "$2.tmp" | od -An -tx1 | tr -d ' ')" = 7f454c46 ]; then mv "$2.tmp" "$2"; return 0; fi
    done
  done
  rm -f "$2.tmp"; return 1
}
extract_vmlinux "$VMLINUZ" "$MODDIR/nlink-vmlinux" || log "note: could not extract ELF vmlinux (install zstd/xz-utils); booting vmlinuz"

{ echo "# alias=$ALIAS suite=$SUITE kver=$KVER fetched=$(date -u +%FT%TZ)"; echo "$MANIFEST"; } > "$TREE.tmp/.ok"
OLD=""; [ -L "$LINK" ] && OLD=$(readlink -f "$LINK")
rm -rf "$TREE"
mv "$TREE.tmp" "$TREE"
rm -rf "$TREE.dl"; trap - EXIT
ln -sfn "trees/${TREE##*/}" "$LINK"
# drop the tree this alias replaced, unless another alias still uses it
if [ -n "$OLD" ] && [ "$OLD" != "$TREE" ] && [ -d "$OLD" ]; then
  used=0
  for l in "$CACHE"/*; do [ -L "$l" ] && [ "$(readlink -f "$l")" = "$OLD" ] && used=1; done
  [ $used = 1 ] || { log "removing replaced tree $OLD"; rm -rf "$OLD"; }
fi
log "cached $KVER in $TREE ($(du -sh "$TREE" | cut -f1))"
readlink -f "$LINK"
