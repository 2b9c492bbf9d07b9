/**
 * The bridge FDB model against the host kernel: arbitrary valid entries on a
 * bridge port, on the bridge itself and on a VXLAN device list back equal; a
 * listed entry removes exactly itself and recreates itself; VXLAN remotes
 * append and remove one by one; bulk flush removes what its filter says;
 * `bridge -j fdb show` sees what we list.
 */
import { execFileSync } from "node:child_process"
import { expect, it } from "@effect/vitest"
import { Effect, Layer, Schema } from "effect"
import fc from "fast-check"
import * as Fdb from "../../src/api/Fdb.ts"
import { Netlink } from "../../src/api/Netlink.ts"
import { describeRoot, freshNamespace, fullKernel, ip } from "../helpers/netns.ts"

const opt = <A>(a: fc.Arbitrary<A>) => fc.option(a, { nil: undefined })
const octet = fc.integer({ min: 0, max: 255 })
const strip = <A extends object>(o: A): A =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as A
const mac = fc.array(octet, { minLength: 5, maxLength: 5 }).chain((b) =>
  fc.boolean().map((upper) => {
    const s = ["02", ...b.map((x) => x.toString(16).padStart(2, "0"))].join(":")
    return upper ? s.toUpperCase() : s
  })
)
const v4 = fc.tuple(octet, octet, fc.integer({ min: 1, max: 254 })).map(([b, c, d]) => `10.${b}.${c}.${d}`)

// What the bridge accepts from user space: local, static (optionally sticky),
// or a dynamic entry learned by an external control plane.
const bridgePort: fc.Arbitrary<Fdb.Fdb> = fc.oneof(
  mac.map((m) => ({ mac: m, dev: "d0", master: true, state: "permanent" as const })),
  fc.record({ m: mac, sticky: fc.boolean() }).map(({ m, sticky }) =>
    strip({
      mac: m,
      dev: "d0",
      master: true,
      state: "static" as const,
      flags: sticky ? (["sticky"] as const) : undefined
    })
  ),
  mac.map((m) => ({
    mac: m,
    dev: "d0",
    master: true,
    state: "dynamic" as const,
    flags: ["externLearn" as const]
  }))
)
const bridgeSelf: fc.Arbitrary<Fdb.Fdb> = mac.map((m) => ({ mac: m, dev: "br0", self: true }))
// vx0 has VNI 42 and port 4789: the kernel reports port and vni only when they differ
const vxlan: fc.Arbitrary<Fdb.Fdb> = fc
  .record({
    m: mac,
    dst: v4,
    port: opt(fc.integer({ min: 1, max: 65535 }).filter((p) => p !== 4789)),
    vni: opt(fc.integer({ min: 0, max: 0xffffff }).filter((v) => v !== 42)),
    via: opt(fc.constant("d1")),
    state: opt(fc.constantFrom("permanent" as const, "static" as const, "dynamic" as const)),
    router: fc.boolean(),
    externLearn: fc.boolean()
  })
  .map(({ m, router, externLearn, ...rest }) => {
    const flags = [
      ...(externLearn ? (["externLearn"] as const) : []),
      ...(router ? (["router"] as const) : [])
    ]
    return strip({ mac: m, dev: "vx0", ...rest, flags: flags.length > 0 ? flags : undefined })
  })

const setup = (ns: string) => {
  ip(ns, "link", "add", "br0", "type", "bridge")
  ip(ns, "link", "add", "d0", "type", "veth", "peer", "name", "d1")
  ip(ns, "link", "set", "d0", "master", "br0")
  // no learning: the FDB holds only what the tests put in it
  ip(ns, "link", "set", "d0", "type", "bridge_slave", "learning", "off")
  ip(
    ns,
    "link",
    "add",
    "vx0",
    "type",
    "vxlan",
    "id",
    "42",
    "dstport",
    "4789",
    "local",
    "10.0.0.1",
    "nolearning"
  )
  for (const d of ["br0", "d0", "d1", "vx0"]) ip(ns, "link", "set", d, "up")
}

const inBridgeNs = <A, E>(f: (ns: string) => Effect.Effect<A, E, Netlink>) =>
  Effect.scoped(
    Effect.gen(function* () {
      const ns = yield* freshNamespace("fdb")
      setup(ns)
      return yield* f(ns).pipe(Effect.provide(Layer.fresh(Netlink.layerNamespace({ name: ns }))))
    })
  )

// IPv6 multicast joins add `self` entries to address lists by themselves: compare the rest.
const settled = (xs: ReadonlyArray<Fdb.Fdb>) =>
  xs.filter((e) => !/^(33:33|01:00:5e)/.test(e.mac)).map((e) => Fdb.key(e))

