/**
 * The link object model against the host kernel, per kind it has (veth,
 * bridge, vxlan, macvlan, macvtap, ifb), and against the VM lane's full kernel
 * for dummy, vlan, bond and vrf: arbitrary valid links are added in a fresh
 * namespace, listed, and must equal the input (Link.equals); the listed object
 * passed to add in a second, empty namespace recreates an equal link;
 * remove(listed) leaves each namespace's links as they were.
 */
import { expect, it } from "@effect/vitest"
import { Effect, Layer } from "effect"
import fc from "fast-check"
import * as Link from "../../src/api/Link.ts"
import { Netlink } from "../../src/api/Netlink.ts"
import {
  describeFullKernel,
  describeRoot,
  freshNamespace,
  inNamespace,
  ip,
  ipJson
} from "../helpers/netns.ts"
import { testTimeout } from "../helpers/timing.ts"

const RUNS = 30

const mac = fc
  .array(fc.integer({ min: 0, max: 255 }), { minLength: 5, maxLength: 5 })
  .map((b) => ["02", ...b.map((x) => x.toString(16).padStart(2, "0"))].join(":"))

/** Common fields; `maxMtu` for kinds bounded by a parent. */
const common = (maxMtu = 9000) =>
  fc.record(
    {
      mtu: fc.integer({ min: 1280, max: maxMtu }),
      txqlen: fc.integer({ min: 0, max: 10_000 }),
      group: fc.integer({ min: 0, max: 100 }),
      up: fc.boolean(),
      promisc: fc.boolean(),
      alias: fc.stringMatching(/^[a-z][a-z ]{0,19}$/),
      numTxQueues: fc.integer({ min: 1, max: 4 }),
      numRxQueues: fc.integer({ min: 1, max: 4 })
    },
    { requiredKeys: [] }
  )

const cs = (min: number, max: number) => fc.integer({ min: min / 100, max: max / 100 }).map((x) => x * 100)

const kindArbs: Record<string, fc.Arbitrary<Record<string, unknown>>> = {
  ifb: common().map((c) => ({ ...c, kind: "ifb" })),
  veth: fc.tuple(common(), mac, fc.boolean()).map(([c, address, withPeer]) => ({
    ...c,
    address,
    kind: "veth",
    ...(withPeer ? { peer: { name: "lp0", mtu: 1400 } } : {})
  })),
  bridge: fc
    .tuple(
      common(),
      fc.record(
        {
          stpState: fc.boolean(),
          forwardDelay: cs(200, 3000),
          helloTime: cs(100, 1000),
          maxAge: cs(600, 4000),
          ageingTime: cs(1000, 100_000),
          priority: fc.integer({ min: 0, max: 65535 }),
          groupFwdMask: fc.constantFrom(0, 0x8, 0x4000),
          multicastSnooping: fc.boolean(),
          multicastRouter: fc.integer({ min: 0, max: 2 }),
          multicastQuerier: fc.boolean(),
          multicastQueryUseIfaddr: fc.boolean(),
          multicastHashMax: fc.constantFrom(512, 1024, 4096, 8192),
          multicastLastMemberCount: fc.integer({ min: 1, max: 10 }),
          multicastStartupQueryCount: fc.integer({ min: 1, max: 10 }),
          multicastIgmpVersion: fc.constantFrom(2, 3),
          multicastMldVersion: fc.constantFrom(1, 2),
          multicastStatsEnabled: fc.boolean(),
          fdbMaxLearned: fc.integer({ min: 0, max: 1000 })
        },
        { requiredKeys: [] }
      )
    )
    .map(([c, o]) => ({ ...c, ...o, kind: "bridge" })),
  vxlan: fc
    .tuple(
      common(),
      fc.oneof(
        fc.record(
          {
            id: fc.integer({ min: 0, max: 0xffffff }),
            remote: fc.integer({ min: 1, max: 250 }).map((x) => `10.1.0.${x}`),
            local: fc.integer({ min: 1, max: 250 }).map((x) => `10.2.0.${x}`),
            dstport: fc.integer({ min: 1, max: 65535 }),
            // keywords of the view: "auto" is 0, "inherit" the TTL_INHERIT flag
            ttl: fc.oneof(fc.integer({ min: 0, max: 255 }), fc.constantFrom("auto", "inherit")),
            tos: fc.integer({ min: 0, max: 255 }),
            df: fc.constantFrom("unset", "set", "inherit"),
            learning: fc.boolean(),
            proxy: fc.boolean(),
            rsc: fc.boolean(),
            l2miss: fc.boolean(),
            l3miss: fc.boolean(),
            udpCsum: fc.boolean(),
            // 0 asks for the default (300 s)
            ageing: fc.integer({ min: 1, max: 100_000 }),
            limit: fc.integer({ min: 0, max: 10_000 }),
            gbp: fc.boolean(),
            localbypass: fc.boolean(),
            srcPortRange: fc
              .tuple(fc.integer({ min: 1, max: 65535 }), fc.integer({ min: 1, max: 65535 }))
              .map(([a, b]) => ({ low: Math.min(a, b), high: Math.max(a, b) }))
          },
          { requiredKeys: ["id"] }
        ),
        fc.record(
          { external: fc.constant(true), gpe: fc.boolean(), dstport: fc.integer({ min: 1, max: 65535 }) },
          { requiredKeys: ["external"] }
        )
      )
    )
    // a vxlan's device group is deviceGroup (its group is the multicast group)
    .map(([{ group, ...c }, o]) => ({
      ...c,
      ...(group === undefined ? {} : { deviceGroup: group }),
      ...o,
      kind: "vxlan"
    })),
  macvlan: fc
    .tuple(
      common(1500),
      fc.oneof(
        fc.record(
          {
            mode: fc.constantFrom("private", "vepa", "bridge"),
            bcQueueLen: fc.integer({ min: 100, max: 5000 })
          },
          { requiredKeys: [] }
        ),
        fc.record({ mode: fc.constant("passthru"), nopromisc: fc.boolean() }),
        fc.record({ mode: fc.constant("source"), macaddrs: fc.uniqueArray(mac, { maxLength: 3 }) })
      )
    )
    .map(([c, o]) => ({ ...c, ...o, kind: "macvlan", link: "p0" }))
}
kindArbs.macvtap = kindArbs.macvlan!.map((o) => ({ ...o, kind: "macvtap" }))

