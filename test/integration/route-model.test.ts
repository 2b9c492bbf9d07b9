/**
 * Route as one read/write shape, on the kernel: arbitrary valid routes are
 * added, read back equal and removed by what was listed; RTA_VIA (an IPv4
 * route over an IPv6 nexthop) round-trips and prints as ip prints it; and a
 * multipath route too large to be dumped is refused at exactly the size the
 * kernel can no longer dump.
 */
import { spawnSync } from "node:child_process"
import { expect, it } from "@effect/vitest"
import { Effect, Layer } from "effect"
import fc from "fast-check"
import * as Route from "../../src/api/Route.ts"
import { Netlink } from "../../src/api/Netlink.ts"
import { routeLine } from "../../src/cli/format.ts"
import { describeRoot, freshNamespace, inNamespace, ip, ipJson } from "../helpers/netns.ts"
import { testTimeout } from "../helpers/timing.ts"

/** Two veth pairs, up, with IPv4 and IPv6 addresses on d0 and d2. */
const setup = (ns: string) => {
  ip(ns, "link", "add", "d0", "type", "veth", "peer", "name", "d1")
  ip(ns, "link", "add", "d2", "type", "veth", "peer", "name", "d3")
  for (const d of ["d0", "d1", "d2", "d3"]) ip(ns, "link", "set", d, "up")
  ip(ns, "addr", "add", "10.1.2.3/24", "dev", "d0")
  ip(ns, "addr", "add", "10.1.3.3/24", "dev", "d2")
  ip(ns, "addr", "add", "2001:db8::1/64", "dev", "d0", "nodad")
  ip(ns, "addr", "add", "2001:db8:3::1/64", "dev", "d2", "nodad")
  // The kernel adds an IPv6 address's local and anycast routes from a work item, a moment
  // after `ip addr add` returns (even with nodad): wait for them, so that what the tests
  // compare afterwards (link-local and multicast routes aside) no longer changes on its own.
  for (let i = 0; ; i++) {
    const local = ip(ns, "-6", "route", "show", "table", "local")
    if (local.includes("local 2001:db8::1 ") && local.includes("local 2001:db8:3::1 ")) break
    if (i === 500) throw new Error("IPv6 local routes did not appear")
    spawnSync("sleep", ["0.01"])
  }
}

// IPv6 autoconfiguration adds link-local and multicast routes on its own schedule: two
// reads taken moments apart may differ there, so they are left out of every comparison.
const settled = (r: Route.Route) => !/^(fe80|ff00):/.test(r.destination)
/** A namespace's routes as comparable text: canonical forms, sorted. */
const state = (routes: ReadonlyArray<Route.Route>) =>
  routes
    .filter(settled)
    .map((r) => JSON.stringify(Route.canonical(r)))
    .sort()

const failure = <A, E, R>(effect: Effect.Effect<A, E, R>) => Effect.flip(effect) as Effect.Effect<any, A, R>

// ---------------------------------------------------------------------------
// arbitrary valid routes

const octet = fc.integer({ min: 0, max: 255 })
const v4Destination = fc
  .tuple(fc.integer({ min: 100, max: 199 }), octet, octet, fc.integer({ min: 8, max: 32 }))
  .map(([a, b, c, len]) => {
    const n = ((10 << 24) | (a << 16) | (b << 8) | c) >>> 0
    const masked = len === 0 ? 0 : (n & (0xffffffff << (32 - len))) >>> 0
    return `${masked >>> 24}.${(masked >>> 16) & 255}.${(masked >>> 8) & 255}.${masked & 255}/${len}`
  })
  // at least 10.64.0.0/10-sized prefixes would cover the test's own subnets
  .filter((p) => Number(p.split("/")[1]) >= 9)
const hex16 = fc.integer({ min: 0, max: 0xffff }).map((n) => n.toString(16))
const v6Destination = fc
  .tuple(hex16, hex16, fc.integer({ min: 48, max: 128 }))
  .map(([a, b, len]) => Route.canonical({ destination: `2001:db8:${a}:${b}::/${len}` }).destination)
  .filter((d) => !d.startsWith("2001:db8::/") && !d.startsWith("2001:db8:3::/"))

