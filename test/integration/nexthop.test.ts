/**
 * Nexthop objects against the host kernel: arbitrary singles and groups
 * added in a fresh namespace list back equal, remove(listed) restores the
 * namespace and add(listed) recreates them; what `ip nexthop` configures
 * reads back as `ip -j nexthop` shows it and recreates identically in a
 * second namespace; filters, flush, buckets, group statistics and routes
 * that use a nexthop object.
 */
import { spawnSync } from "node:child_process"
import { expect, it } from "@effect/vitest"
import { Effect, Layer, Schema } from "effect"
import fc from "fast-check"
import { Netlink } from "../../src/api/Netlink.ts"
import * as Nexthop from "../../src/api/Nexthop.ts"
import * as Route from "../../src/api/Route.ts"
import { toJson } from "../../src/cli/format.ts"
import { describeRoot, freshNamespace, fullKernel, inNamespace, ip, ipJson } from "../helpers/netns.ts"
import { propertyRuns } from "../helpers/property.ts"
import { testTimeout } from "../helpers/timing.ts"

/** veth d0/d1 up, 10.1.2.3/24 and 2001:db8::1/64 on d0. */
const setup = (ns: string): void => {
  ip(ns, "link", "add", "d0", "type", "veth", "peer", "name", "d1")
  ip(ns, "addr", "add", "10.1.2.3/24", "dev", "d0")
  ip(ns, "addr", "add", "2001:db8::1/64", "dev", "d0", "nodad")
  ip(ns, "link", "set", "d0", "up")
  ip(ns, "link", "set", "d1", "up")
}

const withNs = <A>(f: (ns: string) => Effect.Effect<A, unknown, Netlink>) =>
  inNamespace((ns) =>
    Effect.gen(function* () {
      setup(ns)
      return yield* f(ns)
    })
  )

const opt = <A>(a: fc.Arbitrary<A>) => fc.option(a, { nil: undefined, freq: 2 })
const protocol = opt(fc.oneof(fc.constantFrom("static", "boot", "zebra"), fc.integer({ min: 5, max: 255 })))

/** A single nexthop usable on the setup above (ipv4 ones may join groups). */
const single = fc.oneof(
  fc.record({ v4: fc.constant(true), host: fc.integer({ min: 1, max: 254 }), protocol }).map((r) => ({
    group: true,
    nh: { gateway: `10.1.2.${r.host}`, dev: "d0", protocol: r.protocol }
  })),
  fc.record({ host: fc.integer({ min: 2, max: 0xffff }), protocol }).map((r) => ({
    group: false,
    nh: { gateway: `2001:db8::${r.host.toString(16)}`, dev: "d0", protocol: r.protocol }
  })),
  fc.record({ a: fc.integer({ min: 1, max: 254 }), protocol }).map((r) => ({
    group: true,
    nh: { gateway: `192.0.2.${r.a}`, dev: "d1", onlink: true, protocol: r.protocol }
  })),
  fc.record({ family: fc.constantFrom("inet" as const, "inet6" as const), protocol }).map((r) => ({
    group: false,
    nh: { family: r.family, dev: "d1", protocol: r.protocol }
  })),
  protocol.map((p) => ({ group: false, nh: { blackhole: true, protocol: p } })),
  fc
    .record({
      id: opt(fc.bigInt({ min: 1n, max: 2n ** 64n - 1n })),
      dst: opt(fc.integer({ min: 1, max: 254 }).map((a) => `10.9.9.${a}`)),
      tos: opt(fc.integer({ min: 1, max: 255 })),
      ttl: opt(fc.integer({ min: 1, max: 255 })),
      key: opt(fc.constant(true)),
      csum: opt(fc.constant(true)),
      seq: opt(fc.constant(true))
    })
    .map((e) => ({ group: false, nh: { dev: "d0", encap: strip({ type: "ip" as const, ...e }) } })),
  fc
    .record({
      id: opt(fc.bigInt({ min: 1n, max: 2n ** 64n - 1n })),
      dst: opt(fc.integer({ min: 1, max: 0xffff }).map((a) => `2001:db8:9::${a.toString(16)}`)),
      tc: opt(fc.integer({ min: 1, max: 255 })),
      hoplimit: opt(fc.integer({ min: 1, max: 255 }))
    })
    .map((e) => ({
      group: false,
      nh: { dev: "d0", family: "inet6" as const, encap: strip({ type: "ip6" as const, ...e }) }
    }))
)