/** Kinds only the full kernel of the VM lane has (dummy, vlan, bond, vrf). */
const fullKernelArbs: Record<string, fc.Arbitrary<Record<string, unknown>>> = {
  dummy: common().map((c) => ({ ...c, kind: "dummy" })),
  vlan: fc
    .tuple(
      common(1500),
      fc.record(
        {
          id: fc.integer({ min: 1, max: 4094 }),
          protocol: fc.constantFrom("802.1Q", "802.1ad"),
          // reorder_hdr off is reported back on by the lane's 7.3 kernel: only loose_binding varies
          flags: fc.record({ looseBinding: fc.boolean() }, { requiredKeys: [] }),
          // a mapping to 0 removes an entry: the maps hold non-zero targets
          egressQos: fc.dictionary(
            fc.integer({ min: 0, max: 100 }).map(String),
            fc.integer({ min: 1, max: 7 }),
            { maxKeys: 3 }
          ),
          ingressQos: fc.dictionary(
            fc.integer({ min: 0, max: 7 }).map(String),
            fc.integer({ min: 1, max: 1000 }),
            { maxKeys: 3 }
          )
        },
        { requiredKeys: ["id"] }
      )
    )
    .map(([c, o]) => ({ ...c, ...o, kind: "vlan", link: "p0" })),
  bond: fc
    .tuple(
      common(),
      fc.record(
        {
          mode: fc.constantFrom(
            "balance-rr",
            "active-backup",
            "balance-xor",
            "broadcast",
            "802.3ad",
            "balance-tlb",
            "balance-alb"
          ),
          miimon: fc.integer({ min: 0, max: 1000 }),
          minLinks: fc.integer({ min: 0, max: 10 }),
          allSlavesActive: fc.boolean(),
          resendIgmp: fc.integer({ min: 0, max: 255 }),
          numPeerNotif: fc.integer({ min: 0, max: 255 }),
          arpIpTargets: fc.uniqueArray(
            fc.integer({ min: 1, max: 250 }).map((x) => `10.3.0.${x}`),
            { maxLength: 3 }
          )
        },
        { requiredKeys: [] }
      )
    )
    .map(([c, o]) => ({ ...c, ...o, kind: "bond" })),
  vrf: fc
    .tuple(common(), fc.oneof(fc.integer({ min: 1, max: 252 }), fc.integer({ min: 256, max: 100_000 })))
    .map(([c, table]) => ({ ...c, table, kind: "vrf" }))
}

