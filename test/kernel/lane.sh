#!/bin/bash
# lane.sh - the full-kernel test lane: fetch (cached) stock Debian kernels and
# run the integration tests in QEMU VMs, two VMs at a time.
#
#   usage: test/kernel/lane.sh [ALIAS[:SET] ...]     (default: 7:full 6.12:vs 6.1:vs)
#          npm run test:kernel -- 6.12               (a plain ALIAS runs the full set)
#
# SET: full  test/integration + test/runtime/kernel.test.ts (or NLINK_LANE_FILES)
#      vs    the version-sensitive subset: the tests listed in
#            test/kernel/version-sensitive.txt (see README.md)
# The newest kernel runs the full set; the older ones only what can differ
# between kernel versions. One vitest process per VM (guest/lane-run.sh), with
# NLINK_FULL_KERNEL=1, NLINK_KERNEL_ALIAS=<alias> and NLINK_LANE_SET=<set>.
#
# Output: each VM writes its own log; a VM's log is printed when it finishes,
# then at the end a summary (result and wall time per kernel) and the time per
# test file per kernel (from check-report.ts), so growth is visible.
#
# Knobs: NLINK_LANE_JOBS (VMs at once, default 2), NLINK_LANE_SHARDS (VMs the
#   full set is split over, vitest --shard; default: NLINK_LANE_JOBS; 1 when
#   NLINK_LANE_FILES is set), NLINK_LANE_FILES (space
#   separated vitest files/filters for the full set), NLINK_LANE_LIST (the
#   version-sensitive list), NLINK_LANE_VITEST_ARGS (extra vitest args),
#   NLINK_LANE_TIMEOUT (seconds per VM, default 2700), NLINK_LANE_LOGS (dir to
#   keep the per-kernel logs), and all vm.sh / fetch-kernel.sh knobs
#   (NLINK_VM_MEM, NLINK_KERNEL_CACHE, ...).
# Exit status: 0 if every kernel passed, else 1 (2 = usage).
set -uo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
PROJECT=$(cd "$HERE/../.." && pwd -P)
cd "$PROJECT" || exit 2
[ $# -gt 0 ] || set -- 7:full 6.12:vs 6.1:vs
ALIASES=(); SETS=()
for arg in "$@"; do
  k=${arg%%:*}; set=full
  [ "$k" = "$arg" ] || set=${arg#*:}
  case $k in 6.1|6.12|7) ;; *) echo "lane: unknown kernel alias '$k' (known: 6.1 6.12 7)" >&2; exit 2 ;; esac
  case $set in full|vs) ;; *) echo "lane: unknown set '$set' in '$arg' (known: full vs)" >&2; exit 2 ;; esac
  for a in "${ALIASES[@]}"; do [ "$a" != "$k" ] || { echo "lane: kernel $k given twice" >&2; exit 2; }; done
  ALIASES+=("$k"); SETS+=("$set")