interface Scenario {
  readonly singles: ReadonlyArray<Nexthop.Nexthop>
  readonly groups: ReadonlyArray<Nexthop.Nexthop>
}

const strip = <A extends object>(o: A): A =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as A

const scenario: fc.Arbitrary<Scenario> = fc
  .record({
    singles: fc.array(single, { minLength: 1, maxLength: 5 }),
    fdb: fc.boolean(),
    groups: fc.array(
      fc.record({
        pick: fc.array(fc.record({ i: fc.nat(), weight: opt(fc.integer({ min: 1, max: 256 })) }), {
          minLength: 1,
          maxLength: 4
        }),
        resilient: opt(
          fc.record({
            buckets: fc.integer({ min: 1, max: 64 }),
            idleTimer: opt(fc.integer({ min: 0, max: 3600 })),
            unbalancedTimer: opt(fc.integer({ min: 0, max: 3600 }))
          })
        ),
        protocol
      }),
      { maxLength: 2 }
    )
  })
  .map(({ singles, fdb, groups }) => {
    const nhs: Array<Nexthop.Nexthop> = singles.map((s, i) => strip({ id: i + 1, ...s.nh }))
    const members = singles.flatMap((s, i) => (s.group ? [i + 1] : []))
    if (fdb) {
      nhs.push({ id: 50, gateway: "10.1.2.50", fdb: true }, { id: 51, gateway: "10.1.2.51", fdb: true })
    }
    const out: Array<Nexthop.Nexthop> = []
    groups.forEach((g, gi) => {
      if (members.length === 0) return
      const seen = new Set<number>()
      const group = g.pick
        .map((p) => ({ id: members[p.i % members.length]!, weight: p.weight }))
        .filter((m) => {
          if (seen.has(m.id)) return false
          seen.add(m.id)
          return true
        })
        .map((m) => strip(m))
      out.push(
        strip({
          id: 100 + gi,
          group,
          type: g.resilient === undefined ? undefined : ("resilient" as const),
          resilient: g.resilient === undefined ? undefined : strip(g.resilient),
          protocol: g.protocol
        })
      )
    })
    if (fdb) out.push({ id: 150, group: [{ id: 50 }, { id: 51, weight: 2 }], fdb: true })
    return { singles: nhs, groups: out }
  })

const roundTrip = (s: Scenario) =>
  Effect.scoped(
    Effect.gen(function* () {
      const ns = yield* freshNamespace("nh")
      setup(ns)
      const second = yield* freshNamespace("nh2")
      setup(second)
      const all = [...s.singles, ...s.groups]
      const listed = yield* Effect.gen(function* () {
        const before = yield* Nexthop.list()
        expect(before).toEqual([])
        for (const nh of all) yield* Nexthop.add(nh)
        const listed = yield* Nexthop.list()
        expect(listed.map(Nexthop.key)).toEqual(all.map(Nexthop.key).sort((a, b) => Number(a) - Number(b)))
        for (const want of all) {
          const got = listed.find((x) => Nexthop.key(x) === Nexthop.key(want))!
          expect(Nexthop.canonical(got), toJson(want)).toEqual(Nexthop.canonical(want))
          expect(Nexthop.equals(got, want)).toBe(true)
          // its JSON decodes with the Schema to an equal, valid input
          const json = Schema.decodeUnknownSync(Nexthop.schema)(JSON.parse(toJson(got)))
          expect(Nexthop.equals(json, got)).toBe(true)
          expect(yield* Nexthop.get(want.id!)).toEqual(got)
        }
        // groups first, then their members: the namespace is as before
        for (const nh of [...listed].reverse()) yield* Nexthop.remove(nh)
        expect(yield* Nexthop.list()).toEqual([])
        for (const nh of listed) yield* Nexthop.add(nh)
        const again = yield* Nexthop.list()
        expect(again.map(Nexthop.canonical)).toEqual(listed.map(Nexthop.canonical))
        return listed
      }).pipe(Effect.provide(Layer.fresh(Netlink.layerNamespace({ name: ns }))))
      // recreated in an empty namespace, ip shows the same
      yield* Effect.gen(function* () {
        for (const nh of listed) yield* Nexthop.add(nh)
      }).pipe(Effect.provide(Layer.fresh(Netlink.layerNamespace({ name: second }))))
      expect(ipJson(second, "-d", "nexthop", "show")).toEqual(ipJson(ns, "-d", "nexthop", "show"))
    })
  )

