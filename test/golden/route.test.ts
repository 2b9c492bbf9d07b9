/**
 * Route requests against what iproute2 sent (test/fixtures/golden/route-*.json):
 * decoded with the generated decoder and compared as objects, plus type, flags
 * and the attribute tree.
 */
import { describe, expect, it } from "@effect/vitest"
import * as Route from "../../src/api/Route.ts"
import { decodeRouteMessage } from "../../src/generated/rt-route/index.ts"
import { loadFixture, nlmsgHeader as header, NLM_F_ACK, onlyMessage, requestChecks } from "./nlmsg.ts"

const RTMSG = 12
const RTA_MULTIPATH = 9

/**
 * RTA_MULTIPATH and RTA_METRICS hold records / attributes without NLA_F_NESTED in
 * iproute2's requests: parse them as nests so the trees compare the contents.
 */
const nested = (path: ReadonlyArray<number>) => (path.length === 1 && path[0] === 8 ? true : undefined)

/** `expectSame(ours, theirs, false)` for requests iproute2 sends without NLM_F_ACK (route get). */
const { decode, tree, expectSame } = requestChecks(decodeRouteMessage, RTMSG, nested)

/** The fixture's single request, and the RTA_OIF it carries (our request uses the same index). */
const fixture = (name: string, exitCode = 0) => {
  const bytes = onlyMessage(name, exitCode).bytes
  return { bytes, oif: decode(bytes).oif }
}

