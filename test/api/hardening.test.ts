/**
 * Bad input through the public API, against the kernel in a fresh namespace:
 * an oversized request, options from a prototype, a polluted
 * Object.prototype and a short MAC address each end as a typed outcome, and
 * nothing the user did not write reaches the kernel.
 */
import { expect, it } from "@effect/vitest"
import { Effect } from "effect"
import * as Address from "../../src/api/Address.ts"
import * as Neighbor from "../../src/api/Neighbor.ts"
import * as Route from "../../src/api/Route.ts"
import { NetlinkError } from "../../src/runtime/NetlinkError.ts"
import { describeRoot, inNamespace, ip, ipJson, noLinkLocal } from "../helpers/netns.ts"

const dummy = (ns: string) => {
  noLinkLocal(ns)
  ip(ns, "link", "add", "d0", "type", "veth", "peer", "name", "d1")
  ip(ns, "link", "set", "d0", "up")
  ip(ns, "link", "set", "d1", "up")
}

// IPv4 only: the kernel adds IPv6 routes of its own (link-locals, multicast) after up.
const routes = (ns: string) =>
  ipJson<Array<{ dst: string; metric?: number }>>(ns, "-4", "route", "show", "table", "all")

/** The typed failure of `effect` (a defect fails the test). */
const failureOf = <A, R>(effect: Effect.Effect<A, NetlinkError, R>) =>
  Effect.flip(effect) as Effect.Effect<NetlinkError, A, R>

describeRoot("hardening through the public API", () => {
  it.live("Route.add with 10,000 nexthops fails with Validation and sends nothing", () =>
    inNamespace((ns) =>
      Effect.gen(function* () {
        dummy(ns)
        ip(ns, "addr", "add", "10.0.0.1/8", "dev", "d0")
        const before = routes(ns)
        const nexthops = Array.from({ length: 10_000 }, (_, i) => ({
          gateway: `10.${(i >> 16) & 0xff}.${(i >> 8) & 0xff}.${(i & 0xff) | 1}`,
          dev: "d0"
        }))
        const e = yield* failureOf(Route.add({ destination: "192.168.77.0/24", nexthops }))
        expect(e).toBeInstanceOf(NetlinkError)
        expect(e.reason._tag).toBe("Validation")
        expect(routes(ns)).toStrictEqual(before)
      })
    )
  )

  it.live("Address.add reads own options only: an inherited metric is not sent", () =>
    inNamespace((ns) =>
      Effect.gen(function* () {
        dummy(ns)
        yield* Address.add(Object.assign(Object.create({ metric: 7 }), { dev: "d0", address: "10.1.2.3/24" }))
        const prefix = routes(ns).find((r) => r.dst === "10.1.2.0/24")
        expect(prefix).toBeDefined()
        expect(prefix?.metric).toBeUndefined()
      })
    )
  )

  it.live("a polluted Object.prototype does not reach the kernel", () =>
    inNamespace((ns) =>
      Effect.gen(function* () {
        dummy(ns)
        const proto = Object.prototype as Record<string, unknown>
        try {
          proto.metric = 9
          yield* Address.add({ dev: "d0", address: "10.1.3.3/24" })
        } finally {
          delete proto.metric
        }
        const prefix = routes(ns).find((r) => r.dst === "10.1.3.0/24")
        expect(prefix).toBeDefined()
        expect(prefix?.metric).toBeUndefined()
      })
    )
  )

  it.live("a 5-octet MAC address fails with Validation naming the field, and nothing is sent", () =>
    inNamespace((ns) =>
      Effect.gen(function* () {
        dummy(ns)
        const e = yield* failureOf(Neighbor.add({ dev: "d0", address: "10.1.2.9", lladdr: "02:00:00:00:00" }))
        expect(e.reason).toMatchObject({ _tag: "Validation", path: "lladdr" })
        expect(ipJson<Array<unknown>>(ns, "neigh", "show", "dev", "d0")).toStrictEqual([])
      })
    )
  )
})