/** A namespace's links, as configuration (what equality compares), by name. */
const snapshot = Effect.map(Link.list(), (ls) =>
  Object.fromEntries(
    ls.map((l) => [
      l.name,
      JSON.stringify(Link.canonical(l), (_k, v) => (typeof v === "bigint" ? `${v}` : v))
    ])
  )
)

/** Fails with both canonical forms when `a` and `b` are not equal. */
const expectEqual = (a: Link.Link, b: Link.Link) => {
  if (!Link.equals(a, b)) expect(Link.canonical(b)).toEqual(Link.canonical(a))
  expect(Link.equals(a, b)).toBe(true)
}

/** Parent devices some kinds need, the same in both namespaces (a passthru macvlan takes p0's MAC). */
const setup = (ns: string) => {
  ip(ns, "link", "add", "p0", "address", "02:00:00:00:00:aa", "type", "veth", "peer", "name", "p1")
  // a vlan can only be up on a parent that is up
  ip(ns, "link", "set", "p0", "up")
}

describeRoot("Link model: add → list → equals; recreate from the listed object; remove(listed)", () => {
  for (const [kind, arb] of Object.entries(kindArbs)) {
    it.live(
      `${kind}: ${RUNS} arbitrary links`,
      () =>
        Effect.scoped(
          Effect.gen(function* () {
            const ns2 = yield* freshNamespace("m2")
            setup(ns2)
            yield* inNamespace((ns) => body(ns, ns2, kind, arb))
          })
        ),
      testTimeout(120_000)
    )
  }
})

describeFullKernel("Link model on the full kernel: add → list → equals; recreate; remove(listed)", () => {
  for (const [kind, arb] of Object.entries(fullKernelArbs)) {
    it.live(
      `${kind}: ${RUNS} arbitrary links`,
      () =>
        Effect.scoped(
          Effect.gen(function* () {
            const ns2 = yield* freshNamespace("m2")
            setup(ns2)
            yield* inNamespace((ns) => body(ns, ns2, kind, arb))
          })
        ),
      testTimeout(300_000)
    )
  }
})

const body = (ns: string, ns2: string, kind: string, arb: fc.Arbitrary<Record<string, unknown>>) =>
  Effect.gen(function* () {
    setup(ns)
    const inNs2 = <A, E>(e: Effect.Effect<A, E, Netlink>) =>
      e.pipe(Effect.provide(Layer.fresh(Netlink.layerNamespace({ name: ns2 }))))
    const samples = fc.sample(arb, { numRuns: RUNS, seed: 0x5eed + kind.length })
    for (const [i, sample] of samples.entries()) {
      const input = { ...sample, name: `lm${i}` } as Link.AddSpec
      const before = yield* snapshot
      const before2 = yield* inNs2(snapshot)
      yield* Link.add(input).pipe(
        Effect.mapError((e) => new Error(`add ${JSON.stringify(input)}: ${e.message}`))
      )
      const listed = (yield* Link.list()).find((l) => l.name === input.name)!
      expect(listed, JSON.stringify(input)).toBeDefined()
      expectEqual(input, listed)
      // the listed object recreates the link in an empty namespace
      yield* inNs2(Link.add(listed as Link.AddSpec))
      const again = yield* inNs2(Link.get(input.name))
      expectEqual(listed, again)
      yield* inNs2(Link.remove(again))
      expect(yield* inNs2(snapshot)).toEqual(before2)
      yield* Link.remove(listed)
      expect(yield* snapshot).toEqual(before)
    }
  })

