/**
 * The filter kinds of the second pass against what `tc` 6.1 sent
 * (test/fixtures/golden/tcf-f2-*.json): basic with ematch trees (cmp, meta, u32, nbyte,
 * canid; and/or/not and groups as containers), cgroup, flow (map and hash), route, and the
 * flower keys ct, arp, tunnel options (geneve, vxlan, erspan, gtp), ip_flags, num_of_vlans,
 * pppoe and MPLS label stack entries. TCA_OPTIONS and the action list are opened; every other
 * attribute is compared byte for byte.
 */
import { describe, expect, it } from "@effect/vitest"
import * as Filter from "../../src/api/Filter.ts"
import { attributeTree, NLM_F_ACK, nlmsgHeader, onlyMessage } from "./nlmsg.ts"

const TCMSG = 20
const IFINDEX = 3 // d0 in the capture namespace
const DEVICES = { d1: 2 } // d1, its peer

const actAttr: Record<string, number> = { basic: 3, cgroup: 1, flow: 9, route: 6, flower: 3 }
const nestedFor = (kind: string) => (path: ReadonlyArray<number>) =>
  (path.length === 1 && path[0] === 2) ||
  (path.length === 2 && path[0] === 2 && path[1] === actAttr[kind]) ||
  (path.length === 3 && path[0] === 2 && path[1] === actAttr[kind]) ||
  (path.length === 4 && path[0] === 2 && path[1] === actAttr[kind] && path[3] === 2)

const expectSameTc = (f: Filter.Filter, name: string): void => {
  const ours = Filter.request("add", f, IFINDEX, DEVICES)
  const theirs = onlyMessage(`tcf-f2-${name}`).bytes
  const a = nlmsgHeader(ours)
  const b = nlmsgHeader(theirs)
  expect(a.len).toBe(ours.length)
  expect(a.type).toBe(b.type)
  expect(a.flags | NLM_F_ACK).toBe(b.flags)
  expect(attributeTree(ours, TCMSG, nestedFor(f.kind))).toEqual(
    attributeTree(theirs, TCMSG, nestedFor(f.kind))
  )
}

const d0 = { dev: "d0", parent: "ingress" } as const

describe("Filter requests match tc fixtures: basic and ematch trees", () => {
  const basic = (name: string, priority: number, match: string, classid = "1:1", protocol = "ip") =>
    it(name, () =>
      expectSameTc({ ...d0, protocol, priority, kind: "basic", options: { match, classid } }, name)
    )
  basic("basic-cmp", 1, "cmp(u16 at 3 layer 2 mask 0xff00 gt 20)")
  basic(
    "basic-tree",
    2,
    'cmp(u16 at 3 layer 2 mask 0xff00 gt 20) and not meta(nf_mark gt 24) or ( u32(u16 0x1122 0xffff at nexthdr+4) and nbyte("ababa" at 12 layer 1) )'
  )
  basic(
    "basic-not-group",
    3,
    "not (cmp(u8 at 9 layer network eq 6) or cmp(u8 at 9 layer network eq 17)) and u32(u32 0x0a000000 0xff000000 at 16)",
    "1:2"
  )
  basic("basic-meta", 4, "meta(priority mask 0xff eq 5) and meta(vlan eq 3) and meta(dev eq 3)")
  basic("basic-meta-lt", 5, "meta(random lt 2147483648) or meta(sk_rcvbuf gt 100)", "1:2")
  basic("basic-canid", 6, "canid(sff 0x123 sff 0x500:0x700 eff 0x1234)", "1:1", "all")
  basic("basic-cmp-trans", 7, "cmp(u32 at 0 trans eq 5)", "1:2")
  it("the canonical text of each tree encodes to the same bytes", () => {
    for (const [name, match] of [
      [
        "basic-tree",
        'cmp(u16 at 3 layer transport mask 0xff00 gt 20) and not meta(nf_mark gt 24) or (u32(u16 0x1122 0xffff at nexthdr+4) and nbyte("ababa" at 12))'
      ],
      ["basic-not-group", "not (cmp(u8 at 9 eq 6) or cmp(u8 at 9 eq 17)) and u32(u8 0xa 0xff at 16)"]
    ] as const) {
      const c = Filter.canonical({ ...d0, protocol: "ip", kind: "basic", options: { match } }) as any
      expect(c.options.match).toBe(match)
      expectSameTc(
        {
          ...d0,
          protocol: "ip",
          priority: name === "basic-tree" ? 2 : 3,
          kind: "basic",
          options: { match, classid: name === "basic-tree" ? "1:1" : "1:2" }
        },
        name
      )
    }
  })
  it("cgroup with an ematch and an action", () => {
    expectSameTc(
      {
        ...d0,
        protocol: "ip",
        priority: 8,
        kind: "cgroup",
        options: { match: "meta(nf_mark eq 5)" },
        actions: [{ kind: "gact", options: { action: "pass" } }]
      },
      "cgroup-ematch"
    )
  })
  it("cgroup alone", () => {
    expectSameTc(
      {
        ...d0,
        protocol: "ip",
        priority: 11,
        kind: "cgroup",
        actions: [{ kind: "gact", options: { action: "drop" } }]
      },
      "cgroup"
    )
  })
})