const roundTrip = (input: Fdb.Fdb) =>
  inBridgeNs(() =>
    Effect.gen(function* () {
      const before = yield* Fdb.list()
      yield* Fdb.add(input)
      const added = (yield* Fdb.list()).filter((e) => Fdb.key(e) === Fdb.key(input))
      expect(added, JSON.stringify(input)).toHaveLength(1)
      const [listed] = added
      expect(Fdb.canonical(listed), JSON.stringify(input)).toEqual(Fdb.canonical(input))
      expect(Fdb.equals(listed, input)).toBe(true)
      const json = Schema.decodeUnknownSync(Fdb.schema)(JSON.parse(JSON.stringify(listed)))
      expect(Fdb.equals(json, listed)).toBe(true)
      yield* Fdb.remove(listed)
      expect(settled(yield* Fdb.list())).toEqual(settled(before))
      yield* Fdb.add(listed)
      const again = (yield* Fdb.list()).filter((e) => Fdb.key(e) === Fdb.key(listed))
      expect(again).toHaveLength(1)
      expect(Fdb.equals(again[0], listed)).toBe(true)
    })
  )

const bridgeJson = (ns: string, ...args: Array<string>): Array<any> =>
  JSON.parse(execFileSync("bridge", ["-n", ns, "-j", "fdb", "show", ...args], { encoding: "utf8" }) || "[]")

/**
 * The VLANs of a bridge port. A bridge built with VLAN support gives every
 * port its default PVID (1) even without VLAN filtering (the lane's kernels;
 * the host's bridge has none): a bridge entry added there without a VLAN is
 * added once without one and once per port VLAN, each its own entry.
 */
const portVlans = (ns: string, dev: string): Array<number> =>
  (
    JSON.parse(
      execFileSync("bridge", ["-n", ns, "-j", "vlan", "show", "dev", dev], { encoding: "utf8" }) || "[]"
    ) as Array<{
      vlans?: Array<{ vlan: number }>
    }>
  ).flatMap((p) => (p.vlans ?? []).map((v) => v.vlan))

/** An entry and its per-VLAN copies, as "mac@vlan" (0: no VLAN). */
const copies = (mac: string, vlans: ReadonlyArray<number>): Array<string> =>
  [0, ...vlans].map((v) => `${mac}@${v}`)
const at = (e: { mac: string; vlan?: number | undefined }) => `${e.mac}@${e.vlan ?? 0}`

