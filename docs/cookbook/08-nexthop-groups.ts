/**
 * Recipe 8: ECMP through nexthop objects: two gateways in a weighted group,
 * a route using the group, and a gateway swapped without touching the route.
 *
 *   ip nexthop add id 1 via 10.0.0.2 dev eth0
 *   ip nexthop add id 2 via 10.0.0.3 dev eth0
 *   ip nexthop add id 10 group 1/2,3
 *   ip route add 10.8.0.0/16 nhid 10
 *   ip nexthop replace id 2 via 10.0.0.4 dev eth0
 */
import { Effect } from "effect"
import { Netlink, Nexthop, Route } from "nlink"

export const nexthopGroups = (dev: string) =>
  Effect.gen(function* () {
    yield* Nexthop.add({ id: 1, gateway: "10.0.0.2", dev })
    yield* Nexthop.add({ id: 2, gateway: "10.0.0.3", dev })
    yield* Nexthop.add({ id: 10, group: [{ id: 1 }, { id: 2, weight: 3 }] })
    yield* Route.add({ destination: "10.8.0.0/16", nexthopId: 10 })
    // every route through group 10 now uses 10.0.0.4 instead of 10.0.0.3
    yield* Nexthop.replace({ id: 2, gateway: "10.0.0.4", dev })
    return yield* Nexthop.list()
  })

if (import.meta.main)
  console.log(await Effect.runPromise(nexthopGroups("eth0").pipe(Effect.provide(Netlink.layer))))
