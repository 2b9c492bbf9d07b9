/**
 * Nexthop requests against what iproute2 sent (test/fixtures/golden/nexthop-*.json):
 * decoded with the generated decoder and compared as objects and attribute trees,
 * plus type and flags. Device d0 is ifindex 3 in every capture (lo 1, d1 2).
 */
import { describe, expect, it } from "@effect/vitest"
import * as Nexthop from "../../src/api/Nexthop.ts"
import * as Encap from "../../src/api/nexthop/Encap.ts"
import * as Route from "../../src/api/Route.ts"
import { decodeNexthopMessage } from "../../src/generated/rt-nexthop/index.ts"
import { decodeRouteMessage } from "../../src/generated/rt-route/index.ts"
import { hexToBytes, nlmsgHeader, onlyMessage, requestChecks } from "./nlmsg.ts"

const NHMSG = 8
const D0 = 3

const { decode, expectSame, tree } = requestChecks(decodeNexthopMessage, NHMSG)
/**
 * expectSame for requests with NHA_ENCAP: ip leaves its padding bytes
 * uninitialised, so the encapsulation is compared decoded (and as an
 * attribute tree, which excludes padding).
 */
const expectSameEncap = (ours: Uint8Array, theirs: Uint8Array): void => {
  const a = nlmsgHeader(ours)
  const b = nlmsgHeader(theirs)
  expect(a.type).toBe(b.type)
  expect(a.flags | 4).toBe(b.flags)
  const { encap: ea, ...ra } = decode(ours)
  const { encap: eb, ...rb } = decode(theirs)
  expect(ra).toEqual(rb)
  expect(Encap.decode(ra.encapType!, ea!)).toEqual(Encap.decode(rb.encapType!, eb!))
  expect(tree(ours)).toEqual(tree(theirs))
}

const fixture = (name: string, exitCode = 0): Uint8Array => onlyMessage(name, exitCode).bytes

/**
 * A request iproute2 6.1 sent for a dump, copied from its strace output (the
 * capture tool cannot split ip's two-iovec dump sendto): nlmsghdr + body.
 */
const dumpSent = (type: number, body: string): Uint8Array => {
  const b = hexToBytes(body)
  const out = new Uint8Array(16 + b.length)
  const v = new DataView(out.buffer)
  v.setUint32(0, out.length, true)
  v.setUint16(4, type, true)
  v.setUint16(6, 0x301, true) // NLM_F_REQUEST | NLM_F_DUMP
  out.set(b, 16)
  return out
}

