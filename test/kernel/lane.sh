#!/bin/bash
# lane.sh - the full-kernel test lane: for each kernel alias, fetch (cached) the
# stock Debian kernel, boot ONE VM and run the integration test set in it.
#
#   usage: test/kernel/lane.sh [KERNEL ...]        (default: 6.12 6.1 7)
#          npm run test:kernel -- 6.12
#
# In the VM (see guest/lane-run.sh), with NLINK_FULL_KERNEL=1 and
# NLINK_KERNEL_ALIAS=<alias> in the environment:
#   node_modules/.bin/node node_modules/vitest/vitest.mjs run test/integration
# (or the files in NLINK_LANE_FILES; or test/kernel/sanity.sh while
# test/integration does not exist).
#
# Knobs: NLINK_LANE_FILES (space separated vitest files/filters),
#   NLINK_LANE_VITEST_ARGS (extra vitest args), NLINK_LANE_TIMEOUT (seconds per
#   kernel, default 1800), NLINK_LANE_LOGS (dir to keep per-kernel logs),
#   and all vm.sh / fetch-kernel.sh knobs (NLINK_VM_MEM, NLINK_KERNEL_CACHE, ...).
# Exit status: 0 if every kernel passed, else 1 (2 = usage).
set -uo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
PROJECT=$(cd "$HERE/../.." && pwd -P)
cd "$PROJECT" || exit 2
[ $# -gt 0 ] || set -- 6.12 6.1 7
for k in "$@"; do
  case $k in 6.1|6.12|7) ;; *) echo "lane: unknown kernel alias '$k' (known: 6.1 6.12 7)" >&2; exit 2 ;; esac
done

# Preflight: without qemu (or busybox-static, kmod, root) no kernel can boot. In CI
# (CI=true) that is a loud failure; locally the message says what to install.
PKGS="qemu-system-x86 busybox-static kmod xz-utils zstd"
missing=""
[ "$(id -u)" = 0 ] || missing="$missing root(the VM shares / over 9p and apt fetches kernels)"
command -v qemu-system-x86_64 >/dev/null && qemu-system-x86_64 --version >/dev/null 2>&1 ||
  missing="$missing qemu-system-x86_64(qemu-system-x86)"
command -v depmod >/dev/null || missing="$missing depmod(kmod)"
if [ ! -x /bin/busybox ] || head -c 8192 /bin/busybox | grep -aq 'ld-linux'; then missing="$missing static-/bin/busybox(busybox-static)"; fi
command -v xz >/dev/null || missing="$missing xz(xz-utils)"
command -v zstd >/dev/null || missing="$missing zstd(zstd)"
if [ -n "$missing" ]; then
  if [ "${CI:-}" = true ]; then
    echo "::error::FULL-KERNEL LANE CANNOT RUN: missing:$missing" >&2
    echo "lane: FAILED in CI: the VM cannot start (missing:$missing). .ci/run installs: $PKGS" >&2
  else
    echo "lane: cannot start the VM: missing:$missing" >&2
    echo "lane: install with: apt-get install -y --no-install-recommends $PKGS   (and run as root)" >&2
  fi
  exit 1
fi

LOGS=${NLINK_LANE_LOGS:-}
TMPLOGS=""
if [ -z "$LOGS" ]; then LOGS=$(mktemp -d "${TMPDIR:-/tmp}/nlink-lane.XXXXXX"); TMPLOGS=$LOGS; fi
mkdir -p "$LOGS"
trap '[ -n "$TMPLOGS" ] && rm -rf "$TMPLOGS"' EXIT

now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN{printf "%.1f", b-a}'; }
RESULTS=()
FAILED=0
for k in "$@"; do
  echo "==================== lane: kernel $k ===================="
  log=$LOGS/kernel-$k.log
  t0=$(now)
  if ! "$HERE/fetch-kernel.sh" "$k" >/dev/null; then
    RESULTS+=("$k|-|FETCH FAILED|$(secs "$t0" "$(now)")s|")
    FAILED=1; continue
  fi
  t1=$(now)
  NLINK_FULL_KERNEL=1 NLINK_KERNEL_ALIAS=$k NLINK_VM_TIMING=1 \
    "$HERE/vm.sh" --kernel "$k" --timeout "${NLINK_LANE_TIMEOUT:-1800}" -- bash test/kernel/guest/lane-run.sh \
    2>&1 | tee "$log"
  rc=${PIPESTATUS[0]}
  t2=$(now)
  kver=$(sed -n 's/^lane: guest kernel \([^ ]*\).*/\1/p' "$log" | head -1)
  summary=$(sed -n 's/^lane: \(tests run .*\)/\1/p' "$log" | tail -1)
  [ -n "$summary" ] || summary=$(grep -qx OK "$log" && echo "sanity OK" || true)
  case $rc in
    0) st=PASS ;; 124) st="TIMEOUT"; FAILED=1 ;; 125) st="VM FAILURE"; FAILED=1 ;; *) st="FAIL (exit $rc)"; FAILED=1 ;;
  esac
  if [ "$rc" = 125 ] && [ "${CI:-}" = true ]; then
    echo "::error::FULL-KERNEL LANE: the VM for kernel $k failed to start or crashed (see the vm.sh message above)" >&2
  fi
  echo "lane: kernel $k: $st in $(secs "$t1" "$t2")s wall (fetch/cache check $(secs "$t0" "$t1")s)"
  RESULTS+=("$k|${kver:--}|$st|$(secs "$t1" "$t2")s|$summary")
  echo "lane: time kernel $k ($kver): $(secs "$t1" "$t2")s"
done

echo "==================== lane summary ===================="
printf '%-6s %-24s %-16s %-8s %s\n' ALIAS KERNEL RESULT WALL SUMMARY
for r in "${RESULTS[@]}"; do
  IFS='|' read -r a kv st w s <<< "$r"
  printf '%-6s %-24s %-16s %-8s %s\n' "$a" "$kv" "$st" "$w" "$s"
done
[ -n "$TMPLOGS" ] || echo "logs: $LOGS"
exit $FAILED
