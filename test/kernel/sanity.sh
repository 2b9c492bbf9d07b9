#!/bin/bash
# sanity.sh - in-guest proof that this kernel has what the host kernel lacks
# (dummy, vlan, bond, vrf links; netem qdisc), each needing module autoload.
# Runs in a fresh, throw-away network namespace. Prints "OK" and exits 0.
#   test/kernel/vm.sh --kernel 6.1 -- test/kernel/sanity.sh
set -euo pipefail
[ "${NLINK_VM:-0}" = 1 ] || echo "sanity.sh: warning: not inside the lane VM (NLINK_VM unset)" >&2
NS=nlink-sanity-$$
ip netns add "$NS"
trap 'ip netns del "$NS" 2>/dev/null || true' EXIT
run() { echo "+ $*"; ip netns exec "$NS" "$@"; }
run ip link add d0 type dummy
run ip link add v0 link d0 type vlan id 5
run ip link add b0 type bond mode active-backup
run ip link add vrf0 type vrf table 10
run tc qdisc add dev d0 root netem delay 1ms
ip netns exec "$NS" ip -br link show >&2
ip netns exec "$NS" tc qdisc show dev d0 >&2
echo "sanity: kernel $(uname -r): OK"
echo OK