describe("Nexthop requests match iproute2 fixtures", () => {
  it("nexthop add id 1 via 10.1.2.1 dev d0", () => {
    expectSame(Nexthop.addRequest({ id: 1, gateway: "10.1.2.1", dev: D0 }), fixture("nexthop-add-via"))
  })

  it("nexthop add id 2 via 10.9.9.9 dev d0 onlink proto static", () => {
    const ours = Nexthop.addRequest({ id: 2, gateway: "10.9.9.9", dev: D0, onlink: true, protocol: "static" })
    expectSame(ours, fixture("nexthop-add-onlink-proto"))
    expect(decode(ours)).toMatchObject({ family: 2, protocol: 4, flags: 4 })
  })

  it("nexthop add id 3 blackhole", () => {
    expectSame(Nexthop.addRequest({ id: 3, blackhole: true }), fixture("nexthop-add-blackhole"))
  })

  it("nexthop add id 4 via 2001:db8::2 dev d0 (family inet6)", () => {
    expectSame(Nexthop.addRequest({ id: 4, gateway: "2001:db8::2", dev: D0 }), fixture("nexthop-add-ipv6"))
  })

  it("nexthop add id 5 via 10.1.2.1 fdb", () => {
    expectSame(Nexthop.addRequest({ id: 5, gateway: "10.1.2.1", fdb: true }), fixture("nexthop-add-fdb"))
  })

  it("nexthop add id 6 dev d0 (family inet by default)", () => {
    expectSame(Nexthop.addRequest({ id: 6, dev: D0 }), fixture("nexthop-add-dev"))
    expectSame(Nexthop.addRequest({ id: 6, dev: D0, family: "inet" }), fixture("nexthop-add-dev"))
  })

  it("nexthop add id 7 encap mpls 100/200 ttl 5 via 10.1.2.1 dev d0", () => {
    const ours = Nexthop.addRequest({
      id: 7,
      gateway: "10.1.2.1",
      dev: D0,
      encap: { type: "mpls", labels: [100, 200], ttl: 5 }
    })
    // the capture's kernel lacks MPLS tunnels: the request ip sent is still the reference
    expectSameEncap(ours, fixture("nexthop-add-encap-mpls", 2))
  })

  it("nexthop add id 8 encap ip id 100 dst 10.9.9.9 src 10.1.2.3 tos 4 ttl 9 key csum dev d0", () => {
    const ours = Nexthop.addRequest({
      id: 8,
      dev: D0,
      encap: { type: "ip", id: 100n, dst: "10.9.9.9", src: "10.1.2.3", tos: 4, ttl: 9, key: true, csum: true }
    })
    expectSameEncap(ours, fixture("nexthop-add-encap-ip"))
  })

  it("nexthop add id 9 encap ip6 id 7 dst 2001:db8::9 hoplimit 3 tc 1 dev d0", () => {
    const ours = Nexthop.addRequest({
      id: 9,
      dev: D0,
      encap: { type: "ip6", id: 7n, dst: "2001:db8::9", hoplimit: 3, tc: 1 }
    })
    expectSameEncap(ours, fixture("nexthop-add-encap-ip6"))
  })

  it("nexthop add id 10 group 1/2,3 (weight-1 on the wire, family unspec)", () => {
    const ours = Nexthop.addRequest({ id: 10, group: [{ id: 1 }, { id: 2, weight: 3 }] })
    expectSame(ours, fixture("nexthop-add-group"))
    expectSame(
      Nexthop.addRequest({
        id: 10,
        group: [
          { id: 1, weight: 1 },
          { id: 2, weight: 3 }
        ],
        type: "mpath"
      }),
      fixture("nexthop-add-group")
    )
    expect(Array.from(decode(ours).group!)).toEqual([1, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 2, 0, 0, 0])
  })

  it("nexthop add id 11 group 1/2,3 type resilient buckets 32 idle_timer 100 unbalanced_timer 200", () => {
    const ours = Nexthop.addRequest({
      id: 11,
      group: [{ id: 1 }, { id: 2, weight: 3 }],
      type: "resilient",
      resilient: { buckets: 32, idleTimer: 100, unbalancedTimer: 200 }
    })
    expectSame(ours, fixture("nexthop-add-resilient"))
    // timers in clock ticks (USER_HZ 100)
    expect(decode(ours).resGroup).toEqual({ buckets: 32, idleTimer: 10000, unbalancedTimer: 20000 })
  })

  it("nexthop add id 12 group 5 fdb", () => {
    expectSame(
      Nexthop.addRequest({ id: 12, group: [{ id: 5 }], fdb: true }),
      fixture("nexthop-add-fdb-group")
    )
  })

  it("nexthop replace id 1 via 10.1.2.2 dev d0", () => {
    expectSame(Nexthop.replaceRequest({ id: 1, gateway: "10.1.2.2", dev: D0 }), fixture("nexthop-replace"))
  })

  it("nexthop del id 1 and get id 1", () => {
    expectSame(Nexthop.removeRequest(1), fixture("nexthop-del"))
    expectSame(Nexthop.getRequest(1), fixture("nexthop-get"), false)
    expect(decode(Nexthop.getRequest(1, true)).opFlags).toBe(Nexthop.NhaOpFlags.dumpStats)
  })

  it("nexthop bucket get id 11 index 3", () => {
    const theirs = fixture("nexthop-bucket-get")
    const ours = Nexthop.bucketRequest({ id: 11, index: 3 })
    expect(nlmsgHeader(ours).type).toBe(nlmsgHeader(theirs).type)
    expect(nlmsgHeader(ours).flags).toBe(nlmsgHeader(theirs).flags)
    expect(decode(ours)).toEqual(decode(theirs))
  })

  it("dumps: show, show dev d0, show groups, show fdb, bucket show (as ip 6.1 sent them)", () => {
    const zero = "0000000000000000"
    expectSame(Nexthop.listRequest({}), dumpSent(106, zero), false)
    expectSame(Nexthop.listRequest({ oif: D0 }), dumpSent(106, `${zero}0800050003000000`), false)
    expectSame(Nexthop.listRequest({ groups: true }), dumpSent(106, `${zero}04000900`), false)
    expectSame(Nexthop.listRequest({ fdb: true }), dumpSent(106, `${zero}04000b00`), false)
    const bucketAll = Nexthop.bucketRequest({})
    expect(nlmsgHeader(bucketAll)).toMatchObject({ type: 118, flags: 0x301 })
    expect(bucketAll.slice(16)).toEqual(hexToBytes(zero))
    expect(decode(Nexthop.listRequest({ master: 7 })).master).toBe(7)
    expect(decode(Nexthop.bucketRequest({ id: 11, nexthop: 2 }))).toMatchObject({
      id: 11,
      resBucket: { nhId: 2 }
    })
  })

  it("a nexthop read back from each captured add is added with the same request", () => {
    for (const name of [
      "nexthop-add-via",
      "nexthop-add-onlink-proto",
      "nexthop-add-blackhole",
      "nexthop-add-ipv6",
      "nexthop-add-fdb",
      "nexthop-add-dev",
      "nexthop-add-group",
      "nexthop-add-resilient",
      "nexthop-add-fdb-group",
      "nexthop-add-encap-ip",
      "nexthop-add-encap-ip6",
      "nexthop-add-encap-mpls"
    ]) {
      const bytes = fixture(name, name.endsWith("mpls") ? 2 : 0)
      const model = Nexthop.fromMessage(decode(bytes))
      if (model.encap !== undefined) expectSameEncap(Nexthop.addRequest(model), bytes)
      else expectSame(Nexthop.addRequest(model), bytes)
    }
  })
})

