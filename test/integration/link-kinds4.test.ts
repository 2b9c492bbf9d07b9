/**
 * virt_wifi, batadv, rmnet and ipoib on a real kernel (the VM lane: the host kernel has none
 * of them), and vxlan with per-VNI filtering on the host. Each kind case is added with
 * Link.add in a fresh namespace over dummies, read back with Link.get and compared with
 * Link.equals (and field by field for what the kernel reports), checked against
 * `ip -d -j link show`, its listed object recreates an equal link in a second namespace,
 * its MTU is changed with Link.set, and remove(listed) leaves the namespace as it was.
 * A kind the running kernel lacks is a listed case asserting the typed missing-kind error.
 * ipoib can only be a child of an InfiniBand device, which no machine here has: on a kernel
 * with the module, adding one over a dummy fails with the kernel's error and leaves nothing.
 */
import { execFileSync } from "node:child_process"
import * as os from "node:os"
import { expect, it } from "@effect/vitest"
import { Effect, Layer } from "effect"
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

/** Whether the kernel has the module (modprobe succeeds for built-ins too). */
const hasModule = (module: string): boolean => {
  try {
    execFileSync("modprobe", [module], { stdio: "ignore" })
    return true
  } catch {
    return false
  }
}

const release = os.release()

/** d0 and d1 (dummies with fixed MACs) exist in every namespace. */
const setup = (ns: string) => {
  for (const d of ["d0", "d1"]) ip(ns, "link", "add", d, "address", `02:00:00:00:00:${d}`, "type", "dummy")
}

const expectEqual = (a: Link.Link, b: Link.Link) => {
  if (!Link.equals(a, b)) expect(Link.canonical(a)).toEqual(Link.canonical(b))
  expect(Link.equals(a, b)).toBe(true)
}

/** The links of the namespace by name. */
const names = Effect.map(Link.list({ stats: false }), (ls) => ls.map((l) => l.name).sort())

interface Case {
  readonly title: string
  readonly kind: string
  readonly module: string
  readonly spec: Record<string, unknown>
  /** Input fields the kernel does not report (create only). */
  readonly inputOnly?: ReadonlyArray<string>
  /** What the kernel reports that the input left to its default. */
  readonly listed?: Record<string, unknown>
  readonly mtu: number
  readonly extra?: (ns: string, name: string) => Effect.Effect<void, unknown, Netlink>
}

const cases: ReadonlyArray<Case> = [
  {
    title: "virt_wifi over a dummy",
    kind: "virt_wifi",
    module: "virt_wifi",
    spec: { link: "d0" },
    mtu: 1400
  },
  {
    title: "batadv with BATMAN_V, a dummy as its hard interface",
    kind: "batadv",
    module: "batman-adv",
    spec: { ra: "BATMAN_V" },
    inputOnly: ["ra"],
    mtu: 1400,
    extra: (ns, name) =>
      Effect.gen(function* () {
        yield* Link.set("d1", { master: name })
        expect((yield* Link.get("d1")).master).toBe(name)
        expect(ipJson(ns, "link", "show", "dev", "d1")[0].master).toBe(name)
        yield* Link.set("d1", { master: null })
      })
  },
  { title: "batadv with defaults", kind: "batadv", module: "batman-adv", spec: {}, mtu: 1400 },
  {
    title: "rmnet over a dummy with a mux id (default data format)",
    kind: "rmnet",
    module: "rmnet",
    spec: { link: "d0", muxId: 5 },
    listed: { flags: ["ingress-deaggregation"] },
    mtu: 1400
  },
  {
    title: "rmnet with data format flags",
    kind: "rmnet",
    module: "rmnet",
    spec: { link: "d0", muxId: 6, flags: ["ingress-chksumv4", "egress-chksumv4"] },
    mtu: 1400,
    extra: (ns, name) =>
      Effect.sync(() => {
        const d = ipJson(ns, "-d", "link", "show", "dev", name)[0].linkinfo.info_data
        expect(d.mux_id).toBe(6)
      })
  }
]

