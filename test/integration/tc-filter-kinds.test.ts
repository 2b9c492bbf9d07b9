/**
 * The classifiers the host kernel lacks, on a full kernel (the VM lane): basic with ematch
 * trees (cmp, meta by number and by device name, u32, nbyte, canid; and/or/not and groups),
 * cgroup, flow (map and hash), route (realms, input device) and flower's keys (conntrack,
 * ARP, tunnel options, ip flags, vlans, PPPoE, MPLS stack, L2TPv3, SPI, CFM). Each lists back
 * equal to its input, remove(listed) restores the namespace, add(listed) recreates it; change
 * rewrites a filter in place; random ematch trees round-trip through the kernel.
 */
import { execFileSync, spawnSync } from "node:child_process"
import { expect, it } from "@effect/vitest"
import { Effect, Layer, type Scope, Schema } from "effect"
import fc from "fast-check"
import * as Filter from "../../src/api/Filter.ts"
import { Netlink } from "../../src/api/Netlink.ts"
import * as Qdisc from "../../src/api/Qdisc.ts"
import { describeFullKernel, freshNamespace } from "../helpers/netns.ts"
import { propertyRuns } from "../helpers/property.ts"

const withClsact = <A, E>(f: (ns: string) => Effect.Effect<A, E, Netlink | Scope.Scope>) =>
  Effect.scoped(
    Effect.gen(function* () {
      const ns = yield* freshNamespace("tck")
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

/** add → list → equals (and its JSON decodes equal); remove(listed) → as before; add(listed) → equal. */
const roundTrip = (input: Filter.Filter) =>
  Effect.gen(function* () {
    const before = yield* Filter.list(where)
    yield* Filter.add(input)
    const after = yield* Filter.list(where)
    const added = after.filter((f) => !before.some((b) => Filter.key(b) === Filter.key(f)))
    expect(added, json(after)).toHaveLength(1)
    const [listed] = added
    expect(Filter.equals(listed, input), `${json(listed)} vs ${json(input)}`).toBe(true)
    const { status: _, ...cfg } = JSON.parse(json(listed))
    expect(Filter.equals(Schema.decodeUnknownSync(Filter.schema)(cfg), listed)).toBe(true)
    yield* Filter.remove(listed)
    expect(config(yield* Filter.list(where))).toEqual(config(before))
    yield* Filter.add(listed)
    const again = (yield* Filter.list(where)).filter((f) => Filter.key(f) === Filter.key(listed))
    expect(again).toHaveLength(1)
    expect(Filter.equals(again[0], listed), `${json(again[0])} vs ${json(listed)}`).toBe(true)
    yield* Filter.remove(again[0])
    expect(config(yield* Filter.list(where))).toEqual(config(before))
    return listed
  })

describeFullKernel("Filter kinds basic, cgroup, flow, route", () => {
  it.live("basic with ematch trees lists back equal, in tc's notation", () =>
    withClsact(() =>
      Effect.gen(function* () {
        const matches = [
          "cmp(u16 at 3 layer transport mask 0xff00 gt 20)",
          'cmp(u16 at 3 layer link mask 0xff00 gt 20) and not meta(nf_mark gt 24) or (u32(u16 0x1122 0xffff at nexthdr+4) and nbyte("ababa" at 12))',
          "not (cmp(u8 at 9 eq 6) or cmp(u8 at 9 eq 17)) and u32(u32 0xa000000 0xff000000 at 16)",
          "meta(priority mask 0xff eq 5) and meta(vlan eq 3) and meta(dev eq 2)",
          'meta(dev eq "d1") or meta(sk_rcvbuf shift 2 gt 100)',
          "meta(random lt 2147483648)",
          "canid(sff 0x123 sff 0x500:0x700 eff 0x1234)",
          "cmp(u32 at 0 trans eq 5)",
          'nbyte("\\x00\\x01ab" at 0 layer transport)'
        ]
        let priority = 1
        for (const match of matches)
          yield* roundTrip({
            ...where,
            protocol: match.startsWith("canid") ? "all" : "ip",
            priority: priority++,
            kind: "basic",
            options: { match, classid: "1:1" }
          })
        // no match: every packet
        yield* roundTrip({
          ...where,
          priority: 20,
          kind: "basic",
          actions: [{ kind: "gact", options: { action: "drop" } }]
        })
      })
    )
  )

  it.live("cgroup (with and without an ematch), flow map and hash, route", () =>
    withClsact(() =>
      Effect.gen(function* () {
        const cases: Array<Filter.Filter> = [
          { ...where, protocol: "ip", priority: 1, handle: 1, kind: "cgroup" },
          {
            ...where,
            protocol: "ip",
            priority: 2,
            handle: 1,
            kind: "cgroup",
            options: { match: "meta(nf_mark eq 5)" },
            actions: [{ kind: "gact", options: { action: "pass" } }]
          },
          {
            ...where,
            protocol: "ip",
            priority: 3,
            handle: 1,
            kind: "flow",
            options: {
              mode: "hash",
              keys: ["src", "dst", "proto-src", "proto-dst"],
              divisor: 1024,
              perturb: 10,
              baseclass: "1:1"
            }
          },
          {
            ...where,
            protocol: "ip",
            priority: 4,
            handle: 2,
            kind: "flow",
            options: {
              mode: "map",
              keys: ["mark"],
              mask: 0xff,
              xor: 3,
              rshift: 2,
              addend: 5,
              divisor: 16,
              baseclass: "1:10"
            }
          },
          {
            ...where,
            protocol: "ip",
            priority: 5,
            handle: 3,
            kind: "flow",
            options: {
              mode: "map",
              keys: ["dst"],
              mask: 0xfffffeff,
              xor: 0x100,
              addend: 0xf6000000,
              match: "cmp(u8 at 9 eq 17)"
            }
          },
          {
            ...where,
            protocol: "ip",
            priority: 6,
            kind: "route",
            options: { to: 10, from: 2, classid: "1:1" }
          },
          {
            ...where,
            protocol: "ip",
            priority: 7,
            kind: "route",
            options: { to: 10, fromif: "d1", classid: "1:1" }
          },
          { ...where, protocol: "ip", priority: 8, kind: "route", options: { from: 3, classid: "1:2" } }
        ]
        for (const c of cases) yield* roundTrip(c)
        // flow picks :1 of the qdisc when no baseclass is given
        const f = yield* roundTrip({
          ...where,
          protocol: "ip",
          priority: 9,
          handle: 4,
          kind: "flow",
          options: { mode: "map", keys: ["priority"] }
        })
        expect((f.options as any).baseclass).toBe("ffff:1")
      })
    )
  )

  it.live("change rewrites basic and flow filters in place", () =>
    withClsact(() =>
      Effect.gen(function* () {
        yield* Filter.add({
          ...where,
          protocol: "ip",
          priority: 1,
          kind: "basic",
          options: { match: "meta(nf_mark eq 1)", classid: "1:1" }
        })
        const [b] = yield* Filter.list(where)
        const changed: Filter.Filter = {
          ...b,
          options: { match: "meta(nf_mark eq 2) or cmp(u8 at 9 eq 6)", classid: "1:2" }
        }
        yield* Filter.change(changed)
        const [b2, ...rest] = yield* Filter.list(where)
        expect(rest).toHaveLength(0)
        expect(Filter.key(b2)).toBe(Filter.key(b))
        expect(Filter.equals(b2, changed), json(b2)).toBe(true)
        yield* Filter.remove(b2)

        yield* Filter.add({
          ...where,
          protocol: "ip",
          priority: 2,
          handle: 1,
          kind: "flow",
          options: { mode: "hash", keys: ["src"], divisor: 64 }
        })
        const flowChanged: Filter.Filter = {
          ...where,
          protocol: "ip",
          priority: 2,
          handle: 1,
          kind: "flow",
          options: { mode: "hash", keys: ["src", "dst"], divisor: 128, perturb: 5 }
        }
        yield* Filter.change(flowChanged)
        const [f2, ...more] = yield* Filter.list(where)
        expect(more).toHaveLength(0)
        expect(Filter.equals(f2, flowChanged), json(f2)).toBe(true)
        yield* Filter.remove(f2)
        expect(yield* Filter.list(where)).toEqual([])
      })
    )
  )

  it.live("property: random ematch trees add → list → equal; remove(listed) → as before", () =>
    withClsact(() =>
      Effect.gen(function* () {
        const hex = (n: number) => `0x${n.toString(16)}`
        const match = fc.oneof(
          fc
            .tuple(
              fc.constantFrom("u8", "u16", "u32"),
              fc.integer({ min: 0, max: 64 }),
              fc.constantFrom("", " layer link", " layer transport"),
              fc.constantFrom("eq", "gt", "lt"),
              fc.integer({ min: 0, max: 255 })
            )
            .map(([a, at, layer, op, v]) => `cmp(${a} at ${at}${layer} ${op} ${v})`),
          fc
            .tuple(
              fc.constantFrom("nf_mark", "priority", "pkt_len", "vlan", "tcindex"),
              fc.constantFrom("eq", "gt", "lt"),
              fc.nat(1000)
            )
            .map(([m, op, v]) => `meta(${m} ${op} ${v})`),
          fc
            .tuple(fc.integer({ min: 0, max: 15 }), fc.integer({ min: 1, max: 255 }))
            .map(([word, mask]) => `u32(u8 ${hex(mask)} ${hex(mask)} at ${word})`),
          fc.stringMatching(/^[a-z]{1,6}$/).map((s) => `nbyte("${s}" at 4)`)
        )
        const term: fc.Arbitrary<string> = fc.letrec<{ t: string }>((tie) => ({
          t: fc.oneof(
            { depthSize: "small", withCrossShrink: true },
            match,
            match.map((m) => `not ${m}`),
            fc.tuple(tie("t"), fc.constantFrom("and", "or"), tie("t")).map(([a, r, b]) => `(${a} ${r} ${b})`)
          )
        })).t
        const expr = fc
          .tuple(term, fc.array(fc.tuple(fc.constantFrom("and", "or"), term), { maxLength: 3 }))
          .map(([h, rest]) => [h, ...rest.map(([r, t]) => `${r} ${t}`)].join(" "))
        const samples = fc.sample(expr, propertyRuns(20))
        let priority = 1
        for (const m of samples)
          yield* roundTrip({
            ...where,
            protocol: "ip",
            priority: priority++,
            kind: "basic",
            options: { match: m }
          })
      })
    )
  )
})

describeFullKernel("flower keys", () => {
  it.live(
    "conntrack, ARP, tunnel options, ip flags, vlans, PPPoE, MPLS stack, L2TPv3, SPI, CFM list back equal",
    () =>
      withClsact(() =>
        Effect.gen(function* () {
          const cases: Array<Filter.Filter> = [
            {
              ...where,
              protocol: "ip",
              priority: 1,
              kind: "flower",
              options: { ctState: "+trk+est-new", ctZone: 5, ctMark: "0x10/0xff", ctLabel: "0102/0fff" },
              actions: [{ kind: "gact", options: { action: "pass" } }]
            },
            {
              ...where,
              protocol: "ip",
              priority: 2,
              kind: "flower",
              options: { ctState: "+trk+rpl", ctMark: 7 }
            },
            {
              ...where,
              protocol: "arp",
              priority: 3,
              kind: "flower",
              options: {
                arpSip: "10.0.0.0/8",
                arpTip: "10.1.1.1",
                arpOp: "request",
                arpSha: "02:00:00:00:00:01",
                arpTha: "02:00:00:00:00:00/24"
              }
            },
            {
              ...where,
              protocol: "ip",
              priority: 4,
              kind: "flower",
              options: {
                encDstPort: 6081,
                geneveOpts: "0102:80:00800022/ffff:ff:ffffffff,0103:81:12345678/ffff:ff:ffff0000"
              }
            },
            {
              ...where,
              protocol: "ip",
              priority: 5,
              kind: "flower",
              options: { encDstPort: 6081, geneveOpts: "0102:80:00800022" }
            },
            {
              ...where,
              protocol: "ip",
              priority: 6,
              kind: "flower",
              options: { encDstPort: 4789, vxlanGbp: "1234/0xffff" }
            },
            {
              ...where,
              protocol: "ip",
              priority: 7,
              kind: "flower",
              options: { erspanOpts: "1:12:0:0/1:65535:0:0" }
            },
            {
              ...where,
              protocol: "ip",
              priority: 8,
              kind: "flower",
              options: { erspanOpts: "2:0:1:63/2:0:1:63" }
            },
            { ...where, protocol: "ip", priority: 9, kind: "flower", options: { gtpOpts: "01:08" } },
            {
              ...where,
              protocol: "ip",
              priority: 10,
              kind: "flower",
              options: { ipFlags: "frag/nofirstfrag" }
            },
            {
              ...where,
              protocol: "802.1q",
              priority: 11,
              kind: "flower",
              options: { numOfVlans: 2, vlanId: 5 }
            },
            {
              ...where,
              protocol: "ppp_ses",
              priority: 12,
              kind: "flower",
              options: { pppoeSid: 1234, pppProto: "ip" }
            },
            {
              ...where,
              protocol: "mpls_uc",
              priority: 13,
              kind: "flower",
              options: {
                mpls: [
                  { depth: 1, label: 100, tc: 3 },
                  { depth: 2, bos: 1, ttl: 64 }
                ]
              }
            },
            {
              ...where,
              protocol: "mpls_uc",
              priority: 14,
              kind: "flower",
              options: { mpls: [{ depth: 1, label: 42 }] }
            },
            {
              ...where,
              protocol: "ip",
              priority: 15,
              kind: "flower",
              options: { ipProto: "l2tp", l2tpv3Sid: 4711 }
            },
            {
              ...where,
              protocol: "ip",
              priority: 16,
              kind: "flower",
              options: { ipProto: "esp", spi: "0x100/0xff00" }
            },
            {
              ...where,
              protocol: "0x8902",
              priority: 17,
              kind: "flower",
              options: { cfm: { mdl: 5, opcode: 1 } }
            }
          ]
          for (const c of cases) yield* roundTrip(c)
        })
      )
  )
})