done
JOBS=${NLINK_LANE_JOBS:-2}
case $JOBS in ''|*[!0-9]*|0) echo "lane: NLINK_LANE_JOBS must be a positive integer" >&2; exit 2 ;; esac
SHARDS=${NLINK_LANE_SHARDS:-$JOBS}
[ -z "${NLINK_LANE_FILES:-}" ] || SHARDS=1
case $SHARDS in ''|*[!0-9]*|0) echo "lane: NLINK_LANE_SHARDS must be a positive integer" >&2; exit 2 ;; esac
# One VM per job: the full set split into SHARDS parts (so that it does not
# leave the other VM slot idle), the version-sensitive set whole.
J_ALIAS=(); J_SET=(); J_SHARD=(); J_ID=()
for i in "${!ALIASES[@]}"; do
  k=${ALIASES[$i]}; set=${SETS[$i]}
  if [ "$set" = full ] && [ "$SHARDS" -gt 1 ]; then
    for ((n = 1; n <= SHARDS; n++)); do
      J_ALIAS+=("$k"); J_SET+=("$set"); J_SHARD+=("$n/$SHARDS"); J_ID+=("$k-$n")
    done
  else
    J_ALIAS+=("$k"); J_SET+=("$set"); J_SHARD+=(""); J_ID+=("$k")
  fi
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
if [ -z "$LOGS" ]; then LOGS=$(mktemp -d "${TMPDIR:-/tmp}/nlink.lane.XXXXXX"); TMPLOGS=$LOGS; fi
mkdir -p "$LOGS"
PIDS=()
cleanup() {
  # each VM runner's vm.sh traps TERM and stops its qemu
  for p in "${PIDS[@]}"; do pkill -TERM -P "$p" 2>/dev/null; kill "$p" 2>/dev/null; done
  [ -n "$TMPLOGS" ] && rm -rf "$TMPLOGS"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN{printf "%.1f", b-a}'; }
T0=$(now)

# Fetch first, one kernel after the other (network; fetch-kernel.sh locks the cache).
echo "==================== lane: kernels ${ALIASES[*]} ($JOBS VMs at once) ===================="
FAILED=0
declare -A STATE=() WALL=()
for k in "${ALIASES[@]}"; do
  t=$(now)
  if "$HERE/fetch-kernel.sh" "$k" >/dev/null; then
    echo "lane: kernel $k cached ($(secs "$t" "$(now)")s)"
  else
    STATE[$k]="FETCH FAILED"; WALL[$k]=-; FAILED=1
  fi
done
T1=$(now)

run_vm() { # job: the VM's output goes to its own log; status to log.rc
  local j=$1 log=$LOGS/kernel-${J_ID[$1]}.log t rc
  t=$(now)
  # NLINK_LANE_FILES chooses the files of the full set only: a vs set runs its own list.
  local files=${NLINK_LANE_FILES:-}
  [ "${J_SET[$j]}" = full ] || files=
  NLINK_FULL_KERNEL=1 NLINK_KERNEL_ALIAS=${J_ALIAS[$j]} NLINK_LANE_SET=${J_SET[$j]} \
    NLINK_LANE_SHARD=${J_SHARD[$j]} NLINK_LANE_FILES=$files NLINK_VM_TIMING=1 \
    "$HERE/vm.sh" --kernel "${J_ALIAS[$j]}" --timeout "${NLINK_LANE_TIMEOUT:-2700}" -- bash test/kernel/guest/lane-run.sh \
    >"$log" 2>&1 </dev/null
  rc=$?
  echo "$rc $(secs "$t" "$(now)")" > "$log.rc"
}

job_name() { echo "kernel ${J_ALIAS[$1]} (${J_SET[$1]} set${J_SHARD[$1]:+, shard ${J_SHARD[$1]}})"; }

declare -A J_STATE=() J_WALL=()
finish() { # job: print the VM's log and record its result
  local j=$1 log=$LOGS/kernel-${J_ID[$1]}.log rc w st
  read -r rc w < "$log.rc" 2>/dev/null || { rc=125; w=-; }
  case $rc in
    0) st=PASS ;; 124) st=TIMEOUT ;; 125) st="VM FAILURE" ;; *) st="FAIL (exit $rc)" ;;
  esac
  [ "$rc" = 0 ] || FAILED=1
  echo "==================== lane: $(job_name "$j") ===================="
  cat "$log"
  if [ "$rc" = 125 ] && [ "${CI:-}" = true ]; then
    echo "::error::FULL-KERNEL LANE: the VM for kernel ${J_ALIAS[$j]} failed to start or crashed (see the vm.sh message above)" >&2
  fi
  echo "lane: $(job_name "$j"): $st in ${w}s wall"
  J_STATE[$j]=$st; J_WALL[$j]=$w
}