describeFullKernel("link kinds: virt_wifi, batadv, rmnet; ipoib's error", () => {
  for (const [i, c] of cases.entries()) {
    const name = `k${i}`
    if (!hasModule(c.module)) {
      it.live(`${c.kind}: ${c.title} [kernel ${release} lacks the kind: add fails naming it]`, () =>
        inNamespace((ns) =>
          Effect.gen(function* () {
            setup(ns)
            const before = yield* names
            const e = yield* Effect.flip(
              Link.add({ kind: c.kind, name, ...c.spec } as unknown as Link.AddSpec)
            )
            expect(e.reason).toMatchObject({ _tag: "Kernel", code: "EOPNOTSUPP" })
            expect(e.message).toContain(`lacks link kind "${c.kind}"`)
            expect(yield* names).toEqual(before)
          })
        )
      )
      continue
    }
    it.live(`${c.kind}: ${c.title}`, () =>
      Effect.scoped(
        Effect.gen(function* () {
          const spec = { kind: c.kind, name, ...c.spec } as unknown as Link.AddSpec
          const ns2 = yield* freshNamespace("k4")
          setup(ns2)
          yield* inNamespace((ns) =>
            Effect.gen(function* () {
              setup(ns)
              const before = yield* names
              yield* Link.add(spec)
              const listed = yield* Link.get(name)
              expect(listed.kind).toBe(c.kind)
              expectEqual(listed, spec as unknown as Link.Link)
              for (const [k, v] of Object.entries({ ...spec, ...c.listed }))
                if (!(c.inputOnly ?? []).includes(k)) expect([k, (listed as any)[k]]).toEqual([k, v])
              expect(ipJson(ns, "-d", "link", "show", "dev", name)[0].linkinfo.info_kind).toBe(c.kind)
              if (c.extra !== undefined) yield* c.extra(ns, name)

              const inNs2 = <A, E>(e: Effect.Effect<A, E, Netlink>) =>
                e.pipe(Effect.provide(Layer.fresh(Netlink.layerNamespace({ name: ns2 }))))
              const before2 = yield* inNs2(names)
              yield* inNs2(Link.add(listed as unknown as Link.AddSpec))
              const again = yield* inNs2(Link.get(name))
              expectEqual(again, listed)
              yield* inNs2(Link.remove(again))
              expect(yield* inNs2(names)).toEqual(before2)

              yield* Link.set(name, { mtu: c.mtu })
              expect((yield* Link.get(name)).mtu).toBe(c.mtu)

              yield* Link.remove(listed)
              expect(yield* names).toEqual(before)
            })
          )
        })
      )
    )
  }

  it.live(`ipoib over a dummy: the kernel's typed error, nothing left [${release}]`, () =>
    inNamespace((ns) =>
      Effect.gen(function* () {
        setup(ns)
        const before = yield* names
        const e = yield* Effect.flip(
          Link.add({ kind: "ipoib", name: "ib0", link: "d0", pkey: 0x8001, mode: "connected" })
        )
        expect(e.reason._tag).toBe("Kernel")
        if (hasModule("ib_ipoib")) expect((e.reason as any).code).not.toBe("EOPNOTSUPP")
        else expect(e.message).toContain('lacks link kind "ipoib"')
        expect(yield* names).toEqual(before)
      })
    )
  )
})

describeRoot("vxlan with per-VNI filtering", () => {
  it.live("external vnifilter without an id: added, listed equal, as ip shows it, recreated, removed", () =>
    Effect.scoped(
      Effect.gen(function* () {
        const ns2 = yield* freshNamespace("k4")
        yield* inNamespace((ns) =>
          Effect.gen(function* () {
            const spec = {
              kind: "vxlan",
              name: "vx0",
              dstport: 4789,
              external: true,
              vnifilter: true
            } as const
            const before = yield* names
            yield* Link.add(spec)
            const listed = yield* Link.get("vx0")
            expectEqual(listed, spec)
            expect(listed).toMatchObject({ external: true, vnifilter: true, learning: false })
            const d = ipJson(ns, "-d", "link", "show", "dev", "vx0")[0].linkinfo.info_data
            expect(d).toMatchObject({ external: true, vnifilter: true, learning: false, port: 4789 })
            const inNs2 = <A, E>(e: Effect.Effect<A, E, Netlink>) =>
              e.pipe(Effect.provide(Layer.fresh(Netlink.layerNamespace({ name: ns2 }))))
            yield* inNs2(Link.add(listed as Link.AddSpec))
            expectEqual(yield* inNs2(Link.get("vx0")), listed)
            yield* Link.remove(listed)
            expect(yield* names).toEqual(before)
            // without external the kernel refuses vnifilter: a Kernel error naming it, nothing left
            const e = yield* Effect.flip(Link.add({ kind: "vxlan", name: "vx1", id: 5, vnifilter: true }))
            expect(e.reason._tag).toBe("Kernel")
            expect(yield* names).toEqual(before)
          })
        )
      })
    )
  )

  it.live("a vxlan's multicast group and device group read back apart", () =>
    inNamespace(() =>
      Effect.gen(function* () {
        const spec = {
          kind: "vxlan",
          name: "vx2",
          id: 7,
          group: "239.1.1.1",
          dev: "lo",
          deviceGroup: 3
        } as const
        yield* Link.add(spec)
        const listed = yield* Link.get("vx2")
        expect(listed).toMatchObject({ group: "239.1.1.1", deviceGroup: 3 })
        expectEqual(listed, spec as unknown as Link.Link)
      })
    )
  )
})

