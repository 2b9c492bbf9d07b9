/**
 * MPLS label route requests against what iproute2 sent
 * (test/fixtures/golden/mpls-route-*.json; the host has no mpls_router, so
 * the kernel refused them after they were captured). Device d0 is ifindex 3.
 */
import { describe, expect, it } from "@effect/vitest"
import * as Mpls from "../../src/api/Mpls.ts"
import { decodeRouteMessage } from "../../src/generated/rt-route/index.ts"
import { onlyMessage, requestChecks } from "./nlmsg.ts"

const D0 = 3
const RTA_MULTIPATH = 9
// RTA_MULTIPATH holds rtnexthop records without NLA_F_NESTED: parse it as a nest of them
const nested = (path: ReadonlyArray<number>) =>
  path.length === 1 && path[0] === RTA_MULTIPATH ? true : undefined
const { decode, expectSame } = requestChecks(decodeRouteMessage, 12, nested)
const fixture = (name: string) => onlyMessage(name, 2).bytes

describe("MPLS route requests match iproute2", () => {
  it("-f mpls route add 100 as 200/300 via inet 10.1.2.1 dev d0", () => {
    const r: Mpls.MplsRoute = {
      label: 100,
      as: [200, 300],
      via: { family: "inet", address: "10.1.2.1" },
      dev: D0
    }
    expectSame(Mpls.request("add", r, { dev: D0 }), fixture("mpls-route-add"))
    // read back from ip's request: the same route
    expect(Mpls.equals(Mpls.fromMessage(decode(fixture("mpls-route-add"))), r)).toBe(true)
  })

  it("-f mpls route add 101 via inet6 2001:db8::2 dev d0 ttl-propagate enabled", () => {
    const r: Mpls.MplsRoute = {
      label: 101,
      via: { family: "inet6", address: "2001:db8::2" },
      dev: D0,
      ttlPropagate: true
    }
    expectSame(Mpls.request("add", r, { dev: D0 }), fixture("mpls-route-add-via6"))
    expect(Mpls.fromMessage(decode(fixture("mpls-route-add-via6")))).toEqual({ ...r, protocol: "boot" })
  })

  it("-f mpls route add 102 dev d0 (pop)", () => {
    expectSame(Mpls.request("add", { label: 102, dev: D0 }, { dev: D0 }), fixture("mpls-route-add-dev"))
  })

  it("-f mpls route add 103 with two nexthops (labels, via)", () => {
    const r: Mpls.MplsRoute = {
      label: 103,
      nexthops: [
        { as: [300], via: { family: "inet", address: "10.1.2.1" }, dev: D0 },
        { as: [301], via: { family: "inet", address: "10.1.2.2" }, dev: D0 }
      ]
    }
    const theirs = fixture("mpls-route-add-multipath")
    expectSame(Mpls.request("add", r, { nexthops: [D0, D0] }), theirs)
    expect(Mpls.equals(Mpls.fromMessage(decode(theirs)), r)).toBe(true)
  })

  it("-f mpls route replace 100 as 400 via inet 10.1.2.1 dev d0 ttl-propagate disabled", () => {
    const r: Mpls.MplsRoute = {
      label: 100,
      as: [400],
      via: { family: "inet", address: "10.1.2.1" },
      dev: D0,
      ttlPropagate: false
    }
    expectSame(Mpls.request("replace", r, { dev: D0 }), fixture("mpls-route-replace"))
  })

  it("-f mpls route del 100: the label only (a listed route sends the same)", () => {
    expectSame(Mpls.request("remove", { label: 100 }), fixture("mpls-route-del"))
    const listed: Mpls.MplsRoute = {
      label: 100,
      protocol: "boot",
      as: [200],
      via: { family: "inet", address: "10.1.2.1" },
      dev: "d0"
    }
    expect(Mpls.request("remove", { ...listed, protocol: undefined }, { dev: D0 })).toEqual(
      Mpls.request("remove", { label: 100 })
    )
  })

  it("the dump request of ip -f mpls route show: AF_MPLS, nothing else", () => {
    const d = decode(Mpls.listRequest())
    expect(d).toMatchObject({ family: 28, dstLen: 0, tableId: 0, protocol: 0, type: 0 })
  })
})