describe("Filter requests match tc fixtures: route and flow", () => {
  it("route to/from realms", () => {
    expectSameTc(
      { ...d0, protocol: "ip", priority: 10, kind: "route", options: { to: 10, from: 2, classid: "1:1" } },
      "route-to-from"
    )
  })
  it("route fromif (a device, resolved to its index)", () => {
    expectSameTc(
      {
        ...d0,
        protocol: "ip",
        priority: 10,
        kind: "route",
        options: { to: 10, fromif: "d1", classid: "1:1" }
      },
      "route-fromif"
    )
  })
  it("flow hash", () => {
    expectSameTc(
      {
        ...d0,
        protocol: "ip",
        priority: 12,
        kind: "flow",
        options: {
          mode: "hash",
          keys: ["src", "dst", "proto-src", "proto-dst"],
          divisor: 1024,
          perturb: 10,
          baseclass: "1:1"
        }
      },
      "flow-hash"
    )
  })
  it("flow map with and/xor/rshift/addend", () => {
    expectSameTc(
      {
        ...d0,
        protocol: "ip",
        priority: 12,
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
      "flow-map"
    )
  })
  it("flow map: tc's 'or 0x100' as mask and xor, '-10.0.0.0' as a wrapped addend", () => {
    expectSameTc(
      {
        ...d0,
        protocol: "ip",
        priority: 12,
        kind: "flow",
        options: { mode: "map", keys: ["dst"], mask: 0xfffffeff, xor: 0x100, addend: 0xf6000000 }
      },
      "flow-map-or"
    )
  })
})

describe("Filter requests match tc fixtures: flower keys", () => {
  const flower = (
    name: string,
    protocol: string,
    priority: number,
    options: object,
    actions?: Array<Filter.Action>
  ) =>
    it(name, () => {
      const f = {
        ...d0,
        protocol,
        priority,
        kind: "flower",
        options,
        ...(actions ? { actions } : {})
      } as Filter.Filter
      expectSameTc(f, name)
    })
  flower(
    "flower-ct",
    "ip",
    20,
    { ctState: "+trk+est-new", ctZone: 5, ctMark: "0x10/0xff", ctLabel: "0102/0fff" },
    [{ kind: "gact", options: { action: "pass" } }]
  )
  flower("flower-arp", "arp", 21, {
    arpSip: "10.0.0.0/8",
    arpTip: "10.1.1.1",
    arpOp: "request",
    arpSha: "02:00:00:00:00:01",
    arpTha: "02:00:00:00:00:00/24"
  })
  flower("flower-geneve", "ip", 22, {
    encDstPort: 6081,
    geneveOpts: "0102:80:00800022/ffff:ff:ffffffff,0103:81:12345678/ffff:ff:ffff0000"
  })
  flower("flower-vxlan", "ip", 23, { encDstPort: 4789, vxlanGbp: "1234/0xffff" })
  flower("flower-erspan1", "ip", 24, { erspanOpts: "1:12:0:0/1:65535:0:0" })
  flower("flower-erspan2", "ip", 24, { erspanOpts: "2:0:1:63/2:0:1:63" })
  flower("flower-gtp", "ip", 25, { gtpOpts: "1:8/ff:ff" })
  flower("flower-ip-flags", "ip", 26, { ipFlags: "frag/nofirstfrag" })
  flower("flower-num-vlans", "802.1q", 27, { numOfVlans: 2, vlanId: 5 })
  flower("flower-pppoe", "ppp_ses", 28, { pppoeSid: 1234, pppProto: "ip" })
  flower("flower-mpls-lse", "mpls_uc", 29, {
    mpls: [
      { depth: 1, label: 100, tc: 3 },
      { depth: 2, bos: 1, ttl: 64 }
    ]
  })
  it("canonical forms: the text options, ct state and labels, arp op, a depth-1 stack as single keys", () => {
    const c = (options: object) =>
      (Filter.canonical({ ...d0, protocol: "ip", kind: "flower", options } as Filter.Filter) as any).options
    expect(c({ geneveOpts: "0102:80:00800022" }).geneveOpts).toBe("0102:80:00800022")
    expect(c({ geneveOpts: "102:80:00800022/ffff:ff:ffffff00" }).geneveOpts).toBe(
      "0102:80:00800022/ffff:ff:ffffff00"
    )
    expect(c({ gtpOpts: "1:8/ff:ff" }).gtpOpts).toBe("01:08")
    expect(c({ erspanOpts: "1:12:0:0" }).erspanOpts).toBe("1:12:0:0/255:4294967295:255:255")
    expect(c({ ctState: "-new+trk+est" }).ctState).toBe("-new+est+trk")
    expect(c({ ctLabel: "0102/0fff" }).ctLabel).toBe(`0102${"0".repeat(28)}/0fff${"0".repeat(28)}`)
    expect(c({ ctMark: 16 }).ctMark).toBe(16)
    expect(c({ arpOp: 2 }).arpOp).toBe("reply")
    expect(c({ ipFlags: "nofirstfrag/frag" }).ipFlags).toBe("frag/nofirstfrag")
    expect(c({ mpls: [{ depth: 1, label: 7, ttl: 3 }] })).toMatchObject({ mplsLabel: 7, mplsTtl: 3 })
    expect(c({ mpls: [{ depth: 1, label: 7, ttl: 3 }] }).mpls).toBeUndefined()
  })
})
