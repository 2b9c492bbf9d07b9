#!/bin/bash
# lane-run.sh - runs INSIDE the lane VM (started by lane.sh through vm.sh), cwd = project.
# Prints the guest kernel, then runs the vitest integration set - or, while
# test/integration does not exist and NLINK_LANE_FILES is unset, sanity.sh.
set -uo pipefail
echo "lane: guest kernel $(uname -r) (alias ${NLINK_KERNEL_ALIAS:-?}), uptime $(cut -d' ' -f1 /proc/uptime)s"
NODE=node_modules/.bin/node
VITEST=node_modules/vitest/vitest.mjs
if [ -n "${NLINK_LANE_FILES:-}" ]; then
  # shellcheck disable=SC2086
  set -- $NLINK_LANE_FILES
elif [ -d test/integration ]; then
  set -- test/integration
else
  echo "lane: test/integration does not exist yet: running test/kernel/sanity.sh"
  exec bash test/kernel/sanity.sh
fi
[ -x "$NODE" ] || { echo "lane: $NODE missing (npm ci?)" >&2; exit 125; }
# shellcheck disable=SC2086
exec "$NODE" "$VITEST" run ${NLINK_LANE_VITEST_ARGS:-} "$@"