describeRoot("Fdb", () => {
  it(
    "arbitrary entries: add → list equals; remove(listed) restores; add(listed) recreates",
    async () => {
      await fc.assert(
        fc.asyncProperty(fc.oneof(bridgePort, bridgeSelf, vxlan), (e) => Effect.runPromise(roundTrip(e))),
        { numRuns: Number(process.env.NLINK_PROPERTY_RUNS ?? 30) }
      )
      // a namespace per run: minutes under the full-kernel lane's emulation
    },
    fullKernel ? 600_000 : 120_000
  )

  it.live("lists what bridge shows, with filters by bridge, device and state", () =>
    inBridgeNs((ns) =>
      Effect.gen(function* () {
        yield* Fdb.add({
          mac: "02:00:00:00:00:01",
          dev: "d0",
          master: true,
          state: "static",
          flags: ["sticky"]
        })
        yield* Fdb.add({ mac: "02:00:00:00:00:02", dev: "d0", master: true })
        yield* Fdb.add({
          mac: "02:00:00:00:00:03",
          dev: "vx0",
          dst: "10.0.0.5",
          vni: 7,
          port: 4790,
          via: "d1"
        })
        const shown = bridgeJson(ns)
        const listed = yield* Fdb.list()
        // devices join multicast groups by themselves
        const configured = (mac: string, state: string) =>
          state !== "dynamic" && state !== "" && !/^(33:33|01:00:5e)/.test(mac)
        expect(
          listed
            .filter((e) => configured(e.mac, e.state!))
            .map((e) => `${at(e)} ${e.dev} ${e.state}`)
            .sort()
        ).toEqual(
          shown
            .filter((e) => configured(e.mac, e.state))
            .map((e) => `${at(e)} ${e.ifname} ${e.state}`)
            .sort()
        )
        const vlans = portVlans(ns, "d0")
        // the kernel's per-VLAN copies of an entry given without a VLAN, each listed once
        expect(
          listed
            .filter((e) => e.mac === "02:00:00:00:00:01")
            .map(at)
            .sort()
        ).toEqual(copies("02:00:00:00:00:01", vlans).sort())
        const sticky = listed.find((e) => e.mac === "02:00:00:00:00:01" && e.vlan === undefined)!
        expect(sticky).toMatchObject({ dev: "d0", master: true, state: "static", flags: ["sticky"] })
        expect(sticky.status?.master).toBe("br0")
        expect(shown.find((e) => e.mac === "02:00:00:00:00:01" && e.vlan === undefined)).toMatchObject({
          master: "br0",
          state: "static",
          flags: ["sticky"]
        })
        const remote = listed.find((e) => e.mac === "02:00:00:00:00:03")!
        expect(remote).toMatchObject({
          dev: "vx0",
          self: true,
          dst: "10.0.0.5",
          vni: 7,
          port: 4790,
          via: "d1"
        })
        expect(shown.find((e) => e.mac === "02:00:00:00:00:03")).toMatchObject({
          dst: "10.0.0.5",
          vni: 7,
          port: 4790,
          viaIf: "d1"
        })
        // filters: the bridge's entries, one device's, by state
        const ofBridge = yield* Fdb.list({ master: "br0" })
        expect(
          ofBridge
            .filter((e) => configured(e.mac, e.state!))
            .map(at)
            .sort()
        ).toEqual(
          bridgeJson(ns, "br", "br0")
            .filter((e) => configured(e.mac, e.state))
            .map(at)
            .sort()
        )
        expect(ofBridge.some((e) => e.dev === "vx0")).toBe(false)
        const ofVx = yield* Fdb.list({ dev: "vx0" })
        expect(ofVx.map((e) => e.mac)).toEqual(["02:00:00:00:00:03"])
        const statics = yield* Fdb.list({ master: "br0", state: "static" })
        expect(statics.map(at).sort()).toEqual(copies("02:00:00:00:00:01", vlans).sort())
        // the raw messages are there too
        const raw = yield* Fdb.listRaw({ dev: "vx0" })
        expect(raw).toHaveLength(1)
        expect(raw[0]).toMatchObject({ family: 7, lladdr: "02:00:00:00:00:03", dst: "10.0.0.5", vni: 7 })
      })
    )
  )

  it.live("VXLAN remotes: append adds one, remove(listed) removes exactly that one; replace", () =>
    inBridgeNs(() =>
      Effect.gen(function* () {
        const zero = "00:00:00:00:00:00"
        yield* Fdb.add({ mac: zero, dev: "vx0", dst: "10.0.0.2" })
        yield* Fdb.append({ mac: zero, dev: "vx0", dst: "10.0.0.3" })
        yield* Fdb.append({ mac: zero, dev: "vx0", dst: "10.0.0.4", vni: 9 })
        const remotes = (yield* Fdb.list({ dev: "vx0" })).filter((e) => e.mac === zero)
        expect(remotes.map((e) => e.dst).sort()).toEqual(["10.0.0.2", "10.0.0.3", "10.0.0.4"])
        yield* Fdb.remove(remotes.find((e) => e.dst === "10.0.0.3")!)
        const left = (yield* Fdb.list({ dev: "vx0" })).filter((e) => e.mac === zero)
        expect(left.map((e) => e.dst).sort()).toEqual(["10.0.0.2", "10.0.0.4"])
        expect(left.find((e) => e.dst === "10.0.0.4")?.vni).toBe(9)
        // a second add of the same entry is EEXIST; replace moves a bridge entry to another state
        yield* Fdb.add({ mac: "02:00:00:00:00:09", dev: "d0", master: true })
        const again = yield* Effect.flip(Fdb.add({ mac: "02:00:00:00:00:09", dev: "d0", master: true }))
        expect(again.reason).toMatchObject({ _tag: "Kernel", code: "EEXIST" })
        yield* Fdb.replace({ mac: "02:00:00:00:00:09", dev: "d0", master: true, state: "static" })
        const [replaced] = (yield* Fdb.list({ dev: "d0" })).filter((e) => e.mac === "02:00:00:00:00:09")
        expect(replaced.state).toBe("static")
        const gone = yield* Effect.flip(Fdb.remove({ mac: "02:00:00:00:00:77", dev: "d0", master: true }))
        expect(gone.reason).toMatchObject({ _tag: "Kernel", code: "ENOENT" })
      })
    )
  )

  it.live("flush removes exactly what its filter selects", () =>
    inBridgeNs((ns) =>
      Effect.gen(function* () {
        yield* Fdb.add({ mac: "02:00:00:00:00:01", dev: "d0", master: true, state: "static" })
        yield* Fdb.add({
          mac: "02:00:00:00:00:02",
          dev: "d0",
          master: true,
          state: "static",
          flags: ["sticky"]
        })
        yield* Fdb.add({
          mac: "02:00:00:00:00:03",
          dev: "d0",
          master: true,
          state: "dynamic",
          flags: ["externLearn"]
        })
        yield* Fdb.add({ mac: "02:00:00:00:00:04", dev: "d0", master: true })
        const ours = (xs: ReadonlyArray<Fdb.Fdb>) =>
          xs
            .filter((e) => e.master === true && e.mac.startsWith("02:00:00:00:00:"))
            .map(at)
            .sort()
        const vlans = portVlans(ns, "d0")
        const expected = (...macs: Array<string>) => macs.flatMap((m) => copies(m, vlans)).sort()
        // sticky static entries only
        yield* Fdb.flush({ dev: "br0", sticky: true, static: true })
        expect(ours(yield* Fdb.list({ dev: "d0" }))).toEqual(
          expected("02:00:00:00:00:01", "02:00:00:00:00:03", "02:00:00:00:00:04")
        )
        // the dynamic ones of port d0, through the bridge
        yield* Fdb.flush({ dev: "br0", port: "d0", dynamic: true })
        expect(ours(yield* Fdb.list({ dev: "d0" }))).toEqual(
          expected("02:00:00:00:00:01", "02:00:00:00:00:04")
        )
        // a port's entries are the master's: everything but permanent (local) ones
        const notMaster = yield* Effect.flip(Fdb.flush({ dev: "d0", permanent: false }))
        expect(notMaster.reason).toMatchObject({ _tag: "Kernel", code: "EOPNOTSUPP" })
        yield* Fdb.flush({ dev: "d0", master: true, permanent: false })
        expect(ours(yield* Fdb.list({ dev: "d0" }))).toEqual(expected("02:00:00:00:00:04"))
      })
    )
  )

  it.live("bad input fails with a Validation error naming the field; nothing is sent", () =>
    inBridgeNs(() =>
      Effect.gen(function* () {
        const bad = yield* Effect.flip(Fdb.add({ mac: "02:00:00:00:00", dev: "d0" }))
        expect(bad.reason).toMatchObject({ _tag: "Validation", path: "mac" })
        const vlan = yield* Effect.flip(Fdb.add({ mac: "02:00:00:00:00:01", dev: "d0", vlan: 4095 }))
        expect(vlan.reason).toMatchObject({ _tag: "Validation", path: "vlan" })
        const nh = yield* Effect.flip(
          Fdb.add({ mac: "02:00:00:00:00:01", dev: "vx0", nhid: 1, dst: "10.0.0.1" })
        )
        expect(nh.reason).toMatchObject({ _tag: "Validation", path: "nhid" })
        const state = yield* Effect.flip(Fdb.list({ state: "stale" as any }))
        expect(state.reason).toMatchObject({ _tag: "Validation", path: "state" })
        expect((yield* Fdb.list()).some((e) => e.mac === "02:00:00:00:00:01")).toBe(false)
      })
    )
  )

  it("canonical, equals and key", () => {
    expect(
      Fdb.canonical({ mac: "02:AB:00:00:00:01", dev: "vx0", dst: "2001:DB8::1", flags: ["use", "router"] })
    ).toEqual({
      mac: "02:ab:00:00:00:01",
      dev: "vx0",
      self: true,
      state: "permanent",
      flags: ["router"],
      dst: "2001:db8::1"
    })
    expect(
      Fdb.equals(
        { mac: "02:00:00:00:00:01", dev: "d0", master: true, state: "static" },
        {
          mac: "02:00:00:00:00:01",
          dev: "d0",
          master: true,
          state: "static",
          status: { index: 3, state: "noarp", flags: [] }
        }
      )
    ).toBe(true)
    expect(
      Fdb.equals(
        { mac: "02:00:00:00:00:01", dev: "d0", master: true },
        { mac: "02:00:00:00:00:01", dev: "d0" }
      )
    ).toBe(false)
    expect(Fdb.key({ mac: "02:00:00:00:00:01", dev: "d0", master: true, vlan: 10 })).toBe(
      "d0|02:00:00:00:00:01|10|master||||||"
    )
    expect(Fdb.key({ mac: "00:00:00:00:00:00", dev: "vx0", dst: "10.0.0.2" })).not.toBe(
      Fdb.key({ mac: "00:00:00:00:00:00", dev: "vx0", dst: "10.0.0.3" })
    )
    expect(Fdb.model.name).toBe("fdb")
  })
})