/** A gateway on d0 or d2 (never the local address), with that device. */
const v4Hop = fc.tuple(fc.boolean(), fc.integer({ min: 4, max: 254 })).map(([second, host]) => ({
  gateway: `10.1.${second ? 3 : 2}.${host}`,
  dev: second ? "d2" : "d0"
}))
const v6Hop = fc.tuple(fc.boolean(), fc.integer({ min: 2, max: 0xfff })).map(([second, host]) => ({
  gateway: `2001:db8:${second ? "3::" : ":"}${host.toString(16)}`,
  dev: second ? "d2" : "d0"
}))

const multipath = (hop: fc.Arbitrary<{ gateway: string; dev: string }>) =>
  fc
    .uniqueArray(fc.tuple(hop, fc.option(fc.integer({ min: 1, max: 256 }), { nil: undefined })), {
      minLength: 2,
      maxLength: 4,
      selector: ([h]) => h.gateway
    })
    .map((hops) => hops.map(([h, weight]) => (weight === undefined ? h : { ...h, weight })))

const common = {
  table: fc.constantFrom<Route.Table>("main", "default", 100, 1000),
  protocol: fc.constantFrom<Route.Protocol>("boot", "static", "dhcp", "bgp", 200),
  metric: fc.oneof(fc.constant(undefined), fc.constant(0), fc.integer({ min: 1, max: 100_000 }))
}

const v4Unicast = fc.record({
  destination: v4Destination,
  ...common,
  tos: fc.constantFrom(0, 0x10, 0x20),
  via: fc.oneof(
    v4Hop,
    fc.constant({ dev: "d0" }),
    fc.constant({ dev: "d2", prefsrc: "10.1.3.3" }),
    multipath(v4Hop).map((nexthops) => ({ nexthops }))
  ),
  mtu: fc.option(fc.integer({ min: 576, max: 9000 }), { nil: undefined }),
  lockMtu: fc.boolean()
})

const v6Unicast = fc.record({
  destination: v6Destination,
  ...common,
  via: fc.oneof(
    v6Hop,
    fc.constant({ dev: "d0" }),
    multipath(v6Hop).map((nexthops) => ({ nexthops }))
  ),
  pref: fc.option(fc.constantFrom("low" as const, "medium" as const, "high" as const), { nil: undefined })
})

const reject = fc.record({
  destination: fc.oneof(v4Destination, v6Destination),
  ...common,
  type: fc.constantFrom("blackhole", "unreachable", "prohibit")
})

const strip = <A extends object>(o: A): A =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as A

const arbitraryRoute: fc.Arbitrary<Route.Route> = fc.oneof(
  v4Unicast.map(({ via, mtu, lockMtu, ...r }) =>
    strip({
      ...r,
      ...via,
      metrics: mtu === undefined ? undefined : { mtu, ...(lockMtu ? { locked: ["mtu" as const] } : {}) }
    })
  ),
  v6Unicast.map(({ via, ...r }) => strip({ ...r, ...via })),
  reject.map((r) => strip(r))
)

