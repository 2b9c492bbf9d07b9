/**
 * Actions and the classifiers the host kernel lacks, on a full kernel (the VM lane): matchall
 * filters with gact (goto chain, random), mirred (to a device, mirror and redirect), police
 * (rates, peak rate, packets per second) and nat list back equal, remove(listed) restores the
 * namespace; standalone actions add, get, list (terse too) with bind/ref counts, a filter
 * binding a standalone action by index, delete and flush.
 */
import { execFileSync, spawnSync } from "node:child_process"
import { expect, it } from "@effect/vitest"
import { Effect, Layer, type Scope } from "effect"
import * as Action from "../../src/api/Action.ts"
import * as Filter from "../../src/api/Filter.ts"
import { Netlink } from "../../src/api/Netlink.ts"
import * as Qdisc from "../../src/api/Qdisc.ts"
import { describeFullKernel, freshNamespace } from "../helpers/netns.ts"

const withClsact = <A, E>(f: (ns: string) => Effect.Effect<A, E, Netlink | Scope.Scope>) =>
  Effect.scoped(
    Effect.gen(function* () {
      const ns = yield* freshNamespace("tca")
      spawnSync("ip", ["netns", "exec", ns, "sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=1"])
      execFileSync("ip", ["-n", ns, "link", "add", "d0", "type", "veth", "peer", "name", "d1"])
      execFileSync("ip", ["-n", ns, "link", "set", "d0", "up"])
      execFileSync("ip", ["-n", ns, "link", "set", "d1", "up"])
      return yield* Effect.gen(function* () {
        yield* Qdisc.add({ dev: "d0", kind: "clsact" })
        return yield* f(ns)
      }).pipe(Effect.provide(Layer.fresh(Netlink.layerNamespace({ name: ns }))))
    })
  )

const where = { dev: "d0", parent: "ingress" } as const
const json = (x: unknown) => JSON.stringify(x, (_k, v) => (typeof v === "bigint" ? String(v) : v))
const config = (xs: ReadonlyArray<Filter.Filter>) => xs.map((x) => Filter.canonical(x))

const roundTrip = (input: Filter.Filter) =>
  Effect.gen(function* () {
    const before = yield* Filter.list(where)
    yield* Filter.add(input)
    const after = yield* Filter.list(where)
    // (a u32 filter brings the kernel's root hash table of its priority along)
    const added = after.filter(
      (f) => !before.some((b) => Filter.key(b) === Filter.key(f)) && Filter.equals(f, input)
    )
    expect(added, json(after)).toHaveLength(1)
    const [listed] = added
    expect(Filter.equals(listed, input), `${json(listed)} vs ${json(input)}`).toBe(true)
    for (const a of listed.actions ?? []) expect(a.status?.bindcnt).toBe(1)
    yield* Filter.remove(listed)
    expect(config(yield* Filter.list(where))).toEqual(config(before))
    yield* Filter.add(listed)
    const again = (yield* Filter.list(where)).filter((f) => Filter.key(f) === Filter.key(listed))
    expect(again).toHaveLength(1)
    expect(Filter.equals(again[0], listed)).toBe(true)
    yield* Filter.remove(again[0])
    return listed
  })

