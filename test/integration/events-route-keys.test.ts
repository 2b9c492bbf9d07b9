/**
 * Route identity on the kernel: routes the kernel keeps side by side (the
 * IPv6 prefix route of a link-local address on every device, IPv4 routes
 * added with `ip route append`) have different `Route.key`s, a listed one is
 * removed alone, and an event stream's view holds each under the key `list`
 * gives it.
 */
import { expect, it } from "@effect/vitest"
import { Effect, Layer, type Scope, Stream } from "effect"
import * as Address from "../../src/api/Address.ts"
import * as Events from "../../src/api/Events.ts"
import { listedKeys } from "../../src/api/events/Models.ts"
import { Netlink } from "../../src/api/Netlink.ts"
import * as Route from "../../src/api/Route.ts"
import { describeRoot, freshNamespace, ip, nsExec } from "../helpers/netns.ts"
import { waitBound } from "../helpers/timing.ts"

/**
 * Two veth pairs up, with no address of the kernel's own making (no IPv6
 * autoconf): every route here is one the test made, so reads are stable.
 */
const withNs = <A, E>(f: (ns: string) => Effect.Effect<A, E, Scope.Scope | Netlink>) =>
  Effect.scoped(
    Effect.flatMap(freshNamespace("rkey"), (ns) => {
      for (const k of ["default", "all"]) nsExec(ns, "sysctl", "-qw", `net.ipv6.conf.${k}.addr_gen_mode=1`)
      ip(ns, "link", "add", "d0", "type", "veth", "peer", "name", "d1")
      ip(ns, "link", "add", "d2", "type", "veth", "peer", "name", "d3")
      for (const d of ["d0", "d1", "d2", "d3"]) ip(ns, "link", "set", d, "up")
      ip(ns, "addr", "add", "10.1.2.3/24", "dev", "d0")
      ip(ns, "addr", "add", "10.1.3.3/24", "dev", "d2")
      return f(ns).pipe(Effect.provide(Layer.fresh(Netlink.layerNamespace({ name: ns }))))
    })
  )

/** fe80::/64 on d0 and d2: each device's link-local address brings its own prefix route. */
const linkLocals = (ns: string) => {
  ip(ns, "-6", "addr", "add", "fe80::1/64", "dev", "d0", "nodad")
  ip(ns, "-6", "addr", "add", "fe80::3/64", "dev", "d2", "nodad")
}

/** 10.9.0.0/24 twice in the main table: via d0, and appended via d2. */
const appended = (ns: string) => {
  ip(ns, "route", "add", "10.9.0.0/24", "via", "10.1.2.4", "dev", "d0")
  ip(ns, "route", "append", "10.9.0.0/24", "via", "10.1.3.4", "dev", "d2")
}

const fe80 = (routes: ReadonlyArray<Route.Route>) =>
  routes.filter((r) => r.destination === "fe80::/64" && (r.table ?? "main") === "main")
const tenNine = (routes: ReadonlyArray<Route.Route>) => routes.filter((r) => r.destination === "10.9.0.0/24")

