/**
 * The MDB model against the host kernel: arbitrary IPv4, IPv6 and L2 group memberships,
 * (S, G) entries, IGMPv3/MLDv2 filter modes with source lists, permanent and temporary,
 * added on a bridge port, list back equal; a listed entry removes exactly itself and
 * recreates itself; `bridge -j mdb show` sees what we list; get finds one group.
 */
import { execFileSync } from "node:child_process"
import { expect, it } from "@effect/vitest"
import { Effect, Layer, Schema } from "effect"
import fc from "fast-check"
import * as Mdb from "../../src/api/Mdb.ts"
import { Netlink } from "../../src/api/Netlink.ts"
import { describeRoot, freshNamespace, ip } from "../helpers/netns.ts"
import { testTimeout } from "../helpers/timing.ts"

const opt = <A>(a: fc.Arbitrary<A>) => fc.option(a, { nil: undefined })
const strip = <A extends object>(o: A): A =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as A
const byte = fc.integer({ min: 0, max: 255 })
const hex = (n: number) => n.toString(16)

const g4 = fc.tuple(byte, byte, fc.integer({ min: 1, max: 254 })).map(([a, b, c]) => `239.${a}.${b}.${c}`)
const s4 = fc.tuple(byte, fc.integer({ min: 1, max: 254 })).map(([a, b]) => `10.0.${a}.${b}`)
const g6 = fc.integer({ min: 1, max: 0xffff }).map((x) => `ff0e::${hex(x)}`)
const s6 = fc.integer({ min: 1, max: 0xffff }).map((x) => `2001:db8::${hex(x)}`)
const l2 = fc
  .tuple(byte, byte)
  .map(([a, b]) => `01:00:5e:01:${hex(a).padStart(2, "0")}:${hex(b).padStart(2, "0")}`)
const state = opt(fc.constantFrom("permanent" as const, "temp" as const))

const ipEntry = (group: fc.Arbitrary<string>, source: fc.Arbitrary<string>) =>
  fc.oneof(
    // (*, G), optionally with an IGMPv3/MLDv2 filter
    fc
      .record({
        group,
        state,
        filter: opt(
          // the kernel refuses INCLUDE with no source
          fc.oneof(
            fc.record({
              mode: fc.constant("include" as const),
              sources: fc.uniqueArray(source, { minLength: 1, maxLength: 3 })
            }),
            fc.record({
              mode: fc.constant("exclude" as const),
              sources: fc.uniqueArray(source, { maxLength: 3 })
            })
          )
        )
      })
      .map(({ group, state, filter }) =>
        strip({
          dev: "br0",
          port: "d0",
          group,
          state: filter === undefined ? state : "permanent",
          filterMode: filter?.mode,
          sources: filter === undefined || filter.sources.length === 0 ? undefined : filter.sources
        })
      ),
    // (S, G)
    fc.record({ group, source, state }).map((r) => strip({ dev: "br0", port: "d0", ...r }))
  )
const entry: fc.Arbitrary<Mdb.Mdb> = fc.oneof(
  ipEntry(g4, s4),
  ipEntry(g6, s6),
  // the kernel takes permanent L2 entries only
  l2.map((group) => ({ dev: "br0", port: "d0", group, state: "permanent" as const }))
)

const setup = (ns: string) => {
  ip(
    ns,
    "link",
    "add",
    "br0",
    "type",
    "bridge",
    "mcast_snooping",
    "1",
    "mcast_igmp_version",
    "3",
    "mcast_mld_version",
    "2"
  )
  ip(ns, "link", "add", "d0", "type", "veth", "peer", "name", "d1")
  ip(ns, "link", "set", "d0", "master", "br0")
  // no IPv6 link-local addresses: no MLD reports make the bridge learn groups by itself
  for (const d of ["br0", "d0", "d1"]) ip(ns, "link", "set", d, "addrgenmode", "none")
  for (const d of ["br0", "d0", "d1"]) ip(ns, "link", "set", d, "up")
}

const inBridgeNs = <A, E>(f: (ns: string) => Effect.Effect<A, E, Netlink>) =>
  Effect.scoped(
    Effect.gen(function* () {
      const ns = yield* freshNamespace("mdb")
      setup(ns)
      return yield* f(ns).pipe(Effect.provide(Layer.fresh(Netlink.layerNamespace({ name: ns }))))
    })
  )

// the host's own joins (port br0) come and go with IPv6 autoconf: compare the port's entries
const onPort = (xs: ReadonlyArray<Mdb.Mdb>) =>
  xs
    .filter((m) => m.port === "d0")
    .map((m) => Mdb.key(m))
    .sort()