describe("Routes using a nexthop object match iproute2", () => {
  it("route add 10.6.0.0/16 nhid 1", () => {
    const { expectSame: same } = requestChecks(decodeRouteMessage, 12)
    same(Route.addRequest({ destination: "10.6.0.0/16", nexthopId: 1 }), fixture("route-add-nhid"))
  })
})

describe("Route encapsulation matches iproute2", () => {
  const { decode: decodeRoute, tree: routeTree } = requestChecks(decodeRouteMessage, 12)
  /** Header, attributes and the decoded encapsulation (ip leaves padding bytes uninitialised). */
  const same = (ours: Uint8Array, theirs: Uint8Array): void => {
    expect(nlmsgHeader(ours).type).toBe(nlmsgHeader(theirs).type)
    expect(nlmsgHeader(ours).flags | 4).toBe(nlmsgHeader(theirs).flags)
    const { encap: ea, multipath: ma, ...ra } = decodeRoute(ours)
    const { encap: eb, multipath: mb, ...rb } = decodeRoute(theirs)
    expect(ra).toEqual(rb)
    if (ea !== undefined || eb !== undefined)
      expect(Encap.decode(ra.encapType!, ea!)).toEqual(Encap.decode(rb.encapType!, eb!))
    const hops = (m: typeof ma) =>
      m?.map(({ encap, unknown, ...h }) => ({
        ...h,
        encap: Encap.decode(h.encapType!, encap ?? unknown![0]!.data)
      }))
    expect(hops(ma)).toEqual(hops(mb))
    // RTA_MULTIPATH records are compared decoded above: ip leaves padding inside them uninitialised
    const outer = (b: Uint8Array) => {
      const t = routeTree(b)
      return { ...t, attrs: t.attrs.filter((x) => x.type !== 9) }
    }
    expect(outer(ours)).toEqual(outer(theirs))
  }

  it("route add 10.5.0.0/16 encap mpls 100/200 ttl 5 via 10.1.2.1 dev d0", () => {
    const r: Route.Route = {
      destination: "10.5.0.0/16",
      gateway: "10.1.2.1",
      encap: { type: "mpls", labels: [100, 200], ttl: 5 }
    }
    same(Route.addRequest(r, D0), fixture("route-add-encap-mpls", 2))
    // read back from ip's request, the same route
    expect(
      Route.equals(Route.fromMessage(decodeRoute(fixture("route-add-encap-mpls", 2))), { ...r, dev: D0 })
    ).toBe(true)
  })

  it("route add 10.6.0.0/16 encap ip id 100 dst 10.9.9.9 src 10.1.2.3 tos 4 ttl 9 key csum dev d0", () => {
    const r: Route.Route = {
      destination: "10.6.0.0/16",
      encap: { type: "ip", id: 100n, dst: "10.9.9.9", src: "10.1.2.3", tos: 4, ttl: 9, key: true, csum: true }
    }
    same(Route.addRequest(r, D0), fixture("route-add-encap-ip"))
  })

  it("route add 10.7.0.0/16 encap ip6 id 7 dst 2001:db8::9 hoplimit 3 tc 1 dev d0", () => {
    const r: Route.Route = {
      destination: "10.7.0.0/16",
      encap: { type: "ip6", id: 7n, dst: "2001:db8::9", hoplimit: 3, tc: 1 }
    }
    same(Route.addRequest(r, D0), fixture("route-add-encap-ip6"))
  })

  it("route add 10.12.0.0/16 encap seg6 mode encap segs 2001:db8::a,2001:db8::b dev d0", () => {
    const e: Encap.Encap = { type: "seg6", mode: "encap", segments: ["2001:db8::a", "2001:db8::b"] }
    same(Route.addRequest({ destination: "10.12.0.0/16", encap: e }, D0), fixture("route-add-encap-seg6"))
    expect(Encap.decode(5, decodeRoute(fixture("route-add-encap-seg6")).encap!)).toEqual(e)
  })

  it("route add 2001:db8:5::/48 encap seg6 mode inline segs 2001:db8::c dev d0", () => {
    const e: Encap.Encap = { type: "seg6", mode: "inline", segments: ["2001:db8::c"] }
    same(
      Route.addRequest({ destination: "2001:db8:5::/48", encap: e }, D0),
      fixture("route-add-encap-seg6-inline")
    )
    expect(Encap.decode(5, decodeRoute(fixture("route-add-encap-seg6-inline")).encap!)).toEqual(e)
  })

  it("route add 10.13.0.0/16 encap seg6 mode l2encap segs 2001:db8::a hmac 7 dev d0", () => {
    const e: Encap.Encap = { type: "seg6", mode: "l2encap", segments: ["2001:db8::a"], hmac: 7 }
    same(
      Route.addRequest({ destination: "10.13.0.0/16", encap: e }, D0),
      fixture("route-add-encap-seg6-hmac")
    )
    expect(Encap.decode(5, decodeRoute(fixture("route-add-encap-seg6-hmac")).encap!)).toEqual(e)
  })

  it("multipath with an encapsulation per nexthop", () => {
    const r: Route.Route = {
      destination: "10.8.0.0/16",
      nexthops: [
        { dev: D0, encap: { type: "ip", id: 1n, dst: "10.9.9.1" } },
        { dev: D0, encap: { type: "ip", id: 2n, dst: "10.9.9.2" } }
      ]
    }
    same(Route.addRequest(r, undefined, [D0, D0]), fixture("route-add-encap-multipath"))
  })
})