describeRoot("Route model", () => {
  it.live(
    "arbitrary valid routes: add → list → equals; remove(listed) leaves the namespace as before",
    () =>
      Effect.scoped(
        Effect.gen(function* () {
          const ns = yield* freshNamespace("rprop")
          setup(ns)
          const layer = Layer.fresh(Netlink.layerNamespace({ name: ns }))
          const run = <A, E>(e: Effect.Effect<A, E, Netlink>) =>
            Effect.runPromise(e.pipe(Effect.provide(layer)))
          let samples = 0
          const seen = new Set<string>()
          yield* Effect.promise(() =>
            fc.assert(
              fc.asyncProperty(arbitraryRoute, (input) =>
                run(
                  Effect.gen(function* () {
                    samples++
                    const c = Route.canonical(input)
                    seen.add(`${c.family} ${c.type}`)
                    if (input.nexthops !== undefined) seen.add(`${c.family} multipath`)
                    if (input.metric === 0) seen.add(`${c.family} metric 0`)
                    seen.add(`table ${c.table}`)
                    const before = yield* Route.list({ table: "all" })
                    yield* Route.add(input)
                    const after = yield* Route.list({ table: "all" })
                    const mine = after.filter((r) => Route.key(r) === Route.key(input))
                    expect(mine, JSON.stringify(input)).toHaveLength(1)
                    expect(Route.canonical(mine[0]!), JSON.stringify(input)).toEqual(Route.canonical(input))
                    expect(Route.equals(mine[0]!, input)).toBe(true)
                    // exactly one route more, and the others untouched
                    expect(state(after)).toEqual(
                      [...state(before), JSON.stringify(Route.canonical(input))].sort()
                    )
                    yield* Route.remove(mine[0]!)
                    expect(state(yield* Route.list({ table: "all" }))).toEqual(state(before))
                  })
                )
              ),
              { numRuns: 40 }
            )
          )
          expect(samples).toBeGreaterThanOrEqual(40)
          // the runs covered every kind of route the arbitrary makes
          for (const k of [
            "inet unicast",
            "inet6 unicast",
            "inet multipath",
            "inet6 multipath",
            "table 1000",
            "table main"
          ])
            expect(seen, k).toContain(k)
          expect([...seen].some((k) => / (blackhole|unreachable|prohibit)$/.test(k))).toBe(true)
        })
      ),
    testTimeout(120_000)
  )

  it.live(
    "a route listed in one namespace is recreated from its object in another, equal as ip shows it",
    () =>
      Effect.scoped(
        Effect.gen(function* () {
          const a = yield* freshNamespace("ra")
          const b = yield* freshNamespace("rb")
          for (const ns of [a, b]) setup(ns)
          ip(a, "route", "add", "10.100.0.0/16", "via", "10.1.2.1", "metric", "7", "proto", "static")
          ip(
            a,
            "route",
            "add",
            "10.101.0.0/16",
            "table",
            "1000",
            "nexthop",
            "via",
            "10.1.2.1",
            "weight",
            "2",
            "nexthop",
            "via",
            "10.1.3.1",
            "weight",
            "5"
          )
          ip(a, "route", "add", "blackhole", "10.102.0.0/16", "table", "100")
          ip(a, "route", "add", "10.103.0.0/24", "via", "inet6", "2001:db8::2", "dev", "d0")
          ip(
            a,
            "route",
            "add",
            "10.104.0.0/16",
            "dev",
            "d2",
            "src",
            "10.1.3.3",
            "mtu",
            "lock",
            "1300",
            "advmss",
            "1200"
          )
          ip(
            a,
            "-6",
            "route",
            "add",
            "2001:db8:100::/48",
            "via",
            "2001:db8::2",
            "metric",
            "5",
            "pref",
            "high"
          )
          ip(
            a,
            "-6",
            "route",
            "add",
            "2001:db8:101::/48",
            "table",
            "1000",
            "nexthop",
            "via",
            "2001:db8::2",
            "dev",
            "d0",
            "weight",
            "3",
            "nexthop",
            "via",
            "2001:db8:3::2",
            "dev",
            "d2"
          )
          ip(a, "-6", "route", "add", "unreachable", "2001:db8:102::/48", "metric", "9")
          const isOurs = (r: Route.Route) => /^(10\.10[0-4]|2001:db8:10[0-2]):?/.test(r.destination)
          const listed = (yield* Route.list({ table: "all" }).pipe(
            Effect.provide(Layer.fresh(Netlink.layerNamespace({ name: a })))
          )).filter(isOurs)
          expect(listed).toHaveLength(8)
          yield* Effect.forEach(listed, (r) => Route.add(r)).pipe(
            Effect.provide(Layer.fresh(Netlink.layerNamespace({ name: b })))
          )
          const again = (yield* Route.list({ table: "all" }).pipe(
            Effect.provide(Layer.fresh(Netlink.layerNamespace({ name: b })))
          )).filter(isOurs)
          expect(state(again)).toEqual(state(listed))
          const shown = (ns: string) =>
            ["-4", "-6"].flatMap((f) =>
              ipJson<Array<{ dst: string }>>(ns, f, "route", "show", "table", "all")
                .filter((r) => /^(10\.10[0-4]|2001:db8:10[0-2]):?/.test(r.dst))
                .map((r) => JSON.stringify(r))
            )
          expect(shown(b).sort()).toEqual(shown(a).sort())
          expect(shown(a)).toHaveLength(8)
          // text output: every route of both families and all tables, line for line as ip prints it
          const lines = (text: string) =>
            text
              .split("\n")
              .map((l) => l.trimEnd())
              .filter((l) => l !== "")
          for (const family of ["inet", "inet6"] as const) {
            const ours = (yield* Route.list({ table: "all", family }).pipe(
              Effect.provide(Layer.fresh(Netlink.layerNamespace({ name: a })))
            )).filter(settled)
            const theirs = lines(
              ip(a, family === "inet" ? "-4" : "-6", "route", "show", "table", "all")
            ).filter((l) => !/^(\w+ )?(fe80|ff00):/.test(l))
            expect(lines(ours.map(routeLine).join("\n"))).toEqual(theirs)
          }
        })
      )
  )

  it.live("RTA_VIA: an IPv4 route via an IPv6 gateway round-trips and prints as ip does", () =>
    inNamespace((ns) =>
      Effect.gen(function* () {
        setup(ns)
        const input: Route.Route = {
          destination: "10.8.0.0/24",
          via: { family: "inet6", address: "fe80::1" },
          dev: "d0"
        }
        yield* Route.add(input)
        const listed = (yield* Route.list()).find((r) => r.destination === "10.8.0.0/24")!
        expect(listed).toEqual({
          family: "inet",
          destination: "10.8.0.0/24",
          tos: 0,
          table: "main",
          protocol: "boot",
          scope: "global",
          type: "unicast",
          dev: "d0",
          via: { family: "inet6", address: "fe80::1" }
        })
        expect(Route.equals(listed, input)).toBe(true)
        // ip's own view: the gateway with its family, and the same text line
        expect(ipJson<Array<{ dst: string; via?: unknown }>>(ns, "route", "show", "10.8.0.0/24")).toEqual([
          { dst: "10.8.0.0/24", via: { family: "inet6", host: "fe80::1" }, dev: "d0", flags: [] }
        ])
        expect(routeLine(listed)).toBe(ip(ns, "route", "show", "10.8.0.0/24").trim())
        // the raw message keeps RTA_VIA's bytes (u16 family, address)
        const raw = (yield* Route.listRaw()).find((r) => r.dst === "10.8.0.0")!
        expect(Array.from(raw.via!)).toEqual([10, 0, 0xfe, 0x80, ...new Array(13).fill(0), 1])
        // a multipath nexthop via IPv6 too
        yield* Route.add({
          destination: "10.9.0.0/24",
          nexthops: [
            { via: { family: "inet6", address: "2001:db8::2" }, dev: "d0", weight: 2 },
            { gateway: "10.1.3.1", dev: "d2" }
          ]
        })
        const mp = (yield* Route.list()).find((r) => r.destination === "10.9.0.0/24")!
        expect(mp.nexthops).toEqual([
          { via: { family: "inet6", address: "2001:db8::2" }, dev: "d0", weight: 2 },
          { gateway: "10.1.3.1", dev: "d2", weight: 1 }
        ])
        expect(ip(ns, "route", "show", "10.9.0.0/24")).toContain(
          "nexthop via inet6 2001:db8::2 dev d0 weight 2"
        )
        yield* Route.remove(listed)
        yield* Route.remove(mp)
        expect(ip(ns, "route", "show", "10.8.0.0/24").trim()).toBe("")
        expect(ip(ns, "route", "show", "10.9.0.0/24").trim()).toBe("")
        // a gateway of the other family without via is refused, naming the field (ip refuses it too)
        const e = yield* failure(Route.add({ destination: "10.8.0.0/24", gateway: "fe80::1", dev: "d0" }))
        expect(e.reason).toMatchObject({ _tag: "Validation", path: "gateway" })
        expect(e.reason.message).toContain('via: { family: "inet6", address: "fe80::1" }')
      })
    )
  )

  const hops = (n: number, v6: boolean): Array<Route.Nexthop> =>
    Array.from({ length: n }, (_, i) =>
      v6 ? { gateway: `2001:db8::${(2 + i).toString(16)}` } : { gateway: `10.1.2.${4 + (i % 250)}` }
    )

  it.live(
    "multipath: the largest route every reader can dump is accepted and listed (by ip too); one nexthop more is refused, nothing sent",
    () =>
      inNamespace((ns) =>
        Effect.gen(function* () {
          setup(ns)
          // 16+12 (headers) + 8 (RTA_TABLE) + 8 (RTA_DST) + 4 (RTA_MULTIPATH) + 16 per nexthop
          // (rtnexthop + RTA_GATEWAY) <= 3776: 233 IPv4 nexthops. Each route goes in a table of
          // its own, so that it is the first route of its table's dump, which the kernel builds
          // before the reader has received anything: in the smallest datagram.
          yield* Route.add({ destination: "10.50.0.0/16", table: 50, nexthops: hops(233, false) })
          const listed = yield* Route.list({ table: "all", family: "inet" })
          expect(listed.find((r) => r.destination === "10.50.0.0/16")?.nexthops).toHaveLength(233)
          // the dump went on past it: the local table's routes come after it
          expect(listed.some((r) => r.table === "local")).toBe(true)
          expect(ip(ns, "route", "show", "table", "50").split("nexthop").length - 1).toBe(233)

          const before = state(yield* Route.list({ table: "all" }))
          for (const n of [234, 4000, 10_000]) {
            const e = yield* failure(Route.add({ destination: "10.51.0.0/16", nexthops: hops(n, false) }))
            expect(e.reason).toMatchObject({ _tag: "Validation", path: "nexthops" })
            expect(e.reason.message).toContain(`${n} nexthops`)
            expect(e.reason.message).toContain("datagrams of 3776 bytes")
            expect(e.reason.message).toContain("at most 233 nexthops")
          }
          // IPv6: + RTA_PRIORITY, RTA_PREF, RTA_CACHEINFO and 16-byte addresses: 130 nexthops.
          yield* Route.add({ destination: "2001:db8:50::/48", table: 60, nexthops: hops(130, true) })
          const v6 = (yield* Route.list({ family: "inet6", table: 60 })).find(
            (r) => r.destination === "2001:db8:50::/48"
          )
          expect(v6?.nexthops).toHaveLength(130)
          expect(ip(ns, "-6", "route", "show", "table", "60").split("nexthop").length - 1).toBe(130)
          const e6 = yield* failure(Route.add({ destination: "2001:db8:51::/48", nexthops: hops(131, true) }))
          expect(e6.reason).toMatchObject({ _tag: "Validation", path: "nexthops" })
          expect(e6.reason.message).toContain("at most 130 nexthops")
          const after = state(yield* Route.list({ table: "all" }))
          expect(after.filter((r) => !r.includes("2001:db8:50::"))).toEqual(before)

          // The limit is the kernel's: one nexthop more, sent without the check, is accepted,
          // and ip's dump of its table no longer carries it (6.x ends the dump there without
          // an error, with every route after it; older kernels fail it with EMSGSIZE).
          const { route } = yield* Netlink
          yield* route.request(
            Route.addRequest({ destination: "10.51.0.0/16", table: 51, nexthops: hops(234, false) })
          )
          const kernel = yield* Route.list({ table: 51 })
          expect(kernel.find((r) => r.destination === "10.51.0.0/16")?.nexthops).toHaveLength(234)
          const shown = spawnSync("ip", ["-n", ns, "route", "show", "table", "51"], { encoding: "utf8" })
          expect(shown.stdout).not.toContain("10.51.0.0/16")
          yield* route.request(Route.removeRequest({ destination: "10.51.0.0/16", table: 51 }))
        })
      ),
    testTimeout(120_000)
  )
})