describeRoot("Route.key: routes the kernel keeps side by side", () => {
  it.live("fe80::/64 on two devices: two keys, and remove(listed) removes exactly one", () =>
    withNs((ns) =>
      Effect.gen(function* () {
        linkLocals(ns)
        const both = fe80(yield* Route.list({ family: "inet6" }))
        expect(both.map((r) => r.dev).sort()).toEqual(["d0", "d2"])
        const keys = both.map(Route.key)
        expect(new Set(keys).size).toBe(2)
        // the key of what one writes is the key of what is listed (an address prefix route has metric 256)
        expect(keys).toContain(Route.key({ destination: "fe80::/64", dev: "d0", metric: 256 }))
        expect(keys).toContain(Route.key({ destination: "fe80::/64", dev: "d2", metric: 256 }))
        const d2 = both.find((r) => r.dev === "d2")!
        yield* Route.remove(d2)
        const left = fe80(yield* Route.list({ family: "inet6" }))
        expect(left.map((r) => r.dev)).toEqual(["d0"])
        expect(Route.key(left[0]!)).toBe(keys[both.indexOf(both.find((r) => r.dev === "d0")!)])
      })
    )
  )

  it.live("ip route append: two keys, each removed alone, and the remaining one is unchanged", () =>
    withNs((ns) =>
      Effect.gen(function* () {
        appended(ns)
        const both = tenNine(yield* Route.list())
        expect(both.map((r) => `${r.dev} ${r.gateway}`).sort()).toEqual(["d0 10.1.2.4", "d2 10.1.3.4"])
        const [a, b] = both.map(Route.key)
        expect(a).not.toBe(b)
        // the same destination, tos and metric in one table: only the nexthop tells them apart
        expect(Route.key({ destination: "10.9.0.0/24", gateway: "10.1.3.4" })).toBe(
          Route.key(both.find((r) => r.dev === "d2")!)
        )
        const first = both.find((r) => r.dev === "d0")!
        yield* Route.remove(first)
        const left = tenNine(yield* Route.list())
        expect(left).toHaveLength(1)
        expect(left[0]!.dev).toBe("d2")
        expect(Route.equals(left[0]!, both.find((r) => r.dev === "d2")!)).toBe(true)
        yield* Route.remove(left[0]!)
        expect(tenNine(yield* Route.list())).toEqual([])
      })
    )
  )

  it.live("the event path's keys of listed routes and addresses are the models' keys", () =>
    withNs((ns) =>
      Effect.gen(function* () {
        linkLocals(ns)
        appended(ns)
        ip(ns, "-6", "addr", "add", "2001:db8::1/64", "dev", "d0", "nodad")
        ip(ns, "addr", "add", "10.7.0.1", "peer", "10.7.0.2/32", "dev", "d2")
        ip(ns, "-6", "route", "add", "2001:db8:5::/64", "via", "fe80::9", "dev", "d2")
        ip(ns, "-6", "route", "add", "blackhole", "2001:db8:6::/64")
        ip(ns, "-6", "route", "add", "unreachable", "2001:db8:7::/64", "metric", "0")
        ip(ns, "route", "add", "prohibit", "10.66.0.0/16", "table", "100")
        ip(ns, "route", "add", "10.67.0.0/16", "nexthop", "via", "10.1.2.4", "nexthop", "via", "10.1.3.4")
        ip(
          ns,
          "-6",
          "route",
          "add",
          "2001:db8:8::/64",
          "nexthop",
          "via",
          "fe80::9",
          "dev",
          "d0",
          "nexthop",
          "via",
          "fe80::9",
          "dev",
          "d2"
        )
        ip(ns, "nexthop", "add", "id", "5", "via", "10.1.2.4", "dev", "d0")
        ip(ns, "route", "add", "10.68.0.0/16", "nhid", "5", "metric", "9", "tos", "0x10")
        ip(ns, "route", "add", "default", "via", "10.1.2.1")
        const routes = [
          ...(yield* Route.list({ table: "all", family: "inet" })),
          ...(yield* Route.list({ table: "all", family: "inet6" }))
        ]
        // every sort of route above is among them (and the kernel's local, multicast and anycast ones)
        expect(routes.length).toBeGreaterThan(20)
        for (const r of routes) expect(listedKeys.route(r), JSON.stringify(r)).toBe(Route.key(r))
        const addresses = yield* Address.list()
        expect(addresses.length).toBeGreaterThanOrEqual(5)
        for (const a of addresses) expect(listedKeys.address(a), JSON.stringify(a)).toBe(Address.key(a))
      })
    )
  )

  it.live("an event stream's view holds each of them under the key list gives it", () =>
    withNs((ns) =>
      Effect.gen(function* () {
        const sub = yield* Events.subscribe({ kinds: ["route"], coalesceMs: 0 })
        const pull = yield* Stream.toPull(sub.events)
        const seen: Array<Events.Event> = []
        const want = (all: ReadonlyArray<Events.Event>) =>
          all.filter((e) => Events.isChange(e) && e._tag === "New" && e.kind === "route").length
        linkLocals(ns)
        appended(ns)
        const listed = [...fe80(yield* Route.list({ family: "inet6" })), ...tenNine(yield* Route.list())]
        expect(listed).toHaveLength(4)
        const deadline = Date.now() + waitBound(10_000)
        while (listed.some((r) => !sub.view.route.has(Route.key(r)))) {
          if (Date.now() > deadline) throw new Error(`view: ${[...sub.view.route.keys()].join(", ")}`)
          for (const e of yield* pull.pipe(Effect.timeout(waitBound(10_000)))) seen.push(e)
        }
        expect(want(seen)).toBeGreaterThanOrEqual(4)
        for (const r of listed) {
          const v = sub.view.route.get(Route.key(r))!
          expect(Route.equals(v, r), Route.key(r)).toBe(true)
          expect(v.dev).toBe(r.dev)
        }
        // a deletion names exactly the route that went
        const gone = listed.find((r) => r.destination === "10.9.0.0/24" && r.dev === "d0")!
        yield* Route.remove(gone)
        const deleted = (all: ReadonlyArray<Events.Event>) =>
          all.find((e) => Events.isChange(e) && e._tag === "Deleted" && e.kind === "route")
        while (deleted(seen) === undefined) {
          if (Date.now() > deadline) throw new Error("no Deleted event")
          for (const e of yield* pull.pipe(Effect.timeout(waitBound(10_000)))) seen.push(e)
        }
        expect((deleted(seen) as Events.Change).key).toBe(Route.key(gone))
        expect(sub.view.route.has(Route.key(gone))).toBe(false)
        for (const r of listed) if (r !== gone) expect(sub.view.route.has(Route.key(r))).toBe(true)
      })
    )
  )
})