describe("seg6local, ioam6 route encapsulation matches iproute2", () => {
  const { decode: decodeRoute, tree: routeTree } = requestChecks(decodeRouteMessage, 12)
  /** Header, attributes, the attribute tree (padding excluded) and the decoded encapsulation. */
  const same = (ours: Uint8Array, theirs: Uint8Array): void => {
    expect(nlmsgHeader(ours).type).toBe(nlmsgHeader(theirs).type)
    expect(nlmsgHeader(ours).flags | 4).toBe(nlmsgHeader(theirs).flags)
    const { encap: ea, ...ra } = decodeRoute(ours)
    const { encap: eb, ...rb } = decodeRoute(theirs)
    expect(ra).toEqual(rb)
    expect(Encap.decode(ra.encapType!, ea!)).toEqual(Encap.decode(rb.encapType!, eb!))
    expect(routeTree(ours)).toEqual(routeTree(theirs))
  }
  const cases: ReadonlyArray<readonly [string, string, Encap.Encap, number?]> = [
    ["route-add-seg6local-end", "fc00::1/128", { type: "seg6local", action: "End" }],
    ["route-add-seg6local-end-x", "fc00::2/128", { type: "seg6local", action: "End.X", nh6: "2001:db8::2" }],
    ["route-add-seg6local-end-t", "fc00::3/128", { type: "seg6local", action: "End.T", table: 100 }],
    // d1 is ifindex 2 in the capture
    ["route-add-seg6local-end-dx2", "fc00::4/128", { type: "seg6local", action: "End.DX2", oif: 2 }],
    [
      "route-add-seg6local-end-dx6",
      "fc00::5/128",
      { type: "seg6local", action: "End.DX6", nh6: "2001:db8::3" }
    ],
    ["route-add-seg6local-end-dx4", "fc00::6/128", { type: "seg6local", action: "End.DX4", nh4: "10.1.2.1" }],
    ["route-add-seg6local-end-dt6", "fc00::7/128", { type: "seg6local", action: "End.DT6", table: 100 }],
    [
      "route-add-seg6local-end-dt6-vrf",
      "fc00::8/128",
      { type: "seg6local", action: "End.DT6", vrftable: 100 },
      2
    ],
    [
      "route-add-seg6local-end-dt4",
      "fc00::9/128",
      { type: "seg6local", action: "End.DT4", vrftable: 100 },
      2
    ],
    [
      "route-add-seg6local-end-dt46",
      "fc00::a/128",
      { type: "seg6local", action: "End.DT46", vrftable: 100 },
      2
    ],
    [
      "route-add-seg6local-end-b6",
      "fc00::b/128",
      { type: "seg6local", action: "End.B6", srh: { segments: ["2001:db8::a", "2001:db8::b"] } }
    ],
    [
      "route-add-seg6local-end-b6-encaps",
      "fc00::c/128",
      { type: "seg6local", action: "End.B6.Encaps", srh: { segments: ["2001:db8::a"], hmac: 5 } }
    ],
    [
      "route-add-seg6local-end-bm",
      "fc00::d/128",
      { type: "seg6local", action: "End.BM", srh: { segments: ["2001:db8::a"] } },
      2
    ],
    ["route-add-seg6local-end-s", "fc00::e/128", { type: "seg6local", action: "End.S", table: 100 }, 2],
    ["route-add-seg6local-end-as", "fc00::f/128", { type: "seg6local", action: "End.AS" }, 2],
    ["route-add-seg6local-end-am", "fc00::10/128", { type: "seg6local", action: "End.AM" }, 2],
    ["route-add-seg6local-count", "fc00::11/128", { type: "seg6local", action: "End", counters: true }],
    [
      "route-add-seg6local-flavors",
      "fc00::12/128",
      { type: "seg6local", action: "End", flavors: { operations: ["psp", "usd"] } },
      2
    ],
    [
      "route-add-seg6local-next-csid",
      "fc00::13/128",
      { type: "seg6local", action: "End", flavors: { operations: ["next-csid"], lblen: 24, nflen: 8 } }
    ],
    [
      "route-add-ioam6",
      "fc00::20/128",
      { type: "ioam6", freq: { k: 1, n: 1 }, trace: { namespace: 1, type: 0x800000, size: 12 } },
      2
    ],
    [
      "route-add-ioam6-encap",
      "fc00::21/128",
      {
        type: "ioam6",
        freq: { k: 1, n: 1 },
        mode: "encap",
        tundst: "2001:db8::9",
        trace: { namespace: 7, type: 0xc00000, size: 16 }
      },
      2
    ],
    [
      "route-add-ioam6-auto",
      "fc00::22/128",
      {
        type: "ioam6",
        freq: { k: 1, n: 1 },
        mode: "auto",
        tundst: "2001:db8::9",
        trace: { namespace: 2, type: 0x800000, size: 8 }
      },
      2
    ]
  ]
  for (const [name, destination, encap, exit] of cases)
    it(`${name}: ${JSON.stringify(encap)}`, () => {
      const theirs = fixture(name, exit ?? 0)
      same(Route.addRequest({ destination, encap }, D0), theirs)
      // ip's request read back is the same route (the kernel's defaults filled in)
      const listed = Route.fromMessage(decodeRoute(theirs))
      expect(Route.equals(listed, { destination, encap, dev: D0 })).toBe(true)
    })

  it("canonical fills next-csid's default lengths and drops ioam6's 1/1 frequency and counter values", () => {
    expect(
      Encap.canonical({ type: "seg6local", action: "End", flavors: { operations: ["next-csid"] } })
    ).toEqual({
      type: "seg6local",
      action: "End",
      flavors: { operations: ["next-csid"], lblen: 32, nflen: 16 }
    })
    expect(
      Encap.canonical({
        type: "ioam6",
        freq: { k: 1, n: 1 },
        trace: { namespace: 1, type: 0x800000, size: 12 }
      })
    ).toEqual({ type: "ioam6", mode: "inline", trace: { namespace: 1, type: 0x800000, size: 12 } })
    expect(
      Encap.canonical({
        type: "seg6local",
        action: "End",
        counters: true,
        status: { packets: 5n, bytes: 500n, errors: 0n }
      })
    ).toEqual({ type: "seg6local", action: "End", counters: true })
  })
})
