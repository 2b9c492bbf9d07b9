/**
 * Route attributes of issue 15 against the host kernel: realms (RTA_FLOW),
 * expires (RTA_EXPIRES), congctl with lock and fastopen_no_cookie (RTAX_*),
 * and `get` with fibMatch and connected. Each is written, read back equal
 * and compared with what `ip -j -d route` shows.
 */
import { expect, it } from "@effect/vitest"
import { Effect, Layer } from "effect"
import { Netlink } from "../../src/api/Netlink.ts"
import * as Route from "../../src/api/Route.ts"
import { describeRoot, freshNamespace, inNamespace, ip, ipJson } from "../helpers/netns.ts"

const setup = (ns: string): void => {
  ip(ns, "link", "add", "d0", "type", "veth", "peer", "name", "d1")
  ip(ns, "addr", "add", "10.1.2.3/24", "dev", "d0")
  ip(ns, "addr", "add", "2001:db8::1/64", "dev", "d0", "nodad")
  ip(ns, "link", "set", "d0", "up")
  ip(ns, "link", "set", "d1", "up")
}

describeRoot("Route attributes", () => {
  it.live("realms, congctl lock and fastopen_no_cookie: add → list equals, as ip shows them", () =>
    inNamespace((ns) =>
      Effect.gen(function* () {
        setup(ns)
        const routes: Array<Route.Route> = [
          { destination: "10.31.0.0/16", dev: "d0", realms: (3 << 16) | 5 },
          {
            destination: "10.32.0.0/16",
            dev: "d0",
            metrics: { ccAlgo: "cubic", fastopenNoCookie: 1, locked: ["ccAlgo"] }
          },
          { destination: "2001:db8:7::/48", dev: "d0", metrics: { ccAlgo: "reno" } }
        ]
        for (const r of routes) yield* Route.add(r)
        const listed = yield* Route.list({ table: "main" })
        for (const want of routes) {
          const got = listed.find((r) => r.destination === want.destination)!
          expect(Route.canonical(got), want.destination).toEqual(Route.canonical(want))
        }
        expect(listed.find((r) => r.destination === "10.31.0.0/16")!.realms).toBe(0x30005)
        expect(listed.find((r) => r.destination === "10.32.0.0/16")!.metrics).toEqual({
          ccAlgo: "cubic",
          fastopenNoCookie: 1,
          locked: ["ccAlgo"]
        })
        expect(ipJson<Array<any>>(ns, "-d", "route", "show", "10.31.0.0/16")[0].flow).toEqual({
          from: "3",
          to: "5"
        })
        expect(ip(ns, "route", "show", "10.32.0.0/16")).toContain("congctl lock cubic fastopen_no_cookie 1")
        for (const want of routes)
          yield* Route.remove(listed.find((r) => r.destination === want.destination)!)
        const after = (yield* Route.list({ table: "main" })).map((r) => r.destination)
        for (const want of routes) expect(after).not.toContain(want.destination)
      })
    )
  )

  it.live(
    "expires: the route carries its remaining lifetime; add(listed) recreates it expiring no later",
    () =>
      Effect.scoped(
        Effect.gen(function* () {
          const a = yield* freshNamespace("rx")
          const b = yield* freshNamespace("rx")
          setup(a)
          setup(b)
          const inA = Layer.fresh(Netlink.layerNamespace({ name: a }))
          const inB = Layer.fresh(Netlink.layerNamespace({ name: b }))
          const want: Route.Route = { destination: "2001:db8:9::/48", dev: "d0", expires: 100 }
          yield* Route.add(want).pipe(Effect.provide(inA))
          const got = (yield* Route.list({ family: "inet6" }).pipe(Effect.provide(inA))).find(
            (r) => r.destination === "2001:db8:9::/48"
          )!
          expect(got.expires).toBeGreaterThan(0)
          expect(got.expires).toBeLessThanOrEqual(100)
          expect(Route.equals(got, want)).toBe(true)
          expect(
            ipJson<Array<any>>(a, "-6", "route", "show", "2001:db8:9::/48")[0].expires
          ).toBeLessThanOrEqual(100)
          yield* Route.add(got).pipe(Effect.provide(inB))
          const again = (yield* Route.list({ family: "inet6" }).pipe(Effect.provide(inB))).find(
            (r) => r.destination === "2001:db8:9::/48"
          )!
          expect(again.expires).toBeGreaterThan(0)
          expect(again.expires).toBeLessThanOrEqual(got.expires!)
          expect(Route.equals(again, got)).toBe(true)
        })
      )
  )

  it.live("get: fibMatch answers the FIB entry; connected looks up again from the preferred source", () =>
    inNamespace((ns) =>
      Effect.gen(function* () {
        setup(ns)
        ip(ns, "route", "add", "10.2.0.0/16", "via", "10.1.2.1")
        // policy routing: traffic from this host's address uses table 100
        ip(ns, "route", "add", "10.2.0.0/16", "via", "10.1.2.2", "table", "100")
        ip(ns, "rule", "add", "from", "10.1.2.3", "lookup", "100", "priority", "100")
        const plain = yield* Route.get("10.2.3.4")
        expect(plain).toMatchObject({ destination: "10.2.3.4/32", gateway: "10.1.2.1", prefsrc: "10.1.2.3" })
        const fib = yield* Route.get("10.2.3.4", { fibMatch: true })
        expect(fib).toMatchObject({ destination: "10.2.0.0/16", gateway: "10.1.2.1", table: "main" })
        const connected = yield* Route.get("10.2.3.4", { connected: true })
        expect(connected).toMatchObject({ destination: "10.2.3.4/32", gateway: "10.1.2.2", table: 100 })
        expect(connected.source).toBe("10.1.2.3/32")
        // with from given, connected changes nothing
        const from = yield* Route.get("10.2.3.4", { from: "10.1.2.3", connected: true })
        // (status holds the cache entry's use times, which move between the two lookups)
        expect(Route.equals(from, connected)).toBe(true)
        expect({ ...from, status: undefined }).toEqual({ ...connected, status: undefined })
        // the same answer as ip's lookup from that source
        expect(ipJson<Array<any>>(ns, "route", "get", "10.2.3.4", "from", "10.1.2.3")[0]).toMatchObject({
          gateway: "10.1.2.2"
        })
      })
    )
  )
})