/** IFLA_BR_* options every bridge takes (no VLAN filtering: the host kernel is built without it). Times in centiseconds, even: they survive the jiffies round trip at any HZ. */
const bridgeOptions = {
  forwardDelay: 800,
  helloTime: 300,
  maxAge: 3000,
  ageingTime: 20000,
  priority: 100,
  groupFwdMask: 0x4000,
  groupAddress: "01:80:c2:00:00:0e",
  multicastSnooping: true,
  multicastRouter: 2,
  multicastQueryUseIfaddr: true,
  multicastQuerier: true,
  multicastHashMax: 1024,
  multicastLastMemberCount: 3,
  multicastStartupQueryCount: 4,
  multicastLastMemberInterval: 200n,
  multicastMembershipInterval: 30000n,
  multicastQuerierInterval: 26000n,
  multicastQueryInterval: 13000n,
  multicastQueryResponseInterval: 1200n,
  multicastStartupQueryInterval: 3000n,
  multicastStatsEnabled: true,
  multicastIgmpVersion: 3,
  multicastMldVersion: 2,
  nfCallIptables: true,
  nfCallIp6tables: true,
  nfCallArptables: true,
  noLinklocalLearn: true
} as const

/** The same, as `ip -d -j link show` names them (centiseconds there too). */
const bridgeIpNames: Record<string, string> = {
  forwardDelay: "forward_delay",
  helloTime: "hello_time",
  maxAge: "max_age",
  ageingTime: "ageing_time",
  priority: "priority",
  groupFwdMask: "group_fwd_mask",
  groupAddress: "group_addr",
  multicastSnooping: "mcast_snooping",
  multicastRouter: "mcast_router",
  multicastQueryUseIfaddr: "mcast_query_use_ifaddr",
  multicastQuerier: "mcast_querier",
  multicastHashMax: "mcast_hash_max",
  multicastLastMemberCount: "mcast_last_member_cnt",
  multicastStartupQueryCount: "mcast_startup_query_cnt",
  multicastLastMemberInterval: "mcast_last_member_intvl",
  multicastMembershipInterval: "mcast_membership_intvl",
  multicastQuerierInterval: "mcast_querier_intvl",
  multicastQueryInterval: "mcast_query_intvl",
  multicastQueryResponseInterval: "mcast_query_response_intvl",
  multicastStartupQueryInterval: "mcast_startup_query_intvl",
  multicastStatsEnabled: "mcast_stats_enabled",
  multicastIgmpVersion: "mcast_igmp_version",
  multicastMldVersion: "mcast_mld_version",
  nfCallIptables: "nf_call_iptables",
  nfCallIp6tables: "nf_call_ip6tables",
  nfCallArptables: "nf_call_arptables",
  noLinklocalLearn: "no_linklocal_learn"
}

/** ip's value of an option in the model's form (bools as 0/1 or true/false, numbers, bigints). */
const asIp = (v: unknown): unknown => (typeof v === "bigint" ? Number(v) : v)
const fromIp = (v: unknown): unknown =>
  v === 0 || v === 1 ? v === 1 : typeof v === "string" && v.startsWith("0x") ? Number(v) : v