describe("Route requests match iproute2", () => {
  it("route add 10.2.0.0/16 via 10.1.2.1", () => {
    const { bytes } = fixture("route-add-via")
    expectSame(Route.addRequest({ destination: "10.2.0.0/16", gateway: "10.1.2.1" }), bytes)
  })

  it("route replace 10.2.0.0/16 via 10.1.2.1", () => {
    const { bytes } = fixture("route-replace")
    expectSame(Route.replaceRequest({ destination: "10.2.0.0/16", gateway: "10.1.2.1" }), bytes)
  })

  it("route del 10.2.0.0/16 via 10.1.2.1 (protocol and type unset, scope nowhere)", () => {
    const { bytes } = fixture("route-del")
    expectSame(Route.removeRequest({ destination: "10.2.0.0/16", gateway: "10.1.2.1" }), bytes)
  })

  it("route add 10.3.0.0/16 dev d0 table 1000 metric 50 proto static (rtm_table 0 + RTA_TABLE)", () => {
    const { bytes, oif } = fixture("route-add-dev-table-metric-proto")
    expect(oif).toBeGreaterThan(0)
    expectSame(
      Route.addRequest(
        { destination: "10.3.0.0/16", dev: "d0", table: 1000, metric: 50, protocol: "static" },
        oif
      ),
      bytes
    )
    expectSame(
      Route.addRequest({ destination: "10.3.0.0/16", dev: oif!, table: 1000, metric: 50, protocol: 4 }, oif),
      bytes
    )
  })

  it("route add 2001:db8:1::/48 via 2001:db8::2", () => {
    const { bytes } = fixture("route-add-ipv6-via")
    expectSame(Route.addRequest({ destination: "2001:db8:1::/48", gateway: "2001:db8::2" }), bytes)
  })

  it("route add 10.6.0.0/16 via 10.1.2.1 mtu 1400 advmss 1300 (RTA_METRICS)", () => {
    const { bytes } = fixture("route-add-metrics")
    expectSame(
      Route.addRequest({ destination: "10.6.0.0/16", gateway: "10.1.2.1", mtu: 1400, advmss: 1300 }),
      bytes
    )
    expectSame(
      Route.addRequest({
        destination: "10.6.0.0/16",
        gateway: "10.1.2.1",
        metrics: { mtu: 1400, advmss: 1300 }
      }),
      bytes
    )
  })

  it("route add 10.7.0.0/16 dev d0 scope link src 10.1.2.3", () => {
    const { bytes, oif } = fixture("route-add-scope-src")
    const options = { destination: "10.7.0.0/16", dev: "d0", scope: "link", prefsrc: "10.1.2.3" } as const
    expectSame(Route.addRequest(options, oif), bytes)
    // link scope is also the default for a unicast route without a gateway
    const { scope: _, ...noScope } = options
    expectSame(Route.addRequest(noScope, oif), bytes)
  })

  for (const type of ["blackhole", "unreachable", "prohibit"] as const) {
    it(`route add ${type} 10.5.0.0/16`, () => {
      const { bytes } = fixture(`route-add-${type}`)
      expectSame(Route.addRequest({ destination: "10.5.0.0/16", type }), bytes)
    })
  }

  it("route add 10.4.0.0/16 nexthop via 10.1.2.1 weight 1 nexthop via 10.1.2.2 weight 3", () => {
    const { bytes } = fixture("route-add-multipath")
    const ours = Route.addRequest({
      destination: "10.4.0.0/16",
      nexthops: [
        { gateway: "10.1.2.1", weight: 1 },
        { gateway: "10.1.2.2", weight: 3 }
      ]
    })
    expect(decode(ours)).toEqual(decode(bytes))
    expect(decode(ours).multipath).toEqual([
      { flags: 0, hops: 0, ifindex: 0, gateway: "10.1.2.1" },
      { flags: 0, hops: 2, ifindex: 0, gateway: "10.1.2.2" }
    ])
    // RTA_MULTIPATH goes without NLA_F_NESTED, as iproute2 sends it (records, not attributes).
    const a = tree(ours)
    const b = tree(bytes)
    const mpA = a.attrs.find((x) => x.type === RTA_MULTIPATH)!
    const mpB = b.attrs.find((x) => x.type === RTA_MULTIPATH)!
    expect(mpB.flags).toBeUndefined()
    expect(mpA.flags).toBeUndefined()
    expect(header(ours).type).toBe(header(bytes).type)
    expect(header(ours).flags | NLM_F_ACK).toBe(header(bytes).flags)
    expect(a).toEqual(b)
    const records = (msg: Uint8Array) => {
      const view = new DataView(msg.buffer, msg.byteOffset, msg.byteLength)
      let off = 16 + RTMSG
      while (off < msg.length) {
        const len = view.getUint16(off, true)
        if ((view.getUint16(off + 2, true) & 0x3fff) === RTA_MULTIPATH)
          return msg.subarray(off + 4, off + len)
        off += (len + 3) & ~3
      }
      throw new Error("no RTA_MULTIPATH")
    }
    expect(records(ours)).toEqual(records(bytes))
  })

  it("route get 10.2.3.4 (RTM_F_LOOKUP_TABLE)", () => {
    const { bytes } = fixture("route-get")
    // ip route get asks for no ack; the engine adds NLM_F_ACK when it sends ours
    expectSame(Route.getRequest("10.2.3.4"), bytes, false)
  })

  it("route get 10.2.3.4 from 10.1.2.3 iif d0 mark 5", () => {
    const { bytes } = fixture("route-get-from-iif-mark", 2)
    const iif = decode(bytes).iif
    expect(iif).toBeGreaterThan(0)
    expectSame(Route.getRequest("10.2.3.4", { from: "10.1.2.3", mark: 5 }, { iif }), bytes, false)
  })

  it("defaults as ip: local routes go to table local with scope host; tables < 256 in the header", () => {
    const local = decode(Route.addRequest({ destination: "10.9.9.9", type: "local" }, 3))
    expect(local).toMatchObject({ dstLen: 32, tableId: 255, scope: 254, type: 2, protocol: 3 })
    expect(local.table).toBeUndefined()
    const t100 = decode(Route.addRequest({ destination: "default", gateway: "10.0.0.1", table: 100 }))
    expect(t100).toMatchObject({ family: 2, dstLen: 0, tableId: 100, scope: 0 })
    expect(t100.dst).toBeUndefined()
    expect(t100.table).toBeUndefined()
    const v6default = decode(Route.addRequest({ destination: "default", dev: 3, family: "inet6" }, 3))
    expect(v6default).toMatchObject({ family: 10, dstLen: 0, scope: 0, oif: 3 })
    const v6del = decode(Route.removeRequest({ destination: "2001:db8::/32" }))
    expect(v6del).toMatchObject({ family: 10, scope: 0, type: 0, protocol: 0, tableId: 254 })
    const bhdel = decode(Route.removeRequest({ destination: "10.5.0.0/16", type: "blackhole" }))
    expect(bhdel).toMatchObject({ scope: 255, type: 6, protocol: 0 })
    const onlink = decode(
      Route.addRequest(
        { destination: "10.8.0.0/16", gateway: "192.0.2.1", dev: 3, onlink: true, pref: "high" },
        3
      )
    )
    expect(onlink).toMatchObject({ flags: 4, scope: 0, pref: 1 })
    const locked = decode(
      Route.addRequest({ destination: "10.8.0.0/16", dev: 3, metrics: { mtu: 1300, locked: ["mtu"] } }, 3)
    )
    expect(locked.metrics).toEqual({ mtu: 1300, lock: 1 << 2 })
  })

  it("route add 10.8.0.0/24 via inet6 fe80::1 dev d0 (RTA_VIA: u16 family, address)", () => {
    const { bytes, oif } = fixture("route-add-via-inet6")
    expect(oif).toBeGreaterThan(0)
    const ours = Route.addRequest(
      { destination: "10.8.0.0/24", via: { family: "inet6", address: "fe80::1" }, dev: "d0" },
      oif
    )
    expectSame(ours, bytes)
    const m = decode(ours)
    expect(m.gateway).toBeUndefined()
    expect(Array.from(m.via!)).toEqual([10, 0, 0xfe, 0x80, ...new Array(13).fill(0), 1])
  })

  it("list: family, protocol and type in the header, table in RTA_TABLE, oif in RTA_OIF", () => {
    const bytes = Route.listRequest({ family: "inet", table: 1000, protocol: "static", type: "unicast" }, 3)
    expect(header(bytes)).toMatchObject({ type: 26, flags: 0x301 })
    expect(decode(bytes)).toEqual({
      family: 2,
      dstLen: 0,
      srcLen: 0,
      tos: 0,
      tableId: 0,
      protocol: 4,
      scope: 0,
      type: 1,
      flags: 0,
      table: 1000,
      oif: 3
    })
    expect(decode(Route.listRequest({})).table).toBe(254)
    expect(decode(Route.listRequest({ table: "all" })).table).toBeUndefined()
  })

  it("route add 10.31.0.0/16 dev d0 realms 3/5 (RTA_FLOW)", () => {
    const { bytes, oif } = fixture("route-add-realms")
    expectSame(
      Route.addRequest({ destination: "10.31.0.0/16", dev: oif!, realms: (3 << 16) | 5 }, oif),
      bytes
    )
  })

  it("route add 2001:db8:9::/48 dev d0 expires 100 (RTA_EXPIRES)", () => {
    const { bytes, oif } = fixture("route-add-expires")
    expectSame(Route.addRequest({ destination: "2001:db8:9::/48", dev: oif!, expires: 100 }, oif), bytes)
    expect(decode(bytes).expires).toBe(100)
  })

  it("route add 10.32.0.0/16 dev d0 congctl lock cubic fastopen_no_cookie 1 (RTAX_CC_ALGO locked)", () => {
    const { bytes, oif } = fixture("route-add-congctl-lock")
    expectSame(
      Route.addRequest(
        {
          destination: "10.32.0.0/16",
          dev: oif!,
          metrics: { ccAlgo: "cubic", fastopenNoCookie: 1, locked: ["ccAlgo"] }
        },
        oif
      ),
      bytes
    )
  })

  it("route get fibmatch 10.2.3.4 (RTM_F_FIB_MATCH)", () => {
    const { bytes } = fixture("route-get-fibmatch")
    expectSame(Route.getRequest("10.2.3.4", { fibMatch: true }), bytes, false)
  })

  it("route get 10.2.3.4 connected: the first lookup is ip's", () => {
    // iproute2 6.1 then resends its first request unchanged (its edits of the
    // answer are lost); ours asks from the answer's preferred source, as documented
    const messages = loadFixture("route-get-connected").messages
    expect(messages).toHaveLength(2)
    expectSame(Route.getRequest("10.2.3.4", { connected: true }), messages[0]!.bytes, false)
    const second = decode(Route.getRequest("10.2.3.4", { from: "10.1.2.3" }))
    expect(second).toMatchObject({ ...decode(messages[0]!.bytes), srcLen: 32, src: "10.1.2.3" })
  })
})
