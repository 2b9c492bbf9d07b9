/**
 * The bridge VLAN model against a full kernel (the host bridge has no VLAN filtering):
 * arbitrary VLANs and ranges on a port or the bridge itself, with flags, tunnel mappings and
 * per-VLAN state, list back equal; a listed entry removes exactly itself and recreates
 * itself; `bridge -j vlan show` agrees; statistics and global options read back.
 */
import { execFileSync } from "node:child_process"
import { expect, it } from "@effect/vitest"
import { Effect, Layer, Schema } from "effect"
import fc from "fast-check"
import * as BridgeVlan from "../../src/api/BridgeVlan.ts"
import { Netlink } from "../../src/api/Netlink.ts"
import { describeFullKernel, freshNamespace, ip } from "../helpers/netns.ts"
import { testTimeout } from "../helpers/timing.ts"

const opt = <A>(a: fc.Arbitrary<A>) => fc.option(a, { nil: undefined })
const strip = <A extends object>(o: A): A =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as A

const state = opt(fc.constantFrom("forwarding" as const, "blocking" as const, "learning" as const))

// a single VLAN may be the PVID; a range may not (the kernel refuses)
const portVlan: fc.Arbitrary<BridgeVlan.BridgeVlan> = fc
  .record({
    vid: fc.integer({ min: 2, max: 4000 }),
    span: fc.integer({ min: 0, max: 20 }),
    pvid: fc.boolean(),
    untagged: fc.boolean(),
    tunnel: opt(fc.integer({ min: 1, max: 0xffffff })),
    state
  })
  .map(({ vid, span, pvid, untagged, tunnel, state }) =>
    strip({
      dev: "d0",
      vid,
      vidEnd: span > 0 ? vid + span : undefined,
      pvid: span === 0 && pvid ? true : undefined,
      untagged: untagged ? true : undefined,
      tunnelId: tunnel,
      state
    })
  )
const bridgeVlan: fc.Arbitrary<BridgeVlan.BridgeVlan> = fc
  .record({ vid: fc.integer({ min: 2, max: 4000 }), untagged: fc.boolean() })
  .map(({ vid, untagged }) => strip({ dev: "br0", vid, self: true, untagged: untagged ? true : undefined }))

const setup = (ns: string) => {
  // no default PVID: the tables hold only what the tests put in them
  ip(ns, "link", "add", "br0", "type", "bridge", "vlan_filtering", "1", "vlan_default_pvid", "0")
  ip(ns, "link", "add", "d0", "type", "veth", "peer", "name", "d1")
  ip(ns, "link", "set", "d0", "master", "br0")
  ip(ns, "link", "set", "d0", "type", "bridge_slave", "vlan_tunnel", "on")
  for (const d of ["br0", "d0", "d1"]) ip(ns, "link", "set", d, "up")
}

const inBridgeNs = <A, E>(f: (ns: string) => Effect.Effect<A, E, Netlink>) =>
  Effect.scoped(
    Effect.gen(function* () {
      const ns = yield* freshNamespace("vlan")
      setup(ns)
      return yield* f(ns).pipe(Effect.provide(Layer.fresh(Netlink.layerNamespace({ name: ns }))))
    })
  )

const canon = (xs: ReadonlyArray<BridgeVlan.BridgeVlan>) => xs.map((v) => BridgeVlan.canonical(v))

const roundTrip = (input: BridgeVlan.BridgeVlan) =>
  inBridgeNs(() =>
    Effect.gen(function* () {
      const before = yield* BridgeVlan.list()
      yield* BridgeVlan.add(input)
      const added = (yield* BridgeVlan.list()).filter((v) => BridgeVlan.key(v) === BridgeVlan.key(input))
      expect(added, JSON.stringify(input)).toHaveLength(1)
      const [listed] = added
      expect(BridgeVlan.canonical(listed), JSON.stringify(input)).toEqual(BridgeVlan.canonical(input))
      expect(BridgeVlan.equals(listed, input)).toBe(true)
      const json = Schema.decodeUnknownSync(BridgeVlan.schema)(JSON.parse(JSON.stringify(listed)))
      expect(BridgeVlan.equals(json, listed)).toBe(true)
      yield* BridgeVlan.remove(listed)
      expect(canon(yield* BridgeVlan.list())).toEqual(canon(before))
      yield* BridgeVlan.add(listed)
      const again = (yield* BridgeVlan.list()).filter((v) => BridgeVlan.key(v) === BridgeVlan.key(listed))
      expect(again).toHaveLength(1)
      expect(BridgeVlan.equals(again[0], listed)).toBe(true)
    })
  )

const bridgeJson = (ns: string, ...args: Array<string>): Array<any> =>
  JSON.parse(execFileSync("bridge", ["-n", ns, "-j", ...args], { encoding: "utf8" }) || "[]")

