/**
 * Recipe 2: a VLAN-aware bridge with two ports: a trunk carrying VLANs 10-20
 * tagged and an access port untagged in VLAN 10.
 *
 *   ip link add br0 type bridge vlan_filtering 1 && ip link set br0 up
 *   ip link set eth1 master br0 && ip link set eth2 master br0
 *   bridge vlan add dev eth1 vid 10-20
 *   bridge vlan del dev eth2 vid 1 && bridge vlan add dev eth2 vid 10 pvid untagged
 */
import { Effect } from "effect"
import { BridgeVlan, Link, Netlink } from "nlink"

export const vlanBridge = (trunk: string, access: string) =>
  Effect.gen(function* () {
    yield* Link.add({ kind: "bridge", name: "br0", vlanFiltering: true, up: true })
    yield* Link.set(trunk, { master: "br0", up: true })
    yield* Link.set(access, { master: "br0", up: true })
    yield* BridgeVlan.add({ dev: trunk, vid: 10, vidEnd: 20 })
    // every port starts untagged in VLAN 1 (the bridge's default_pvid)
    yield* BridgeVlan.remove({ dev: access, vid: 1 })
    yield* BridgeVlan.add({ dev: access, vid: 10, pvid: true, untagged: true })
    return yield* BridgeVlan.list({ dev: access })
  })

if (import.meta.main)
  console.log(await Effect.runPromise(vlanBridge("eth1", "eth2").pipe(Effect.provide(Netlink.layer))))