const roundTrip = (input: Mdb.Mdb) =>
  inBridgeNs(() =>
    Effect.gen(function* () {
      const before = yield* Mdb.list({ dev: "br0" })
      yield* Mdb.add(input)
      const added = (yield* Mdb.list({ dev: "br0" })).filter((m) => Mdb.key(m) === Mdb.key(input))
      expect(added, JSON.stringify(input)).toHaveLength(1)
      const [listed] = added
      expect(Mdb.canonical(listed), JSON.stringify(input)).toEqual(Mdb.canonical(input))
      expect(Mdb.equals(listed, input)).toBe(true)
      const json = Schema.decodeUnknownSync(Mdb.schema)(JSON.parse(JSON.stringify(listed)))
      expect(Mdb.equals(json, listed)).toBe(true)
      yield* Mdb.remove(listed)
      expect(onPort(yield* Mdb.list({ dev: "br0" }))).toEqual(onPort(before))
      yield* Mdb.add(listed)
      const again = (yield* Mdb.list({ dev: "br0" })).filter((m) => Mdb.key(m) === Mdb.key(listed))
      expect(again).toHaveLength(1)
      expect(Mdb.equals(again[0], listed)).toBe(true)
    })
  )

const bridgeJson = (ns: string, ...args: Array<string>): any =>
  JSON.parse(execFileSync("bridge", ["-n", ns, "-j", ...args], { encoding: "utf8" }) || "[]")

describeRoot("Mdb", () => {
  it(
    "arbitrary entries: add → list equals; remove(listed) restores; add(listed) recreates",
    async () => {
      await fc.assert(
        fc.asyncProperty(entry, (m) => Effect.runPromise(roundTrip(m))),
        { numRuns: Number(process.env.NLINK_PROPERTY_RUNS ?? 25) }
      )
    },
    testTimeout(120_000)
  )

  it.live("lists what bridge mdb show shows; get; replace; errors", () =>
    inBridgeNs((ns) =>
      Effect.gen(function* () {
        yield* Mdb.add({ dev: "br0", port: "d0", group: "239.1.1.1", state: "permanent" })
        yield* Mdb.add({ dev: "br0", port: "d0", group: "239.1.1.2", source: "10.0.0.1", state: "permanent" })
        yield* Mdb.add({ dev: "br0", port: "d0", group: "01:00:5e:01:02:03", state: "permanent" })
        const listed = (yield* Mdb.list({ dev: "br0", port: "d0" }))
          .map((m) => `${m.group} ${m.source ?? ""} ${m.state}`)
          .sort()
        const shown = (bridgeJson(ns, "mdb", "show")[0].mdb as Array<any>)
          .filter((m) => m.port === "d0")
          .map((m) => `${m.grp} ${m.src ?? ""} ${m.state}`)
          .sort()
        expect(listed).toEqual(shown)
        expect(listed).toContain("239.1.1.1  permanent")
        const got = yield* Mdb.get({ dev: "br0", group: "239.1.1.1" })
        expect(got.map((m) => Mdb.canonical(m))).toEqual([
          {
            dev: "br0",
            port: "d0",
            group: "239.1.1.1",
            state: "permanent",
            filterMode: "exclude",
            protocol: "static"
          }
        ])
        yield* Mdb.replace({
          dev: "br0",
          port: "d0",
          group: "239.1.1.1",
          state: "permanent",
          filterMode: "include",
          sources: ["10.0.0.7"]
        })
        const [r] = (yield* Mdb.list({ dev: "br0" })).filter(
          (m) => m.group === "239.1.1.1" && m.source === undefined && m.port === "d0"
        )
        expect(r).toMatchObject({ filterMode: "include", sources: ["10.0.0.7"] })
        const again = yield* Effect.flip(
          Mdb.add({ dev: "br0", port: "d0", group: "01:00:5e:01:02:03", state: "permanent" })
        )
        expect(again.reason).toMatchObject({ _tag: "Kernel", code: "EEXIST" })
        const bad = yield* Effect.flip(
          Mdb.add({ dev: "br0", port: "d0", group: "239.1.1.9", source: "2001:db8::1" })
        )
        expect(bad.reason).toMatchObject({ _tag: "Validation", path: "source" })
        const badGroup = yield* Effect.flip(Mdb.add({ dev: "br0", port: "d0", group: "nope" }))
        expect(badGroup.reason).toMatchObject({ _tag: "Validation", path: "group" })
      })
    )
  )

  it("canonical, equals and key", () => {
    expect(
      Mdb.canonical({ dev: "br0", port: "d0", group: "FF0E::1", sources: ["2001:DB8::2", "2001:db8::1"] })
    ).toEqual({
      dev: "br0",
      port: "d0",
      group: "ff0e::1",
      state: "temp",
      filterMode: "exclude",
      sources: ["2001:db8::1", "2001:db8::2"],
      protocol: "static"
    })
    expect(Mdb.key({ dev: "br0", port: "d0", group: "239.1.1.1", vid: 5 })).toBe("br0|d0|239.1.1.1||5")
    expect(Mdb.model.name).toBe("mdb")
  })
})
