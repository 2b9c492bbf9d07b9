/**
 * Recipe 7: policy routing: traffic from one source network uses its own
 * uplink through table 100; marked traffic is refused.
 *
 *   ip route add default via 10.1.0.1 dev eth1 table 100
 *   ip rule add from 10.20.0.0/16 lookup 100 priority 1000
 *   ip rule add fwmark 0x66 prohibit priority 900
 *   ip route get 192.0.2.1 from 10.20.0.1
 */
import { Effect } from "effect"
import { Netlink, Route, Rule } from "nlink"

/** `source` is one of this host's addresses in 10.20.0.0/16. */
export const policyRouting = (uplink: string, gateway: string, source: string) =>
  Effect.gen(function* () {
    yield* Route.add({ destination: "default", gateway, dev: uplink, table: 100 })
    yield* Rule.add({ from: "10.20.0.0/16", table: 100, priority: 1000 })
    yield* Rule.add({ fwmark: 0x66, action: "prohibit", priority: 900 })
    // the route a packet sent from the policy's network takes
    return yield* Route.get("192.0.2.1", { from: source })
  })

if (import.meta.main)
  console.log(
    await Effect.runPromise(
      policyRouting("eth1", "10.1.0.1", "10.20.0.1").pipe(Effect.provide(Netlink.layer))
    )
  )