describeFullKernel("Filter actions (matchall, gact, mirred, police, nat)", () => {
  it.live("every action kind in a matchall filter lists back equal", () =>
    withClsact(() =>
      Effect.gen(function* () {
        const cases: Array<Filter.Filter> = [
          {
            ...where,
            priority: 1,
            kind: "matchall",
            actions: [{ kind: "gact", options: { action: "drop" } }]
          },
          {
            ...where,
            priority: 2,
            chain: 3,
            kind: "matchall",
            options: { skipHw: true, classid: "1:5" },
            actions: [{ kind: "gact", options: { action: "goto chain 5" } }]
          },
          {
            ...where,
            priority: 3,
            kind: "matchall",
            actions: [
              {
                kind: "gact",
                options: { action: "pass", random: { type: "netrand", value: 50, action: "drop" } }
              },
              { kind: "gact", options: { action: "jump 1" }, cookie: "a1b2c3" }
            ]
          },
          {
            ...where,
            priority: 4,
            kind: "matchall",
            actions: [{ kind: "mirred", options: { mode: "redirect", dev: "d1" } }]
          },
          {
            ...where,
            priority: 5,
            kind: "matchall",
            actions: [
              { kind: "mirred", options: { direction: "ingress", mode: "mirror", dev: "d1", action: "pass" } }
            ]
          },
          {
            ...where,
            priority: 6,
            kind: "matchall",
            actions: [
              { kind: "police", options: { rate: "1mbit", burst: "10kb", exceed: "drop", conform: "pipe" } }
            ]
          },
          {
            ...where,
            priority: 7,
            kind: "matchall",
            actions: [
              {
                kind: "police",
                options: { rate: "8mbit", burst: "32kb", mtu: 1600, peakrate: "10mbit", mpu: 64, overhead: 4 }
              }
            ]
          },
          {
            ...where,
            priority: 8,
            kind: "matchall",
            actions: [{ kind: "police", options: { pktsRate: 1000, pktsBurst: 100, exceed: "drop" } }]
          },
          {
            ...where,
            priority: 9,
            kind: "matchall",
            actions: [{ kind: "police", options: { rate: "40gbit", burst: "1mb", exceed: "drop" } }]
          },
          {
            ...where,
            priority: 10,
            protocol: "ip",
            kind: "u32",
            options: { match: ["ip src 10.0.0.0/8"] },
            actions: [
              { kind: "nat", options: { direction: "egress", old: "10.0.0.0/8", new: "192.168.1.1" } }
            ]
          },
          {
            ...where,
            priority: 11,
            kind: "matchall",
            actions: [
              {
                kind: "nat",
                options: { direction: "ingress", old: "192.0.2.7", new: "10.1.1.1", action: "pipe" }
              }
            ]
          }
        ]
        const flower: Array<Filter.Filter> = [
          {
            ...where,
            protocol: "ip",
            priority: 20,
            kind: "flower",
            options: {
              ipProto: "tcp",
              dstIp: "10.0.0.0/8",
              srcIp: "192.0.2.1",
              dstPort: 443,
              skipHw: true,
              tcpFlags: "0x2/0x12"
            },
            actions: [{ kind: "gact", options: { action: "drop" } }]
          },
          {
            ...where,
            protocol: "all",
            priority: 21,
            kind: "flower",
            options: { dstMac: "02:00:00:00:00:01", srcMac: "02:00:00:00:00:00/24", classid: "1:2" }
          },
          {
            ...where,
            protocol: "ipv6",
            priority: 22,
            kind: "flower",
            options: {
              ipProto: "udp",
              srcIp: "2001:db8::/32",
              dstPort: "1000-2000",
              srcPort: "10-20",
              ipTos: "0x10/0xfc",
              ipTtl: 64
            }
          },
          {
            ...where,
            protocol: "802.1q",
            priority: 23,
            kind: "flower",
            options: {
              vlanId: 100,
              vlanPrio: 3,
              vlanEthType: "ip",
              ipProto: "icmp",
              icmpType: 8,
              icmpCode: 0
            }
          },
          {
            ...where,
            protocol: "ip",
            priority: 24,
            kind: "flower",
            options: {
              encKeyId: 42,
              encDstIp: "10.1.1.1",
              encSrcIp: "10.1.1.0/24",
              encDstPort: 4789,
              encTos: "0x10/0xff",
              encTtl: 64
            }
          },
          {
            ...where,
            protocol: "mpls_uc",
            priority: 25,
            kind: "flower",
            options: { mplsLabel: 100, mplsTc: 3, mplsBos: 1, mplsTtl: 64 }
          },
          {
            ...where,
            protocol: "ip",
            priority: 26,
            handle: 5,
            kind: "fw",
            options: { mask: 0xff, classid: "1:5" }
          },
          {
            ...where,
            protocol: "ip",
            priority: 27,
            handle: 16,
            kind: "fw",
            actions: [{ kind: "gact", options: { action: "drop" } }]
          }
        ]
        for (const c of [...cases, ...flower]) yield* roundTrip(c)
      })
    )
  )
})

describeFullKernel("standalone actions", () => {
  it.live("add, get, list (also terse), bind from a filter by index, delete, flush", () =>
    withClsact(() =>
      Effect.gen(function* () {
        const police: Action.Action = {
          kind: "police",
          index: 7,
          options: { rate: "2mbit", burst: "20kb", exceed: "drop" }
        }
        yield* Action.add(police)
        yield* Action.add({ kind: "gact", index: 5, options: { action: "drop" } })
        yield* Action.add({ kind: "gact", index: 6, options: { action: "pass" }, cookie: "0102" })
        const got = yield* Action.get({ kind: "police", index: 7 })
        expect(Action.equals(got, police)).toBe(true)
        expect(got.status).toMatchObject({ refcnt: 1, bindcnt: 0 })
        const gacts = yield* Action.list("gact")
        expect(gacts.map((a) => [a.index, (a.options as any)?.action, a.cookie])).toEqual([
          [5, "drop", undefined],
          [6, "pass", "0102"]
        ])
        const terse = yield* Action.list("gact", { terse: true })
        expect(terse.map((a) => [a.index, a.options])).toEqual([
          [5, undefined],
          [6, undefined]
        ])
        // a filter binds to the standalone police by its index
        yield* Filter.add({
          ...where,
          priority: 1,
          kind: "matchall",
          actions: [{ kind: "police", index: 7, options: police.options as any }]
        })
        const bound = yield* Action.get({ kind: "police", index: 7 })
        expect(bound.status).toMatchObject({ refcnt: 2, bindcnt: 1 })
        const [f] = yield* Filter.list(where)
        expect(f.actions?.[0]).toMatchObject({ kind: "police", index: 7 })
        yield* Filter.remove(f)
        yield* Action.remove({ kind: "police", index: 7 })
        expect(yield* Action.list("police")).toEqual([])
        yield* Action.flush("gact")
        expect(yield* Action.list("gact")).toEqual([])
        const e = yield* Effect.flip(Action.get({ kind: "gact", index: 5 }))
        expect(e.reason._tag).toBe("Kernel")
      })
    )
  )
})
