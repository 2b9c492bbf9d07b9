#!/bin/bash
# lane-run.sh - runs INSIDE the lane VM (started by lane.sh through vm.sh), cwd = project.
# Prints the guest kernel, runs the vitest integration set (test/integration and
# test/runtime/kernel.test.ts, or $NLINK_LANE_FILES) with a JSON report, then
# check-report.ts, which fails the lane if any test was skipped (every test
# tagged for the full kernel or for root must run here).
set -uo pipefail
echo "lane: guest kernel $(uname -r) (alias ${NLINK_KERNEL_ALIAS:-?}), uptime $(cut -d' ' -f1 /proc/uptime)s"
NODE=node_modules/.bin/node
VITEST=node_modules/vitest/vitest.mjs
if [ -n "${NLINK_LANE_FILES:-}" ]; then
  # shellcheck disable=SC2086
  set -- $NLINK_LANE_FILES
elif [ -d test/integration ]; then
  set -- test/integration test/runtime/kernel.test.ts
else
  echo "lane: test/integration does not exist yet: running test/kernel/sanity.sh"
  exec bash test/kernel/sanity.sh
fi
[ -x "$NODE" ] || { echo "lane: $NODE missing (npm ci?)" >&2; exit 125; }
REPORT=/tmp/nlink-lane-report.json   # guest tmpfs: AF_UNIX and writes stay off the 9p share
# Code runs 13-25x slower under TCG: the host's 30 s test timeout is too short here.
# shellcheck disable=SC2086
"$NODE" "$VITEST" run --testTimeout=600000 --hookTimeout=600000 \
  --reporter=default --reporter=json --outputFile.json="$REPORT" ${NLINK_LANE_VITEST_ARGS:-} "$@"
rc=$?
"$NODE" test/kernel/guest/check-report.ts "$REPORT" || { [ $rc -ne 0 ] || rc=1; }
exit $rc