describeRoot("bridge: every IFLA_BR_* option, mcast timers in centiseconds", () => {
  it.live(
    "added with every option, listed equal, as ip shows it, each timer changed by Link.set, recreated",
    () =>
      Effect.scoped(
        Effect.gen(function* () {
          const ns2 = yield* freshNamespace("k4")
          yield* inNamespace((ns) =>
            Effect.gen(function* () {
              const spec = { kind: "bridge", name: "br9", ...bridgeOptions } as const
              yield* Link.add(spec)
              const listed = yield* Link.get("br9")
              expectEqual(listed, spec as unknown as Link.Link)
              for (const [k, v] of Object.entries(bridgeOptions))
                expect([k, (listed as any)[k]]).toEqual([k, v])
              const d = ipJson(ns, "-d", "link", "show", "dev", "br9")[0].linkinfo.info_data
              for (const [k, n] of Object.entries(bridgeIpNames)) {
                const ours = (bridgeOptions as any)[k]
                expect([
                  k,
                  typeof ours === "boolean" || typeof d[n] === "string" ? fromIp(d[n]) : d[n]
                ]).toEqual([k, asIp(ours)])
              }
              // each of the six intervals on its own, as ip link set type bridge sends it
              const timers = [
                "multicastLastMemberInterval",
                "multicastMembershipInterval",
                "multicastQuerierInterval",
                "multicastQueryInterval",
                "multicastQueryResponseInterval",
                "multicastStartupQueryInterval"
              ] as const
              for (const [i, t] of timers.entries()) {
                const v = BigInt(100 + 2 * i)
                yield* Link.set("br9", { kind: "bridge", [t]: v } as Link.KindChanges)
                expect([t, ((yield* Link.get("br9")) as any)[t]]).toEqual([t, v])
                expect(
                  ipJson(ns, "-d", "link", "show", "dev", "br9")[0].linkinfo.info_data[bridgeIpNames[t]!]
                ).toBe(Number(v))
              }
              yield* Link.set("br9", { kind: "bridge", noLinklocalLearn: false } as Link.KindChanges)
              const after = yield* Link.get("br9")
              // off is the default: listed objects leave it out
              expect((after as any).noLinklocalLearn).toBeUndefined()
              expect(Link.equals(after, { ...after, noLinklocalLearn: false } as Link.Link)).toBe(true)
              expect(
                fromIp(
                  ipJson(ns, "-d", "link", "show", "dev", "br9")[0].linkinfo.info_data.no_linklocal_learn
                )
              ).toBe(false)
              const inNs2 = <A, E>(e: Effect.Effect<A, E, Netlink>) =>
                e.pipe(Effect.provide(Layer.fresh(Netlink.layerNamespace({ name: ns2 }))))
              yield* inNs2(Link.add(after as Link.AddSpec))
              expectEqual(yield* inNs2(Link.get("br9")), after)
            })
          )
        })
      )
  )
})

describeFullKernel("bridge: VLAN options and the boolopts that need VLAN filtering", () => {
  it.live(
    "vlan filtering, 802.1ad, pvid, vlan stats, mcast vlan snooping, mst: listed equal, recreated",
    () =>
      Effect.scoped(
        Effect.gen(function* () {
          const ns2 = yield* freshNamespace("k4")
          yield* inNamespace((ns) =>
            Effect.gen(function* () {
              const spec = {
                kind: "bridge",
                name: "br8",
                vlanFiltering: true,
                vlanProtocol: "802.1ad",
                vlanDefaultPvid: 7,
                vlanStatsEnabled: true,
                vlanStatsPerPort: true,
                mcastVlanSnooping: true,
                mstEnabled: true
              } as const
              yield* Link.add(spec)
              const listed = yield* Link.get("br8")
              expectEqual(listed, spec)
              expect(listed).toMatchObject({
                mcastVlanSnooping: true,
                mstEnabled: true,
                vlanProtocol: "802.1ad"
              })
              const d = ipJson(ns, "-d", "link", "show", "dev", "br8")[0].linkinfo.info_data
              expect(d).toMatchObject({ vlan_filtering: 1, vlan_protocol: "802.1ad", vlan_default_pvid: 7 })
              expect(fromIp(d.mcast_vlan_snooping)).toBe(true)
              const inNs2 = <A, E>(e: Effect.Effect<A, E, Netlink>) =>
                e.pipe(Effect.provide(Layer.fresh(Netlink.layerNamespace({ name: ns2 }))))
              yield* inNs2(Link.add(listed as Link.AddSpec))
              expectEqual(yield* inNs2(Link.get("br8")), listed)
            })
          )
        })
      )
  )
})
