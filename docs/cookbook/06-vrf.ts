/**
 * Recipe 6: a VRF with its own routing table: a device enslaved to it, an
 * address, and a default route that only the VRF sees.
 *
 *   ip link add red type vrf table 10 && ip link set red up
 *   ip link set eth1 master red up
 *   ip addr add 192.168.50.1/24 dev eth1
 *   ip route add default via 192.168.50.254 table 10
 */
import { Effect } from "effect"
import { Address, Link, Netlink, Route } from "nlink"

export const vrf = (port: string) =>
  Effect.gen(function* () {
    yield* Link.add({ kind: "vrf", name: "red", table: 10, up: true })
    yield* Link.set(port, { master: "red", up: true })
    yield* Address.add({ dev: port, address: "192.168.50.1/24" })
    yield* Route.add({ destination: "default", gateway: "192.168.50.254", table: 10 })
    return yield* Route.list({ table: 10 })
  })

if (import.meta.main) console.log(await Effect.runPromise(vrf("eth1").pipe(Effect.provide(Netlink.layer))))
