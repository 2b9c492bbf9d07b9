#!/bin/bash
# lane-run.sh - runs INSIDE the lane VM (started by lane.sh through vm.sh), cwd = project.
# Prints the guest kernel, runs ONE vitest process on the lane's test set with a
# JSON report, then check-report.ts, which fails the lane if any test was
# skipped (every test tagged for the full kernel or for root must run here) and
# prints the time per test file.
#
# The set (NLINK_LANE_SET; NLINK_LANE_SHARD=i/n runs part i of it):
#   full  test/integration and test/runtime/kernel.test.ts (or $NLINK_LANE_FILES)
#   vs    the version-sensitive subset listed in test/kernel/version-sensitive.txt
#         (or $NLINK_LANE_LIST): its files, and in them only the selected tests
set -uo pipefail
SET=${NLINK_LANE_SET:-full}
echo "lane: guest kernel $(uname -r) (alias ${NLINK_KERNEL_ALIAS:-?}, set $SET${NLINK_LANE_SHARD:+, shard $NLINK_LANE_SHARD}), uptime $(cut -d' ' -f1 /proc/uptime)s"
NODE=node_modules/.bin/node
VITEST=node_modules/vitest/vitest.mjs
[ -x "$NODE" ] || { echo "lane: $NODE missing (npm ci?)" >&2; exit 125; }
if [ -n "${NLINK_LANE_FILES:-}" ]; then
  # shellcheck disable=SC2086
  set -- $NLINK_LANE_FILES
elif [ "$SET" = vs ]; then
  export NLINK_LANE_SELECT=${NLINK_LANE_LIST:-test/kernel/version-sensitive.txt}
  # (no process substitution: the guest has no /dev/fd)
  list=$("$NODE" test/kernel/guest/selection.ts files "$NLINK_LANE_SELECT") || exit 1
  [ -n "$list" ] || { echo "lane: $NLINK_LANE_SELECT lists no test file" >&2; exit 1; }
  mapfile -t files <<< "$list"
  set -- "${files[@]}"
elif [ -d test/integration ]; then
  set -- test/integration test/runtime/kernel.test.ts
else
  echo "lane: test/integration does not exist yet: running test/kernel/sanity.sh"
  exec bash test/kernel/sanity.sh
fi
# Guest tmpfs: AF_UNIX and writes stay off the 9p share. Not named like the
# suite's temp files (nl*-), which the leak check (test/setup/leaks.ts) counts.
REPORT=/tmp/lane-report.json
# Code runs 13-25x slower under TCG: the host's 30 s test timeout is too short here.
# Files share one worker and its module graph (--isolate=false): importing Effect
# and nlink afresh per file was ~70% of a run under TCG. NLINK_LANE_ISOLATE=1
# isolates them again (to tell a test that depends on another file's state).
ISOLATE=--isolate=false
[ "${NLINK_LANE_ISOLATE:-0}" = 1 ] && ISOLATE=--isolate=true
# NLINK_LANE_SHARD=i/n: this VM runs part i of n of the set (vitest --shard, by file)
[ -z "${NLINK_LANE_SHARD:-}" ] || set -- --shard="$NLINK_LANE_SHARD" "$@"
# shellcheck disable=SC2086
"$NODE" "$VITEST" run --testTimeout=600000 --hookTimeout=600000 "$ISOLATE" \
  --reporter=default --reporter=json --outputFile.json="$REPORT" ${NLINK_LANE_VITEST_ARGS:-} "$@"
rc=$?
"$NODE" test/kernel/guest/check-report.ts "$REPORT" || { [ $rc -ne 0 ] || rc=1; }
exit $rc