describeRoot("Nexthop objects", () => {
  it(
    "arbitrary singles and groups: add → list equals; remove(listed) restores; add(listed) recreates",
    async () => {
      await fc.assert(
        fc.asyncProperty(scenario, (s) => Effect.runPromise(roundTrip(s))),
        // the VM lane emulates the CPU: a few runs there, the full count on the host
        { numRuns: fullKernel ? 8 : propertyRuns(30) }
      )
    },
    testTimeout(300_000)
  )

  it.live("what ip nexthop configured reads back as ip -j shows it", () =>
    withNs((ns) =>
      Effect.gen(function* () {
        ip(ns, "nexthop", "add", "id", "1", "via", "10.1.2.1", "dev", "d0")
        ip(ns, "nexthop", "add", "id", "2", "via", "10.9.9.9", "dev", "d0", "onlink", "proto", "static")
        ip(ns, "nexthop", "add", "id", "3", "blackhole")
        ip(ns, "nexthop", "add", "id", "4", "via", "2001:db8::2", "dev", "d0")
        ip(ns, "nexthop", "add", "id", "5", "via", "10.1.2.1", "fdb")
        ip(ns, "nexthop", "add", "id", "6", "dev", "d1")
        ip(ns, "nexthop", "add", "id", "10", "group", "1/2,3")
        ip(ns, "nexthop", "add", "id", "11", "group", "1/2", "type", "resilient", "buckets", "32")
        ip(ns, "nexthop", "add", "id", "12", "group", "5", "fdb")
        ip(
          ns,
          "nexthop",
          "add",
          "id",
          "13",
          "group",
          "1,200/2,7",
          "type",
          "resilient",
          "buckets",
          "16",
          "idle_timer",
          "60"
        )
        const listed = yield* Nexthop.list()
        expect(listed.map(({ status: _, ...rest }) => strip(rest))).toEqual([
          { id: 1, family: "inet", gateway: "10.1.2.1", dev: "d0" },
          { id: 2, family: "inet", gateway: "10.9.9.9", dev: "d0", onlink: true, protocol: "static" },
          { id: 3, family: "inet", blackhole: true },
          { id: 4, family: "inet6", gateway: "2001:db8::2", dev: "d0" },
          { id: 5, family: "inet", gateway: "10.1.2.1", fdb: true },
          { id: 6, family: "inet", dev: "d1" },
          { id: 10, group: [{ id: 1 }, { id: 2, weight: 3 }], type: "mpath" },
          {
            id: 11,
            group: [{ id: 1 }, { id: 2 }],
            type: "resilient",
            resilient: { buckets: 32, idleTimer: 120, unbalancedTimer: 0 }
          },
          { id: 12, group: [{ id: 5 }], type: "mpath", fdb: true },
          {
            id: 13,
            group: [
              { id: 1, weight: 200 },
              { id: 2, weight: 7 }
            ],
            type: "resilient",
            resilient: { buckets: 16, idleTimer: 60, unbalancedTimer: 0 }
          }
        ])
        // status: the scope and flags ip prints
        const shown = ipJson<Array<any>>(ns, "nexthop", "show")
        for (const nh of listed) {
          const theirs = shown.find((x) => x.id === nh.id)
          expect(nh.status?.flags).toEqual(theirs.flags.filter((f: string) => f !== "onlink"))
          expect(nh.onlink === true).toBe(theirs.flags.includes("onlink"))
          if (theirs.scope !== undefined) expect(nh.status?.scope).toEqual(theirs.scope)
          if (theirs.resilient_args !== undefined)
            expect(nh.status?.unbalancedTime).toBe(theirs.resilient_args.unbalanced_time)
        }
        expect(listed.find((x) => x.id === 6)?.status?.scope).toBe("host")
        // remove(listed) of one member: the kernel drops it from its groups too
        yield* Nexthop.remove(listed[1]!)
        expect((yield* Nexthop.get(10)).group).toEqual([{ id: 1 }])
        expect(ipJson<Array<any>>(ns, "nexthop", "show", "id", "10")[0].group).toEqual([{ id: 1 }])
      })
    )
  )

  it.live("encapsulated nexthops (ip, ip6) read back as written and as ip -d -j shows them", () =>
    withNs((ns) =>
      Effect.gen(function* () {
        const ip4: Nexthop.Nexthop = {
          id: 8,
          dev: "d0",
          encap: {
            type: "ip",
            id: 100n,
            dst: "10.9.9.9",
            src: "10.1.2.3",
            tos: 4,
            ttl: 9,
            key: true,
            csum: true
          }
        }
        const ip6: Nexthop.Nexthop = {
          id: 9,
          family: "inet6",
          dev: "d0",
          encap: { type: "ip6", id: 7n, dst: "2001:db8::9", hoplimit: 3, tc: 1 }
        }
        yield* Nexthop.add(ip4)
        yield* Nexthop.add(ip6)
        const [a, b] = yield* Nexthop.list()
        expect(a!.encap).toEqual(ip4.encap)
        expect(b!.encap).toEqual(ip6.encap)
        expect(Nexthop.equals(a!, ip4) && Nexthop.equals(b!, ip6)).toBe(true)
        const shown = ipJson<Array<any>>(ns, "-d", "nexthop", "show")
        expect(shown[0]).toMatchObject({
          encap: "ip",
          id: 100,
          src: "10.1.2.3",
          dst: "10.9.9.9",
          ttl: 9,
          tos: 4,
          key: true,
          csum: true
        })
        expect(shown[1]).toMatchObject({ encap: "ip6", id: 7, dst: "2001:db8::9", hoplimit: 3, tc: 1 })
        // a route through the encapsulating nexthop
        yield* Route.add({ destination: "10.40.0.0/16", nexthopId: 8 })
        expect(ip(ns, "-d", "route", "show", "10.40.0.0/16")).toContain("nhid 8")
      })
    )
  )

  it.live("list filters: dev, groups, fdb, master, protocol", () =>
    withNs((ns) =>
      Effect.gen(function* () {
        ip(ns, "link", "add", "br0", "type", "bridge")
        ip(ns, "link", "add", "d2", "type", "veth", "peer", "name", "d3")
        ip(ns, "link", "set", "d2", "master", "br0")
        ip(ns, "link", "set", "d2", "up")
        ip(ns, "link", "set", "d3", "up")
        ip(ns, "link", "set", "br0", "up")
        yield* Nexthop.add({ id: 1, gateway: "10.1.2.1", dev: "d0", protocol: "static" })
        yield* Nexthop.add({ id: 2, dev: "d1" })
        yield* Nexthop.add({ id: 3, dev: "d2", protocol: "static" })
        yield* Nexthop.add({ id: 4, gateway: "10.1.2.4", fdb: true })
        yield* Nexthop.add({ id: 10, group: [{ id: 1 }] })
        yield* Nexthop.add({ id: 11, group: [{ id: 4 }], fdb: true })
        const ids = (xs: ReadonlyArray<Nexthop.Nexthop>) => xs.map((x) => x.id)
        expect(ids(yield* Nexthop.list({ dev: "d0" }))).toEqual([1])
        expect(ids(yield* Nexthop.list({ groups: true }))).toEqual([10, 11])
        // the kernel ignores NHA_FDB in a dump (ip shows every nexthop): applied here too
        expect(ids(yield* Nexthop.list({ fdb: true }))).toEqual([4, 11])
        expect(ids(yield* Nexthop.list({ master: "br0" }))).toEqual([3])
        expect(ids(yield* Nexthop.list({ protocol: "static" }))).toEqual([1, 3])
        // as ip filters
        for (const [args, f] of [
          [["dev", "d0"], { dev: "d0" }],
          [["groups"], { groups: true }],
          [["master", "br0"], { master: "br0" }]
        ] as const)
          expect(ids(yield* Nexthop.list(f))).toEqual(
            ipJson<Array<any>>(ns, "nexthop", "show", ...args).map((x) => x.id)
          )
        // flush by protocol, then by device
        expect(yield* Nexthop.flush({ protocol: "static" })).toBe(2)
        // group 10 lost its only member: the kernel removed it
        expect(ids(yield* Nexthop.list())).toEqual([2, 4, 11])
        expect(yield* Nexthop.flush({ dev: "d1" })).toBe(1)
        expect(ids(yield* Nexthop.list())).toEqual([4, 11])
        expect(yield* Nexthop.flush()).toBe(2)
        expect(ipJson(ns, "nexthop", "show")).toEqual([])
      })
    )
  )

  it.live("resilient buckets: dump, filters and per-bucket get as ip shows them", () =>
    withNs((ns) =>
      Effect.gen(function* () {
        yield* Nexthop.add({ id: 1, gateway: "10.1.2.1", dev: "d0" })
        yield* Nexthop.add({ id: 2, gateway: "10.1.2.2", dev: "d0" })
        yield* Nexthop.add({
          id: 11,
          group: [{ id: 1 }, { id: 2, weight: 3 }],
          type: "resilient",
          resilient: { buckets: 8 }
        })
        const all = yield* Nexthop.buckets({ id: 11 })
        expect(all.map((b) => b.index)).toEqual([0, 1, 2, 3, 4, 5, 6, 7])
        const theirs = ipJson<Array<any>>(ns, "nexthop", "bucket", "show", "id", "11")
        expect(all.map((b) => [b.id, b.index, b.nexthop])).toEqual(
          theirs.map((x) => [x.id, x.bucket.index, x.bucket.nhid])
        )
        // weights 1:3 over 8 buckets
        expect(all.filter((b) => b.nexthop === 1)).toHaveLength(2)
        expect((yield* Nexthop.buckets({ id: 11, nexthop: 2 })).map((b) => b.index)).toEqual(
          all.filter((b) => b.nexthop === 2).map((b) => b.index)
        )
        expect(yield* Nexthop.buckets({ dev: "d1" })).toEqual([])
        const one = yield* Nexthop.getBucket(11, 3)
        expect([one.id, one.index, one.nexthop]).toEqual([11, 3, all[3]!.nexthop])
        expect(typeof one.status.idleTime).toBe("number")
        const err = yield* Effect.flip(Nexthop.getBucket(11, 8))
        expect(err.reason._tag).toBe("Kernel")
      })
    )
  )

  it.live("group statistics count the packets routed through each member", () =>
    withNs((ns) =>
      Effect.gen(function* () {
        yield* Nexthop.add({ id: 1, gateway: "10.1.2.1", dev: "d0" })
        yield* Nexthop.add({ id: 2, gateway: "10.1.2.2", dev: "d0" })
        yield* Nexthop.add({ id: 10, group: [{ id: 1 }, { id: 2 }] })
        yield* Route.add({ destination: "10.20.0.0/16", nexthopId: 10 })
        const [before] = yield* Nexthop.list({ groups: true }, { stats: true })
        expect(before!.status?.groupStats).toEqual([
          { id: 1, packets: 0n },
          { id: 2, packets: 0n }
        ])
        // UDP datagrams to the group's destinations: each is routed through a member
        // (no neighbour answers; the route lookup counts the packet all the same)
        const send = `const s=require("node:dgram").createSocket("udp4");let n=0;const go=()=>{if(n===20)return s.close();s.send("x",9,"10.20.0."+(++n),go)};go()`
        const r = spawnSync("ip", ["netns", "exec", ns, process.execPath, "-e", send], { encoding: "utf8" })
        expect(r.status, r.stderr).toBe(0)
        const [after] = yield* Nexthop.list({ groups: true }, { stats: true })
        const stats = after!.status!.groupStats!
        expect(stats.map((x) => x.id)).toEqual([1, 2])
        expect(stats[0]!.packets + stats[1]!.packets).toBeGreaterThan(0n)
        // without stats, none asked for and none reported
        expect((yield* Nexthop.get(10)).status?.groupStats).toBeUndefined()
        expect((yield* Nexthop.get(10, { stats: true })).status?.groupStats?.[0]?.id).toBe(1)
      })
    )
  )

  it.live("routes using a nexthop object: add, list equal, replace the nexthop, remove", () =>
    withNs((ns) =>
      Effect.gen(function* () {
        yield* Nexthop.add({ id: 1, gateway: "10.1.2.1", dev: "d0" })
        yield* Nexthop.add({ id: 2, gateway: "10.1.2.2", dev: "d0" })
        yield* Nexthop.add({ id: 10, group: [{ id: 1 }, { id: 2 }] })
        yield* Nexthop.add({ id: 6, gateway: "2001:db8::6", dev: "d0" })
        yield* Route.add({ destination: "10.30.0.0/16", nexthopId: 10 })
        yield* Route.add({ destination: "10.31.0.0/16", nexthopId: 1, table: 100 })
        yield* Route.add({ destination: "2001:db8:6::/48", nexthopId: 6 })
        const routes = yield* Route.list({ table: "all" })
        const mine = routes.filter((r) => r.nexthopId !== undefined)
        expect(mine).toHaveLength(3)
        expect(
          Route.equals(mine.find((r) => r.destination === "10.30.0.0/16")!, {
            destination: "10.30.0.0/16",
            nexthopId: 10
          })
        ).toBe(true)
        expect(ip(ns, "route", "show", "10.30.0.0/16").trim()).toContain("nhid 10")
        // replacing the nexthop moves the route with it
        yield* Nexthop.replace({ id: 1, gateway: "10.1.2.9", dev: "d0" })
        expect(ip(ns, "route", "show", "table", "100").trim()).toContain("via 10.1.2.9")
        // removing the nexthop removes its routes
        yield* Nexthop.remove({ id: 6 })
        expect((yield* Route.list({ family: "inet6" })).filter((r) => r.nexthopId !== undefined)).toEqual([])
      })
    )
  )

  it.live("bad input is a Validation error naming the field; nothing is sent", () =>
    withNs(() =>
      Effect.gen(function* () {
        const bad: ReadonlyArray<readonly [Nexthop.Nexthop, string]> = [
          [{ id: 1, group: [{ id: 2 }], gateway: "10.1.2.1" }, "gateway"],
          [{ id: 1, group: [{ id: 2 }, { id: 2 }] }, "group[1].id"],
          [{ id: 1, group: [{ id: 2, weight: 0 }] }, "group[0].weight"],
          [{ id: 1, blackhole: true, dev: "d0" }, "dev"],
          [{ id: 1, fdb: true, dev: "d0", gateway: "10.1.2.1" }, "dev"],
          [{ id: 1, gateway: "10.1.2.1" }, "dev"],
          [{ id: 1, gateway: "10.1.2.1", dev: "d0", family: "inet6" }, "gateway"],
          [{ id: 1, dev: "d0", type: "resilient" }, "type"],
          [{ id: 0, dev: "d0" }, "id"],
          [{ id: 1, group: [{ id: 2 }], resilient: { buckets: 4 } }, "resilient"]
        ]
        for (const [input, field] of bad) {
          const e = yield* Effect.flip(Nexthop.add(input))
          expect(e.reason._tag, JSON.stringify(input)).toBe("Validation")
          expect((e.reason as any).path, JSON.stringify(input)).toBe(field)
        }
        expect((yield* Effect.flip(Nexthop.remove({}))).reason._tag).toBe("Validation")
        expect(yield* Nexthop.list()).toEqual([])
      })
    )
  )
})
