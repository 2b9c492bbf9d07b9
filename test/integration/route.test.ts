/**
 * Route against the kernel, in a fresh namespace per test, with
 * `ip -j route show` / `ip -j route get` as the oracle.
 */
import { spawnSync } from "node:child_process"
import { mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { expect, it } from "@effect/vitest"
import { Effect, Stream } from "effect"
import * as Route from "../../src/api/Route.ts"
import { routeLine } from "../../src/cli/format.ts"
import { describeRoot, inNamespace, ip, ipJson, nsExec } from "../helpers/netns.ts"

interface IpRoute {
  readonly type?: string
  readonly dst: string
  readonly gateway?: string
  readonly dev?: string
  readonly protocol?: string
  readonly scope?: string
  readonly metric?: number
  readonly table?: string
  readonly prefsrc?: string
  readonly flags?: ReadonlyArray<string>
  readonly metrics?: ReadonlyArray<Record<string, number>>
  readonly nexthops?: ReadonlyArray<{
    gateway: string
    dev: string
    weight: number
    flags: ReadonlyArray<string>
  }>
  readonly pref?: string
}

/** Two veth pairs, up, with IPv4 and IPv6 addresses; forwarding on (for `get` with iif). */
const setup = (ns: string) => {
  ip(ns, "link", "add", "d0", "type", "veth", "peer", "name", "d1")
  ip(ns, "link", "add", "d2", "type", "veth", "peer", "name", "d3")
  for (const d of ["d0", "d1", "d2", "d3"]) ip(ns, "link", "set", d, "up")
  ip(ns, "addr", "add", "10.1.2.3/24", "dev", "d0")
  ip(ns, "addr", "add", "10.1.3.3/24", "dev", "d2")
  ip(ns, "addr", "add", "2001:db8::1/64", "dev", "d0", "nodad")
  nsExec(ns, "sysctl", "-qw", "net.ipv4.ip_forward=1")
  settleLocal(ns, ["2001:db8::1"])
}

/**
 * The kernel adds an IPv6 address's local and anycast routes from a work item, a moment
 * after `ip addr add` returns (even with nodad): wait for them, so that what the tests
 * compare afterwards (link-local and multicast routes aside) no longer changes on its own.
 */
const settleLocal = (ns: string, addresses: ReadonlyArray<string>) => {
  for (let i = 0; i < 500; i++) {
    const local = ip(ns, "-6", "route", "show", "table", "local")
    if (addresses.every((a) => local.includes(`local ${a} `))) return
    spawnSync("sleep", ["0.01"])
  }
  throw new Error(`IPv6 local routes of ${addresses.join(", ")} did not appear`)
}

const ifindex = (ns: string, dev: string): number =>
  ipJson<Array<{ ifindex: number }>>(ns, "link", "show", dev)[0].ifindex

/** `ip -j [-4|-6] route show ARGS`. */
const ipRoutes = (ns: string, ...args: Array<string>): Array<IpRoute> => {
  const family = args.filter((a) => a === "-4" || a === "-6")
  const rest = args.filter((a) => a !== "-4" && a !== "-6")
  return ipJson<Array<IpRoute>>(ns, ...family, "route", "show", ...rest)
}
const shown = (ns: string, dst: string, ...args: Array<string>) =>
  ipRoutes(ns, ...(dst.includes(":") ? ["-6"] : []), ...args).find((r) => r.dst === dst)

/** Comparable keys, "type dst/len table", for ours and ip's. */
const TABLE_NUMBERS: Record<string, number> = { main: 254, local: 255, default: 253 }
const key = (r: Route.Route) =>
  `${r.type} ${r.destination} ${typeof r.table === "number" ? r.table : TABLE_NUMBERS[r.table!]}`
// IPv6 autoconfiguration adds fe80::/64, its local addresses and ff00::/8 on its own
// schedule (slower under the VM lane), so two dumps taken a moment apart may differ there.
const settled = (k: string) => !/ (fe80|ff00):/.test(k)
const ours = (routes: ReadonlyArray<Route.Route>) => routes.map(key).filter(settled).sort()
const TABLES: Record<string, number> = { main: 254, local: 255, default: 253 }
/** ip omits `table` for main, and for the table a `table N` filter names: pass it. */
const theirs = (routes: ReadonlyArray<IpRoute>, table = 254) =>
  routes
    .map((r) => {
      const dst =
        r.dst === "default" || r.dst.includes("/") ? r.dst : `${r.dst}/${r.dst.includes(":") ? 128 : 32}`
      const t = r.table === undefined ? table : (TABLES[r.table] ?? Number(r.table))
      return `${r.type ?? "unicast"} ${dst} ${t}`
    })
    .filter(settled)
    .sort()

const failure = <A, E, R>(effect: Effect.Effect<A, E, R>) => Effect.flip(effect) as Effect.Effect<any, A, R>

describeRoot("Route", () => {
  it.live("IPv4 via a gateway; replace; remove (and del)", () =>
    inNamespace((ns) =>
      Effect.gen(function* () {
        setup(ns)
        yield* Route.add({ destination: "10.2.0.0/16", gateway: "10.1.2.1" })
        // ip prints no protocol for boot, the default
        expect(shown(ns, "10.2.0.0/16")).toEqual({
          dst: "10.2.0.0/16",
          gateway: "10.1.2.1",
          dev: "d0",
          flags: []
        })
        const listed = (yield* Route.list()).find((r) => r.destination === "10.2.0.0/16")!
        expect(listed).toEqual({
          family: "inet",
          destination: "10.2.0.0/16",
          tos: 0,
          gateway: "10.1.2.1",
          dev: "d0",
          protocol: "boot",
          scope: "global",
          type: "unicast",
          table: "main"
        })
        expect(Route.equals(listed, { destination: "10.2.0.0/16", gateway: "10.1.2.1", dev: "d0" })).toBe(
          true
        )
        expect(Route.equals(listed, { destination: "10.2.0.0/16", gateway: "10.1.2.2", dev: "d0" })).toBe(
          false
        )
        const raw = (yield* Route.listRaw()).find((r) => r.dst === "10.2.0.0")!
        expect(raw).toMatchObject({ family: 2, dstLen: 16, oif: ifindex(ns, "d0"), table: 254 })
        expect(Route.fromMessage(raw, (i) => (i === ifindex(ns, "d0") ? "d0" : i))).toEqual(listed)

        yield* Route.replace({ destination: "10.2.0.0/16", gateway: "10.1.3.1" })
        expect(shown(ns, "10.2.0.0/16")).toMatchObject({ gateway: "10.1.3.1", dev: "d2" })
        expect(ipRoutes(ns).filter((r) => r.dst === "10.2.0.0/16")).toHaveLength(1)
        // replace creates when absent
        yield* Route.replace({ destination: "10.9.0.0/16", gateway: "10.1.3.1", metric: 9 })
        expect(shown(ns, "10.9.0.0/16")).toMatchObject({ gateway: "10.1.3.1", metric: 9 })

        yield* Route.remove({ destination: "10.2.0.0/16" })
        expect(shown(ns, "10.2.0.0/16")).toBeUndefined()
        yield* Route.del({ destination: "10.9.0.0/16", gateway: "10.1.3.1", metric: 9 })
        expect(shown(ns, "10.9.0.0/16")).toBeUndefined()
        const gone = yield* failure(Route.remove({ destination: "10.2.0.0/16" }))
        expect(gone.reason).toMatchObject({ _tag: "Kernel", code: "ESRCH" })
      })
    )
  )

  it.live("dev, table 1000, metric, protocol static; scope link by default", () =>
    inNamespace((ns) =>
      Effect.gen(function* () {
        setup(ns)
        yield* Route.add({
          destination: "10.3.0.0/16",
          dev: "d0",
          table: 1000,
          metric: 50,
          protocol: "static"
        })
        expect(ipRoutes(ns, "table", "1000")).toEqual([
          { dst: "10.3.0.0/16", dev: "d0", protocol: "static", scope: "link", metric: 50, flags: [] }
        ])
        const listed = yield* Route.list({ table: 1000 })
        expect(listed).toHaveLength(1)
        expect(listed[0]).toEqual({
          family: "inet",
          destination: "10.3.0.0/16",
          tos: 0,
          table: 1000,
          metric: 50,
          protocol: "static",
          scope: "link",
          type: "unicast",
          dev: "d0"
        })
        // not in main
        expect((yield* Route.list()).find((r) => r.destination === "10.3.0.0/16")).toBeUndefined()
        yield* Route.add({ destination: "10.7.0.0/16", dev: "d0", prefsrc: "10.1.2.3", table: 100 })
        expect(ipRoutes(ns, "table", "100")).toEqual([
          { dst: "10.7.0.0/16", dev: "d0", scope: "link", prefsrc: "10.1.2.3", flags: [] }
        ])
        yield* Route.remove({ destination: "10.3.0.0/16", table: 1000 })
        expect(ipRoutes(ns, "table", "1000")).toEqual([])
      })
    )
  )

  it.live("blackhole, unreachable, prohibit, throw and local routes", () =>
    inNamespace((ns) =>
      Effect.gen(function* () {
        setup(ns)
        yield* Route.add({ destination: "10.5.0.0/16", type: "blackhole" })
        yield* Route.add({ destination: "10.6.0.0/16", type: "unreachable" })
        yield* Route.add({ destination: "10.7.0.0/16", type: "prohibit", metric: 3 })
        yield* Route.add({ destination: "10.8.0.0/16", type: "throw", table: 100 })
        yield* Route.add({ destination: "10.1.2.99", type: "local", dev: "d0" })
        yield* Route.add({ destination: "2001:db8:5::/48", type: "blackhole" })
        expect(shown(ns, "10.5.0.0/16")).toMatchObject({ type: "blackhole" })
        expect(shown(ns, "10.6.0.0/16")).toMatchObject({ type: "unreachable" })
        expect(shown(ns, "10.7.0.0/16")).toMatchObject({ type: "prohibit", metric: 3 })
        expect(shown(ns, "10.8.0.0/16", "table", "100")).toMatchObject({ type: "throw" })
        expect(shown(ns, "10.1.2.99", "table", "local")).toMatchObject({
          type: "local",
          dev: "d0",
          scope: "host"
        })
        expect(shown(ns, "2001:db8:5::/48")).toMatchObject({ type: "blackhole" })

        const holes = yield* Route.list({ type: "blackhole" })
        expect(holes.map((r) => r.destination).sort()).toEqual(["10.5.0.0/16", "2001:db8:5::/48"])
        expect(
          Route.equals(holes.find((r) => r.family === "inet6")!, {
            destination: "2001:db8:5::/48",
            type: "blackhole"
          })
        ).toBe(true)
        expect(
          (yield* Route.list({ type: "unreachable", family: "inet" })).map((r) => r.destination)
        ).toEqual(["10.6.0.0/16"])
        expect(
          (yield* Route.list({ table: "local", type: "local", family: "inet" })).map((r) => r.destination)
        ).toContain("10.1.2.99/32")

        yield* Route.remove({ destination: "10.5.0.0/16", type: "blackhole" })
        yield* Route.remove({ destination: "10.7.0.0/16" })
        yield* Route.remove({ destination: "2001:db8:5::/48" })
        expect(shown(ns, "10.5.0.0/16")).toBeUndefined()
        expect(shown(ns, "10.7.0.0/16")).toBeUndefined()
        expect(shown(ns, "2001:db8:5::/48")).toBeUndefined()
        // removing with the wrong type matches nothing
        const wrong = yield* failure(Route.remove({ destination: "10.6.0.0/16", type: "blackhole" }))
        expect(wrong.reason).toMatchObject({ _tag: "Kernel", code: "ESRCH" })
      })
    )
  )

  it.live("multipath with weights (IPv4 and IPv6), onlink nexthop", () =>
    inNamespace((ns) =>
      Effect.gen(function* () {
        setup(ns)
        yield* Route.add({
          destination: "10.4.0.0/16",
          nexthops: [
            { gateway: "10.1.2.1", weight: 1 },
            { gateway: "10.1.3.1", dev: "d2", weight: 3 },
            { gateway: "192.0.2.1", dev: "d0", weight: 256, onlink: true }
          ]
        })
        expect(shown(ns, "10.4.0.0/16")?.nexthops).toEqual([
          { gateway: "10.1.2.1", dev: "d0", weight: 1, flags: [] },
          { gateway: "10.1.3.1", dev: "d2", weight: 3, flags: [] },
          { gateway: "192.0.2.1", dev: "d0", weight: 256, flags: ["onlink"] }
        ])
        const listed = (yield* Route.list({ family: "inet" })).find((r) => r.destination === "10.4.0.0/16")!
        expect(listed.nexthops).toEqual([
          { weight: 1, dev: "d0", gateway: "10.1.2.1" },
          { weight: 3, dev: "d2", gateway: "10.1.3.1" },
          { weight: 256, onlink: true, dev: "d0", gateway: "192.0.2.1" }
        ])
        const raw = (yield* Route.listRaw({ family: "inet" })).find((r) => r.dst === "10.4.0.0")!
        expect(raw.multipath).toEqual([
          { flags: 0, hops: 0, ifindex: ifindex(ns, "d0"), gateway: "10.1.2.1" },
          { flags: 0, hops: 2, ifindex: ifindex(ns, "d2"), gateway: "10.1.3.1" },
          { flags: Route.RtnhFlags.onlink, hops: 255, ifindex: ifindex(ns, "d0"), gateway: "192.0.2.1" }
        ])

        ip(ns, "addr", "add", "2001:db8:3::1/64", "dev", "d2", "nodad")
        yield* Route.add({
          destination: "2001:db8:9::/48",
          nexthops: [
            { gateway: "2001:db8::2", dev: "d0", weight: 2 },
            { gateway: "2001:db8:3::2", dev: "d2", weight: 5 }
          ]
        })
        const v6 = shown(ns, "2001:db8:9::/48")!
        expect(v6.nexthops?.map((n) => [n.gateway, n.dev, n.weight])).toEqual([
          ["2001:db8::2", "d0", 2],
          ["2001:db8:3::2", "d2", 5]
        ])
        yield* Route.remove({ destination: "10.4.0.0/16" })
        expect(shown(ns, "10.4.0.0/16")).toBeUndefined()
      })
    )
  )

  it.live("metrics: mtu, advmss, initcwnd, locked mtu; IPv6 route via a gateway with pref", () =>
    inNamespace((ns) =>
      Effect.gen(function* () {
        setup(ns)
        yield* Route.add({ destination: "10.6.0.0/16", gateway: "10.1.2.1", mtu: 1400, advmss: 1300 })
        expect(shown(ns, "10.6.0.0/16")?.metrics).toEqual([{ mtu: 1400, advmss: 1300 }])
        yield* Route.add({
          destination: "10.16.0.0/16",
          gateway: "10.1.2.1",
          metrics: { mtu: 1300, initcwnd: 10, hoplimit: 32, locked: ["mtu"] }
        })
        expect(ip(ns, "route", "show", "10.16.0.0/16")).toMatch(/mtu lock 1300 .*hoplimit 32 initcwnd 10/)
        const listed = (yield* Route.list({ family: "inet" })).find((r) => r.destination === "10.16.0.0/16")!
        expect(listed.metrics).toEqual({ mtu: 1300, initcwnd: 10, hoplimit: 32, locked: ["mtu"] })

        yield* Route.add({ destination: "2001:db8:1::/48", gateway: "2001:db8::2", metric: 7, pref: "high" })
        expect(shown(ns, "2001:db8:1::/48")).toMatchObject({
          gateway: "2001:db8::2",
          dev: "d0",
          metric: 7,
          pref: "high"
        })
        const v6 = (yield* Route.list({ family: "inet6" })).find((r) => r.destination === "2001:db8:1::/48")!
        expect(v6).toMatchObject({
          family: "inet6",
          gateway: "2001:db8::2",
          dev: "d0",
          metric: 7,
          pref: "high"
        })
        expect(v6.status?.cacheinfo).toBeDefined()
        expect(
          Route.equals(v6, {
            destination: "2001:db8:1::/48",
            gateway: "2001:db8::2",
            dev: "d0",
            metric: 7,
            pref: "high"
          })
        ).toBe(true)
        yield* Route.replace({ destination: "2001:db8:1::/48", gateway: "2001:db8::3", metric: 7 })
        expect(shown(ns, "2001:db8:1::/48")).toMatchObject({ gateway: "2001:db8::3" })
        yield* Route.remove({ destination: "2001:db8:1::/48", metric: 7 })
        expect(shown(ns, "2001:db8:1::/48")).toBeUndefined()
        yield* Route.add({ destination: "default", gateway: "2001:db8::2" })
        expect(ipRoutes(ns, "-6").find((r) => r.dst === "default")).toMatchObject({ gateway: "2001:db8::2" })
      })
    )
  )

  it.live("a nexthop object (nexthopId) and a TOS-specific route", () =>
    inNamespace((ns) =>
      Effect.gen(function* () {
        setup(ns)
        ip(ns, "nexthop", "add", "id", "7", "via", "10.1.2.1", "dev", "d0")
        yield* Route.add({ destination: "10.12.0.0/16", nexthopId: 7 })
        expect(shown(ns, "10.12.0.0/16")).toMatchObject({ nhid: 7, gateway: "10.1.2.1", dev: "d0" })
        const listed = (yield* Route.list({ family: "inet" })).find((r) => r.destination === "10.12.0.0/16")!
        expect(listed).toMatchObject({
          nexthopId: 7,
          scope: "global",
          status: { resolved: { gateway: "10.1.2.1", dev: "d0" } }
        })
        expect(listed.gateway).toBeUndefined()
        expect(Route.equals(listed, { destination: "10.12.0.0/16", nexthopId: 7 })).toBe(true)
        expect(routeLine(listed)).toBe(ip(ns, "route", "show", "10.12.0.0/16").trim())
        const tosRoute = { destination: "10.13.0.0/16", gateway: "10.1.2.1", tos: 0x10 }
        yield* Route.add(tosRoute)
        const listedTos = (yield* Route.list({ family: "inet" })).find(
          (r) => r.destination === "10.13.0.0/16"
        )!
        expect(routeLine(listedTos)).toBe(ip(ns, "route", "show", "10.13.0.0/16").trim())
        yield* Route.remove(tosRoute)
        // removing the listed object removes exactly it
        yield* Route.remove(listed)
        expect(shown(ns, "10.12.0.0/16")).toBeUndefined()
        yield* Route.add({ destination: "10.13.0.0/16", gateway: "10.1.2.1", tos: 0x10 })
        expect(shown(ns, "10.13.0.0/16")).toMatchObject({ tos: "0x10" })
        expect(
          (yield* Route.list({ family: "inet" })).find((r) => r.destination === "10.13.0.0/16")?.tos
        ).toBe(0x10)
        yield* Route.remove({ destination: "10.13.0.0/16", tos: 0x10 })
        expect(shown(ns, "10.13.0.0/16")).toBeUndefined()
        const both = yield* failure(
          Route.add({ destination: "10.14.0.0/16", nexthopId: 7, gateway: "10.1.2.1" })
        )
        expect(both.reason).toMatchObject({ _tag: "Validation", path: "nexthopId" })
      })
    )
  )

  it.live("get: destination, from + iif + mark, oif, fibMatch, as ip route get", () =>
    inNamespace((ns) =>
      Effect.gen(function* () {
        setup(ns)
        ip(ns, "route", "add", "10.2.0.0/16", "via", "10.1.2.1")
        ip(ns, "route", "add", "10.2.0.0/16", "via", "10.1.3.1", "table", "1000")
        ip(ns, "rule", "add", "fwmark", "5", "lookup", "1000", "priority", "100")

        const plain = yield* Route.get("10.2.3.4")
        const theirsPlain = ipJson<Array<IpRoute>>(ns, "route", "get", "10.2.3.4")[0]
        expect(theirsPlain).toMatchObject({ gateway: "10.1.2.1", dev: "d0", prefsrc: "10.1.2.3" })
        expect(plain).toMatchObject({
          family: "inet",
          destination: "10.2.3.4/32",
          gateway: "10.1.2.1",
          dev: "d0",
          prefsrc: "10.1.2.3",
          table: "main"
        })

        const marked = yield* Route.get("10.2.3.4", { from: "10.1.3.9", iif: "d2", mark: 5 })
        const theirsMarked = ipJson<Array<IpRoute & { iif: string; mark: number }>>(
          ns,
          "route",
          "get",
          "10.2.3.4",
          "from",
          "10.1.3.9",
          "iif",
          "d2",
          "mark",
          "5"
        )[0]
        expect(theirsMarked).toMatchObject({ gateway: "10.1.3.1", dev: "d2", iif: "d2", mark: 5 })
        expect(marked).toMatchObject({
          source: "10.1.3.9/32",
          gateway: "10.1.3.1",
          dev: "d2",
          status: { iif: "d2", mark: 5 },
          table: 1000
        })
        expect(yield* Route.getRaw("10.2.3.4", { from: "10.1.3.9", iif: "d2", mark: 5 })).toMatchObject({
          src: "10.1.3.9",
          oif: ifindex(ns, "d2"),
          iif: ifindex(ns, "d2"),
          mark: 5,
          table: 1000
        })

        const viaOif = yield* Route.get("10.99.0.1", { oif: "d2" })
        expect(ipJson<Array<IpRoute>>(ns, "route", "get", "10.99.0.1", "oif", "d2")[0]).toMatchObject({
          dev: "d2"
        })
        expect(viaOif.dev).toBe("d2")

        const fib = yield* Route.get("10.2.3.4", { fibMatch: true })
        expect(fib).toMatchObject({ destination: "10.2.0.0/16", gateway: "10.1.2.1" })

        const v6 = yield* Route.get("2001:db8::77")
        expect(v6).toMatchObject({ family: "inet6", destination: "2001:db8::77/128", dev: "d0" })

        // no route: the kernel's errno, as ip reports it
        const none = yield* failure(Route.get("10.200.0.1", { from: "10.1.3.9", iif: "d2" }))
        expect(none.reason).toMatchObject({ _tag: "Kernel" })
        const ipErr = nsExec(ns, "ip", "route", "get", "10.200.0.1", "from", "10.1.3.9", "iif", "d2")
        expect(ipErr.status).not.toBe(0)
        expect(ipErr.stderr.toLowerCase()).toContain(none.reason.text.toLowerCase())
        const badGet = yield* failure(Route.get("10.2.0.0/16"))
        expect(badGet.reason).toMatchObject({ _tag: "Validation", path: "destination" })
      })
    )
  )

  it.live("list filters: table, protocol, dev/oif, family, type, scope; stream equals list", () =>
    inNamespace((ns) =>
      Effect.gen(function* () {
        setup(ns)
        ip(ns, "route", "add", "10.2.0.0/16", "via", "10.1.2.1", "proto", "static")
        ip(ns, "route", "add", "10.3.0.0/16", "dev", "d2", "proto", "static", "table", "1000")
        ip(ns, "route", "add", "10.4.0.0/16", "dev", "d2")
        ip(ns, "route", "add", "10.5.0.0/16", "via", "10.1.3.1", "table", "1000")
        ip(ns, "route", "add", "2001:db8:1::/48", "via", "2001:db8::2", "proto", "static")

        expect(ours(yield* Route.list({ family: "inet" }))).toEqual(theirs(ipRoutes(ns, "-4")))
        expect(ours(yield* Route.list({ family: "inet6" }))).toEqual(theirs(ipRoutes(ns, "-6")))
        expect(ours(yield* Route.list({ family: "inet", table: 1000 }))).toEqual(
          theirs(ipRoutes(ns, "-4", "table", "1000"), 1000)
        )
        expect(ours(yield* Route.list({ family: "inet", table: "all" }))).toEqual(
          theirs(ipRoutes(ns, "-4", "table", "all"))
        )
        expect(ours(yield* Route.list({ family: "inet6", table: "all" }))).toEqual(
          theirs(ipRoutes(ns, "-6", "table", "all"))
        )
        expect(ours(yield* Route.list({ family: "inet", table: "local" }))).toEqual(
          theirs(ipRoutes(ns, "-4", "table", "local"), 255)
        )
        expect(ours(yield* Route.list({ family: "inet", protocol: "static", table: "all" }))).toEqual(
          theirs(ipRoutes(ns, "-4", "proto", "static", "table", "all"))
        )
        expect(ours(yield* Route.list({ family: "inet", dev: "d2", table: "all" }))).toEqual(
          theirs(ipRoutes(ns, "-4", "dev", "d2", "table", "all"))
        )
        expect(ours(yield* Route.list({ family: "inet", oif: ifindex(ns, "d2") }))).toEqual(
          theirs(ipRoutes(ns, "-4", "dev", "d2"))
        )
        expect(ours(yield* Route.list({ family: "inet", scope: "link" }))).toEqual(
          theirs(ipRoutes(ns, "-4", "scope", "link"))
        )
        expect(ours(yield* Route.list({ family: "inet", scope: "global" }))).toEqual(
          theirs(ipRoutes(ns, "-4", "scope", "global"))
        )
        // both families at once
        const both = yield* Route.list({ protocol: "static" })
        expect(both.map((r) => r.destination).sort()).toEqual(["10.2.0.0/16", "2001:db8:1::/48"])
        // a table that does not exist lists as empty
        expect(yield* Route.list({ family: "inet", table: 4242 })).toEqual([])
        expect(Array.from(yield* Stream.runCollect(Route.stream({ family: "inet6", table: 4242 })))).toEqual(
          []
        )

        const streamed = Array.from(yield* Stream.runCollect(Route.stream({ table: "all" })))
        expect(ours(streamed)).toEqual(ours(yield* Route.list({ table: "all" })))
        expect(streamed.length).toBeGreaterThan(10)
      })
    )
  )

  it.live("errors: EEXIST, ENETUNREACH with the extack message, ENODEV; Validation with nothing sent", () =>
    inNamespace((ns) =>
      Effect.gen(function* () {
        setup(ns)
        yield* Route.add({ destination: "10.2.0.0/16", gateway: "10.1.2.1" })
        const exists = yield* failure(Route.add({ destination: "10.2.0.0/16", gateway: "10.1.2.1" }))
        expect(exists.reason).toMatchObject({ _tag: "Kernel", code: "EEXIST" })

        const unreachable = yield* failure(Route.add({ destination: "10.9.0.0/16", gateway: "10.200.0.1" }))
        const ipSays = nsExec(ns, "ip", "route", "add", "10.9.0.0/16", "via", "10.200.0.1").stderr.trim()
        expect(unreachable.reason).toMatchObject({ _tag: "Kernel", code: "ENETUNREACH" })
        expect(unreachable.reason.extack?.message).toBe("Nexthop has invalid gateway")
        expect(ipSays).toBe(`Error: ${unreachable.reason.extack?.message}.`)

        const nodev = yield* failure(Route.add({ destination: "10.9.0.0/16", dev: "nope0" }))
        expect(nodev.reason).toMatchObject({ _tag: "Kernel", code: "ENODEV" })

        // IPv6 autoconfiguration adds link-local and multicast routes on its own schedule; they
        // are not ours to compare.
        const state = () =>
          JSON.stringify(ipRoutes(ns, "-4", "table", "all")) +
          JSON.stringify(
            ipRoutes(ns, "-6", "table", "all").filter(
              (r: { dst?: string }) => !/^(fe80|ff00)/.test(r.dst ?? "")
            )
          )
        const before = state()
        const cases: Array<[Route.Options, string]> = [
          [{ destination: "10.0.0.0/33", dev: "d0" }, "destination"],
          [{ destination: "10.0.0.256/24", dev: "d0" }, "destination"],
          [{ destination: "2001:db8::/129", dev: "d0" }, "destination"],
          [{ destination: "10.9.0.0/16", gateway: "10.1.2" }, "gateway"],
          [
            { destination: "10.9.0.0/16", nexthops: [{ gateway: "10.1.2.1", weight: 0 }] },
            "nexthops[0].weight"
          ],
          [
            { destination: "10.9.0.0/16", nexthops: [{ gateway: "10.1.2.1", weight: 257 }] },
            "nexthops[0].weight"
          ],
          [
            { destination: "10.9.0.0/16", nexthops: [{ gateway: "10.1.2.1" }, { dev: "x".repeat(128) }] },
            "nexthops[1].dev"
          ],
          [{ destination: "10.9.0.0/16", nexthops: [] }, "nexthops"],
          [
            { destination: "10.9.0.0/16", gateway: "10.1.2.1", nexthops: [{ gateway: "10.1.2.2" }] },
            "gateway"
          ],
          [{ destination: "10.9.0.0/16", dev: "d0", table: 0 }, "table"],
          [{ destination: "10.9.0.0/16", dev: "d0", table: "mian" as any }, "table"],
          [{ destination: "10.9.0.0/16", dev: "d0", type: "blackhol" as any }, "type"],
          [{ destination: "10.9.0.0/16", dev: "d0", protocol: 256 }, "protocol"],
          [{ destination: "10.9.0.0/16", dev: "d0", scope: "planet" as any }, "scope"],
          [{ destination: "10.9.0.0/16", dev: "d0", prefsrc: "2001:db8::1" }, "prefsrc"],
          [{ destination: "10.9.0.0/16", dev: "d0", source: "2001:db8::/64" }, "source"],
          [{ destination: "10.9.0.0/16", gateway: "fe80::1", dev: "d0" }, "gateway"],
          [
            {
              destination: "10.9.0.0/16",
              nexthops: [{ gateway: "10.1.2.1" }, { gateway: "fe80::1", dev: "d0" }]
            },
            "nexthops[1].gateway"
          ],
          [
            { destination: "10.9.0.0/16", via: { family: "inet6", address: "10.1.2.1" }, dev: "d0" },
            "via.address"
          ],
          [
            { destination: "10.9.0.0/16", gateway: "10.1.2.1", via: { family: "inet6", address: "fe80::1" } },
            "via"
          ],
          [{ destination: "10.9.0.0/16", dev: "d0", table: "no-such-table" }, "table"],
          [{ destination: "10.9.0.0/16", dev: "d0", family: "inet6" }, "family"],
          [{ destination: "10.9.0.0/16", dev: "d0", mtu: 1400, metrics: { mtu: 1300 } }, "mtu"],
          [{ destination: "10.9.0.0/16", dev: "d0", metrics: { hoplimit: 256 } }, "metrics.hoplimit"],
          [
            { destination: "10.9.0.0/16", dev: "d0", metrics: { locked: ["lock" as any] } },
            "metrics.locked[0]"
          ],
          [{ destination: "10.9.0.0/16", dev: "d0", metric: -1 }, "metric"],
          [{ destination: "10.9.0.0/16", dev: "d0", gatway: "10.1.2.1" } as any, "gatway"]
        ]
        for (const [input, path] of cases) {
          const e = yield* failure(Route.add(input))
          expect(e.reason, JSON.stringify(input)).toMatchObject({ _tag: "Validation", path })
        }
        const badFilter = yield* failure(Route.list({ table: "everything" as any }))
        expect(badFilter.reason).toMatchObject({ _tag: "Validation", path: "table" })
        const badGet = yield* failure(Route.get("10.2.3.4", { from: "2001:db8::1" }))
        expect(badGet.reason).toMatchObject({ _tag: "Validation", path: "from" })
        expect(state()).toBe(before)
      })
    )
  )

  it.live("dumps 10k routes added with ip -batch, counted exactly", () =>
    inNamespace((ns) =>
      Effect.gen(function* () {
        setup(ns)
        const dir = mkdtempSync(join(tmpdir(), "nlink-routes-"))
        try {
          const lines: Array<string> = []
          for (let i = 0; i < 10000; i++)
            lines.push(`route add 10.${100 + (i >> 8)}.${i & 0xff}.0/24 via 10.1.2.1 table 2000`)
          writeFileSync(join(dir, "batch"), `${lines.join("\n")}\n`)
          ip(ns, "-batch", join(dir, "batch"))
        } finally {
          rmSync(dir, { recursive: true, force: true })
        }
        const all = yield* Route.list({ table: "all" })
        const t2000 = all.filter((r) => r.table === 2000)
        expect(t2000).toHaveLength(10000)
        expect(new Set(t2000.map((r) => r.destination)).size).toBe(10000)
        // Only IPv4 is compared with ip's dump: IPv6 autoconfiguration adds routes on its own
        // while the test runs, so two IPv6 dumps taken moments apart may differ (issue 10).
        // Nothing changes this namespace's IPv4 routes by itself.
        const ours4 = yield* Route.list({ table: "all", family: "inet" })
        const theirs4 = ipRoutes(ns, "-4", "table", "all")
        expect(ours4.length).toBe(theirs4.length)
        expect(ours(ours4)).toEqual(theirs(theirs4))
        // and the both-families dump holds exactly those IPv4 routes
        expect(ours(all.filter((r) => r.family === "inet"))).toEqual(ours(ours4))
        expect(yield* Route.list({ table: 2000 })).toHaveLength(10000)
        expect(yield* Stream.runCount(Route.stream({ table: 2000, family: "inet" }))).toBe(10000)
      })
    )
  )
})