# Longest first: the order given (the full set leads by default).
declare -A RUNNING=()   # pid -> job
next=0
while :; do
  while [ ${#RUNNING[@]} -lt "$JOBS" ] && [ $next -lt ${#J_ID[@]} ]; do
    if [ -n "${STATE[${J_ALIAS[$next]}]:-}" ]; then   # fetch failed
      J_STATE[$next]=${STATE[${J_ALIAS[$next]}]}; J_WALL[$next]=-
    else
      echo "lane: $(job_name "$next") started"
      run_vm "$next" &
      RUNNING[$!]=$next; PIDS+=("$!")
    fi
    next=$((next+1))
  done
  [ ${#RUNNING[@]} -gt 0 ] || break
  wait -n -p done_pid "${!RUNNING[@]}"
  finish "${RUNNING[$done_pid]}"
  unset "RUNNING[$done_pid]"
done
T2=$(now)

echo "==================== lane summary ===================="
printf '%-6s %-5s %-5s %-24s %-16s %-8s %s\n' ALIAS SET SHARD KERNEL RESULT WALL SUMMARY
for j in "${!J_ID[@]}"; do
  log=$LOGS/kernel-${J_ID[$j]}.log
  kver=-; summary=""
  if [ -f "$log" ]; then
    kver=$(sed -n 's/^lane: guest kernel \([^ ]*\).*/\1/p' "$log" | head -1)
    summary=$(sed -n 's/^lane: \(tests run .*\)/\1/p' "$log" | tail -1)
    [ -n "$summary" ] || summary=$(grep -qx OK "$log" && echo "sanity OK" || true)
  fi
  [ "${J_STATE[$j]:-NOT RUN}" = PASS ] || FAILED=1
  printf '%-6s %-5s %-5s %-24s %-16s %-8s %s\n' "${J_ALIAS[$j]}" "${J_SET[$j]}" "${J_SHARD[$j]:--}" "${kver:--}" \
    "${J_STATE[$j]:-NOT RUN}" "${J_WALL[$j]:--}s" "$summary"
done
# The failed tests again, by kernel: a CI log shows only its tail.
for j in "${!J_ID[@]}"; do
  log=$LOGS/kernel-${J_ID[$j]}.log
  if [ -f "$log" ]; then sed -n "s|^lane: failed: |lane: $(job_name "$j") failed: |p" "$log"; fi
done
echo "lane: time per test file in seconds (tests run), slowest on the first kernel first:"
for j in "${!J_ID[@]}"; do
  f=$LOGS/kernel-${J_ID[$j]}.log
  for i in "${!ALIASES[@]}"; do [ "${ALIASES[$i]}" = "${J_ALIAS[$j]}" ] && col=$i; done
  [ -f "$f" ] && sed -n "s/^lane: file-time \([^ ]*\) \([^ ]*\) \(.*\)/$col \1 \2 \3/p" "$f"
done | awk -v names="${ALIASES[*]}" -v sets="${SETS[*]}" '
  BEGIN { n = split(names, k, " "); split(sets, s, " ") }
  { i = $1 + 1; f = $4; if (!(f in seen)) { seen[f] = 1; order[++m] = f } t[f, i] = sprintf("%.1f (%d)", $2, $3)
    if (!(f in key)) key[f] = -i * 1e9 + $2 }   # the first kernel that ran the file, then its time
  END {
    for (a = 2; a <= m; a++)   # insertion sort, slowest first (no gawk needed)
      for (b = a; b > 1 && key[order[b]] > key[order[b - 1]]; b--) { x = order[b]; order[b] = order[b - 1]; order[b - 1] = x }
    printf "  %-48s", "FILE"; for (i = 1; i <= n; i++) printf " %14s", k[i] "/" s[i]; printf "\n"
    for (j = 1; j <= m; j++) {
      printf "  %-48s", order[j]
      for (i = 1; i <= n; i++) printf " %14s", ((order[j], i) in t) ? t[order[j], i] : "-"
      printf "\n"
    }
  }'
echo "lane: time: fetch $(secs "$T0" "$T1")s, VMs $(secs "$T1" "$T2")s ($JOBS at once, full set in $SHARDS shards), total $(secs "$T0" "$T2")s"
[ -n "$TMPLOGS" ] || echo "logs: $LOGS"
exit $FAILED