describeFullKernel("BridgeVlan", () => {
  it("arbitrary VLANs: add → list equals; remove(listed) restores; add(listed) recreates", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof({ weight: 3, arbitrary: portVlan }, { weight: 1, arbitrary: bridgeVlan }),
        (v) => Effect.runPromise(roundTrip(v))
      ),
      { numRuns: Number(process.env.NLINK_PROPERTY_RUNS ?? 15) }
    )
  }, 600_000)

  it.live(
    "lists what bridge -j vlan show shows; ranges as ranges; stats per VLAN",
    () =>
      inBridgeNs((ns) =>
        Effect.gen(function* () {
          yield* BridgeVlan.add({ dev: "d0", vid: 10, pvid: true, untagged: true })
          yield* BridgeVlan.add({ dev: "d0", vid: 20, vidEnd: 30 })
          yield* BridgeVlan.add({ dev: "br0", vid: 10, self: true })
          const listed = yield* BridgeVlan.list()
          expect(canon(listed)).toEqual([
            { dev: "br0", vid: 10, self: true, state: "forwarding", mcastRouter: 1 },
            { dev: "d0", vid: 10, pvid: true, untagged: true, state: "forwarding", mcastRouter: 1 },
            { dev: "d0", vid: 20, vidEnd: 30, state: "forwarding", mcastRouter: 1 }
          ])
          const shown = bridgeJson(ns, "vlan", "show")
          // bridge -j vlan show (iproute2 6.1) lists each VLAN of a range by itself
          const expand = (vs: ReadonlyArray<BridgeVlan.BridgeVlan>, dev: string) =>
            vs
              .filter((v) => v.dev === dev)
              .flatMap((v) =>
                Array.from({ length: (v.vidEnd ?? v.vid) - v.vid + 1 }, (_, i) => {
                  const flags = [...(v.pvid ? ["PVID"] : []), ...(v.untagged ? ["Egress Untagged"] : [])]
                  return flags.length > 0 ? { vlan: v.vid + i, flags } : { vlan: v.vid + i }
                })
              )
          const shownVlans = (dev: string) =>
            (shown.find((p) => p.ifname === dev)?.vlans ?? []).flatMap((v: any) =>
              Array.from({ length: (v.vlanEnd ?? v.vlan) - v.vlan + 1 }, (_, i) => {
                const { vlanEnd: _e, ...rest } = v
                return { ...rest, vlan: v.vlan + i }
              })
            )
          expect(expand(listed, "d0")).toEqual(shownVlans("d0"))
          expect(expand(listed, "d0")).toHaveLength(12)
          expect(expand(listed, "br0")).toEqual(shownVlans("br0"))
          const onlyD0 = yield* BridgeVlan.list({ dev: "d0" })
          expect(onlyD0.map((v) => BridgeVlan.key(v))).toEqual(["d0|10", "d0|20-30"])
          // with statistics the kernel lists each VLAN by itself, counters as bigints
          const stats = yield* BridgeVlan.list({ dev: "d0", stats: true })
          expect(stats).toHaveLength(12)
          expect(typeof stats[0].status?.stats?.rxBytes).toBe("bigint")
          // per-VLAN state
          yield* BridgeVlan.set({ dev: "d0", vid: 20, vidEnd: 30, state: "blocking" })
          const blocked = (yield* BridgeVlan.list({ dev: "d0" })).find((v) => v.vid === 20)
          expect(blocked).toMatchObject({ vid: 20, vidEnd: 30, state: "blocking" })
          expect(
            bridgeJson(ns, "-d", "vlan", "show", "dev", "d0")[0].vlans.find((v: any) => v.vlan === 20).state
          ).toBe("blocking")
        })
      ),
    testTimeout(120_000)
  )

  it.live(
    "tunnel mappings list as tunnel ids and go with their VLAN",
    () =>
      inBridgeNs((ns) =>
        Effect.gen(function* () {
          yield* BridgeVlan.add({ dev: "d0", vid: 100, vidEnd: 102, tunnelId: 1000 })
          const [v] = yield* BridgeVlan.list({ dev: "d0" })
          expect(BridgeVlan.canonical(v)).toEqual({
            dev: "d0",
            vid: 100,
            vidEnd: 102,
            tunnelId: 1000,
            state: "forwarding",
            mcastRouter: 1
          })
          const tunnels = bridgeJson(ns, "vlan", "tunnelshow", "dev", "d0")[0].tunnels
          expect(tunnels).toEqual([{ vlan: 100, vlanEnd: 102, tunid: 1000, tunidEnd: 1002 }])
          yield* BridgeVlan.remove(v)
          expect(yield* BridgeVlan.list({ dev: "d0" })).toEqual([])
        })
      ),
    testTimeout(120_000)
  )

  it.live(
    "global options: set and list per VLAN",
    () =>
      inBridgeNs((ns) =>
        Effect.gen(function* () {
          ip(ns, "link", "set", "br0", "type", "bridge", "mcast_snooping", "1", "mcast_vlan_snooping", "1")
          yield* BridgeVlan.add({ dev: "br0", vid: 10, self: true })
          yield* BridgeVlan.setGlobal({
            dev: "br0",
            vid: 10,
            mcastIgmpVersion: 3,
            mcastQuerier: true,
            mcastQueryInterval: 9000n
          })
          const [g] = (yield* BridgeVlan.listGlobal({ dev: "br0" })).filter((o) => o.vid === 10)
          expect(g).toMatchObject({
            dev: "br0",
            vid: 10,
            mcastSnooping: true,
            mcastIgmpVersion: 3,
            mcastQuerier: true,
            mcastQueryInterval: 9000n
          })
          const bad = yield* Effect.flip(BridgeVlan.add({ dev: "d0", vid: 30, vidEnd: 20 }))
          expect(bad.reason).toMatchObject({ _tag: "Validation", path: "vidEnd" })
        })
      ),
    testTimeout(120_000)
  )
})