describeRoot("Link model: errors that name what is wrong, vxlan external, port options", () => {
  it.live("a veth whose peer name is taken says so (issue 10)", () =>
    inNamespace((ns) =>
      Effect.gen(function* () {
        ip(ns, "link", "add", "p8", "type", "veth", "peer", "name", "p9")
        const e = yield* Effect.flip(Link.add({ kind: "veth", name: "v8", peer: { name: "p8" } }))
        expect(e.reason._tag).toBe("Kernel")
        expect(e.message).toContain("peer.name p8 is taken")
        expect(e.message).toContain("EEXIST")
        // the link's own name taken: the kernel's error as it is
        const own = yield* Effect.flip(Link.add({ kind: "veth", name: "p8", peer: { name: "q8" } }))
        expect(own.message).not.toContain("peer.name")
        expect(own.message).toContain("EEXIST")
      })
    )
  )

  it.live("a kind the registry lacks is listed with its raw data and cannot be added", () =>
    inNamespace((ns) =>
      Effect.gen(function* () {
        ip(ns, "tuntap", "add", "tt0", "mode", "tap")
        // tun is a registered kind now: a message of it with another kind name stands for one the registry lacks
        const [raw] = (yield* Link.listRaw()).filter((m) => m.ifname === "tt0")
        const data = new Uint8Array([8, 0, 1, 0, 42, 0, 0, 0])
        const other = Link.fromMessage({ ...raw!, linkInfo: { kind: "nosuchkind", dataRaw: data } })
        expect(other).toMatchObject({ name: "tt0", kind: "nosuchkind", mtu: 1500, up: false })
        expect((other as Link.OtherLink).data).toEqual(data)
        expect(other.status?.message.linkInfo?.dataRaw).toEqual(data)
        const lo = yield* Link.get("lo")
        expect(lo).toMatchObject({ name: "lo", up: true, status: { linkType: "loopback" } })
        expect(lo.kind).toBeUndefined()
        const e = yield* Effect.flip(Link.add(other as Link.AddSpec))
        expect(e.reason._tag === "Validation" && e.reason.path).toBe("kind")
      })
    )
  )

  it.live("vxlan external without id turns learning off (gpe needs it), as ip does (issue 11)", () =>
    inNamespace((ns) =>
      Effect.gen(function* () {
        yield* Link.add({ kind: "vxlan", name: "vx0", external: true, gpe: true })
        const d = ipJson(ns, "-d", "link", "show", "dev", "vx0")[0].linkinfo.info_data
        expect(d).toMatchObject({ external: true, learning: false, gpe: true })
        const listed = yield* Link.get("vx0")
        expect(listed).toMatchObject({ kind: "vxlan", external: true, gpe: true, learning: false, id: 0 })
        expectEqual({ kind: "vxlan", name: "vx0", external: true, gpe: true }, listed)
        // without external, a VNI is needed: refused before anything is sent
        const e = yield* Effect.flip(Link.add({ kind: "vxlan", name: "vx1" }))
        expect(e.reason._tag === "Validation" && e.reason.path).toBe("id")
      })
    )
  )

  it.live("bridge port options: add with master and port, list, setPort, recreate", () =>
    inNamespace((ns) =>
      Effect.gen(function* () {
        yield* Link.add({ kind: "bridge", name: "br0" })
        yield* Link.add({
          kind: "veth",
          name: "v0",
          peer: { name: "v1" },
          master: "br0",
          port: { learning: false, cost: 7, priority: 9, hairpin: true, bcastFlood: false }
        })
        const d = ipJson(ns, "-d", "link", "show", "dev", "v0")[0]
        expect(d.master).toBe("br0")
        expect(d.linkinfo.info_slave_data).toMatchObject({
          learning: false,
          cost: 7,
          priority: 9,
          hairpin: true,
          bcast_flood: false
        })
        const listed = yield* Link.get("v0")
        expect(listed).toMatchObject({
          master: "br0",
          port: { learning: false, cost: 7, priority: 9, hairpin: true, bcastFlood: false, flood: true }
        })
        expect(listed.status?.port).toMatchObject({ state: expect.any(Number) })
        yield* Link.setPort("v0", { learning: true, guard: true })
        expect(yield* Link.get("v0")).toMatchObject({ port: { learning: true, guard: true, cost: 7 } })
        // a port option the master's kind does not have: Validation naming it, nothing sent
        const bad = yield* Effect.flip(Link.setPort("v0", { table: 5 }))
        expect(bad.reason._tag).toBe("Validation")
        // recreate: remove, add the listed object back
        const before = yield* Link.get("v0")
        yield* Link.remove(before)
        yield* Link.add(before as Link.AddSpec)
        const after = yield* Link.get("v0")
        expect(Link.equals(before, after)).toBe(true)
        expect(after.port).toEqual(before.port)
      })
    )
  )
})
