/**
 * dummy / vlan / bond / vrf requests against what iproute2 sent
 * (test/fixtures/golden/link-add-{dummy,vlan*,bond*,vrf}.json): Link.addRequest with
 * IFLA_LINKINFO from the kind modules (src/api/link/kinds), compared as nlmsg type and
 * flags, decoded bodies and attribute trees; plus the kinds' input Schemas.
 */
import { describe, expect, it } from "@effect/vitest"
import { Schema } from "effect"
import * as Link from "../../src/api/Link.ts"
import {
  decodeIndexedAddresses,
  encodeIndexedAddresses,
  ignoredOptions
} from "../../src/api/link/kinds/bond.ts"
import { decodeLinkMessage } from "../../src/generated/rt-link/index.ts"
import { expectLinkLikeIproute2, loadFixture, messageDecoder, onlyMessage } from "./nlmsg.ts"

const decode = messageDecoder(decodeLinkMessage)

/** Link.addRequest for a spec validated by Link's own input Schema (as Link.add does). */
const addRequest = (spec: Link.AddSpec, resolved: Link.AddResolved = {}): Uint8Array =>
  Link.addRequest(parse(Link.specSchemas[spec.kind], spec), resolved)

/** The fixture's only message (exit status not checked: kernels without the kind reject it). */
const expectLikeIproute2 = (ours: Uint8Array, fixture: string) =>
  expectLinkLikeIproute2(ours, onlyMessage(fixture))

/** The ifindex of the parent (IFLA_LINK) or of a device named in the kind data, from the fixture. */
const fixtureLink = (fixture: string): number => decode(loadFixture(fixture).messages[0].bytes).link!

const parse = <A>(schema: Schema.Codec<A, any>, input: unknown): A =>
  Schema.decodeUnknownSync(schema as any, { onExcessProperty: "error" } as any)(input) as A

describe("Link.addRequest for dummy, vlan, bond and vrf matches ip link add", () => {
  it("dummy: the kind alone", () => {
    expectLikeIproute2(addRequest({ kind: "dummy", name: "dummy0" }), "link-add-dummy")
  })

  it("vlan id 5 on d0 (IFLA_LINK = d0)", () => {
    const link = fixtureLink("link-add-vlan")
    expectLikeIproute2(addRequest({ kind: "vlan", name: "v5", link: "d0", id: 5 }, { link }), "link-add-vlan")
  })

  it("vlan protocol 802.1ad id 6: IFLA_VLAN_PROTOCOL big-endian 0x88a8", () => {
    const link = fixtureLink("link-add-vlan-8021ad")
    expectLikeIproute2(
      addRequest({ kind: "vlan", name: "v6", link: "d0", id: 6, protocol: "802.1ad" }, { link }),
      "link-add-vlan-8021ad"
    )
  })

  it("vlan egress-qos-map 1:2 3:4 ingress-qos-map 1:2, as a record or as pairs", () => {
    const link = fixtureLink("link-add-vlan-qos-map")
    const base = { kind: "vlan", name: "v7", link: "d0", id: 7 } as const
    expectLikeIproute2(
      addRequest({ ...base, egressQos: { 3: 4, 1: 2 }, ingressQos: { 1: 2 } }, { link }),
      "link-add-vlan-qos-map"
    )
    expectLikeIproute2(
      addRequest(
        {
          ...base,
          egressQos: [
            [1, 2],
            [3, 4]
          ],
          ingressQos: [[1, 2]]
        },
        { link }
      ),
      "link-add-vlan-qos-map"
    )
  })

  it("vlan flags: mask has every flag named, flags those turned on", () => {
    const link = fixtureLink("link-add-vlan-flags")
    const flags = { reorderHdr: false, gvrp: true, looseBinding: true, mvrp: false, bridgeBinding: true }
    expectLikeIproute2(
      addRequest({ kind: "vlan", name: "v8", link: "d0", id: 8, flags }, { link }),
      "link-add-vlan-flags"
    )
  })

  it("bond mode 802.3ad miimon 100, and mode by number", () => {
    expectLikeIproute2(
      addRequest({ kind: "bond", name: "bond0", mode: "802.3ad", miimon: 100 }),
      "link-add-bond-8023ad"
    )
    expectLikeIproute2(
      addRequest({ kind: "bond", name: "bond0", mode: 4, miimon: 100 }),
      "link-add-bond-8023ad"
    )
  })

  it("bond mode active-backup", () => {
    expectLikeIproute2(
      addRequest({ kind: "bond", name: "bond0", mode: "active-backup" }),
      "link-add-bond-active-backup"
    )
  })

  it("bond 802.3ad with LACP, hashing and delay options", () => {
    const spec: Link.AddSpec = {
      kind: "bond",
      name: "bond0",
      mode: "802.3ad",
      miimon: 100,
      updelay: 200,
      downdelay: 400,
      lacpRate: "fast",
      adSelect: "bandwidth",
      xmitHashPolicy: "layer3+4",
      minLinks: 1,
      adActorSysPrio: 100,
      adUserPortKey: 10,
      adActorSystem: "02:00:00:00:00:aa",
      useCarrier: true,
      allSlavesActive: false,
      resendIgmp: 2,
      numPeerNotif: 3,
      lacpActive: true
    }
    expectLikeIproute2(addRequest(spec), "link-add-bond-8023ad-options")
  })

  it("bond ARP monitoring: targets as slot-typed nests, NS targets, validation", () => {
    const spec: Link.AddSpec = {
      kind: "bond",
      name: "bond1",
      mode: "active-backup",
      arpInterval: 1000,
      arpIpTargets: ["10.0.0.1", "10.0.0.2"],
      nsIp6Targets: ["2001:db8::1"],
      arpValidate: "all",
      arpAllTargets: "all",
      primaryReselect: "better",
      failOverMac: "active",
      missedMax: 3
    }
    expectLikeIproute2(addRequest(spec), "link-add-bond-arp")
  })

  it("bond primary d0: IFLA_BOND_PRIMARY is the resolved index", () => {
    const f = decode(loadFixture("link-add-bond-primary").messages[0].bytes)
    const data = f.linkInfo?.data
    if (data?.kind !== "bond") throw new Error("fixture is not a bond")
    const base = { kind: "bond", name: "bond2", mode: "active-backup", miimon: 100 } as const
    expectLikeIproute2(
      addRequest({ ...base, primary: "d0" }, { devices: { primary: data.primary! } }),
      "link-add-bond-primary"
    )
    // the index can be given directly
    expectLikeIproute2(addRequest({ ...base, primary: data.primary! }), "link-add-bond-primary")
  })

  it("bond balance-alb with tlb_dynamic_lb, lp_interval, packets_per_slave", () => {
    expectLikeIproute2(
      addRequest({
        kind: "bond",
        name: "bond3",
        mode: "balance-alb",
        tlbDynamicLb: true,
        lpInterval: 2,
        packetsPerSlave: 4
      }),
      "link-add-bond-balance-alb"
    )
  })

  it("vrf table 10", () => {
    expectLikeIproute2(addRequest({ kind: "vrf", name: "vrf0", table: 10 }), "link-add-vrf")
  })
})

/** A kind's options inside a whole input, checked by that kind's input Schema. */
const withKind = (kind: "vlan" | "bond" | "vrf", o: object) => ({ kind, name: "x0", ...o })

describe("link kind inputs", () => {
  const fails = (kind: "vlan" | "bond" | "vrf", input: object): string => {
    try {
      parse(Link.specSchemas[kind], withKind(kind, input))
    } catch (e) {
      return String(e)
    }
    throw new Error(`accepted ${JSON.stringify(input)}`)
  }

  it("vlan ids beyond 4094, PCPs beyond 7 and unknown protocols are refused", () => {
    expect(fails("vlan", { link: "d0", id: 4095 })).toContain("id")
    expect(fails("vlan", { link: "d0", id: 1, egressQos: { 1: 8 } })).toContain("egressQos")
    expect(fails("vlan", { link: "d0", id: 1, ingressQos: [[8, 1]] })).toContain("ingressQos")
    expect(fails("vlan", { link: "d0", id: 1, protocol: "802.1x" })).toContain("protocol")
    expect(fails("vlan", { id: 1 })).toContain("link")
  })

  it("bond enum names follow ip; numbers outside the kernel's range are refused", () => {
    expect(fails("bond", { mode: "lacp" })).toContain("mode")
    expect(fails("bond", { mode: 7 })).toContain("mode")
    expect(fails("bond", { xmitHashPolicy: "layer3" })).toContain("xmitHashPolicy")
    expect(fails("bond", { arpIpTargets: ["10.0.0.300"] })).toContain("arpIpTargets")
    expect(fails("bond", { adUserPortKey: 1024 })).toContain("adUserPortKey")
    expect(
      fails("bond", { arpIpTargets: Array.from({ length: 17 }, (_, i) => `10.0.0.${i + 1}`) })
    ).toContain("arpIpTargets")
  })

  it("vrf tables 0, 253, 254 and 255 are reserved", () => {
    for (const table of [0, 253, 254, 255]) expect(fails("vrf", { table })).toContain("table")
    expect(parse<Link.VrfSpec>(Link.specSchemas.vrf, withKind("vrf", { table: 0xffffffff })).table).toBe(
      0xffffffff
    )
  })

  it("indexed address nests round-trip in slot order", () => {
    const addrs = ["10.0.0.1", "10.0.0.2", "192.168.1.1"]
    expect(decodeIndexedAddresses(encodeIndexedAddresses(addrs))).toEqual(addrs)
    expect(decodeIndexedAddresses(encodeIndexedAddresses(["2001:db8::1", "fe80::1"]))).toEqual([
      "2001:db8::1",
      "fe80::1"
    ])
  })

  it("bond options a kernel did not report back are named with the version that added them", () => {
    const spec = parse<Link.BondSpec>(
      Link.specSchemas.bond,
      withKind("bond", { mode: "802.3ad", coupledControl: false, broadcastNeighbor: true })
    )
    expect(ignoredOptions(spec, { mode: 4 })).toEqual([
      { field: "coupledControl", uapi: "IFLA_BOND_COUPLED_CONTROL", since: "6.9" },
      { field: "broadcastNeighbor", uapi: "IFLA_BOND_BROADCAST_NEIGH", since: "6.17" }
    ])
    expect(ignoredOptions(spec, { mode: 4, coupledControl: 0 })).toEqual([
      { field: "broadcastNeighbor", uapi: "IFLA_BOND_BROADCAST_NEIGH", since: "6.17" }
    ])
    expect(ignoredOptions(spec, { mode: 4, coupledControl: 0, broadcastNeigh: 1 })).toEqual([])
    expect(
      ignoredOptions(parse(Link.specSchemas.bond, withKind("bond", { mode: "802.3ad" })), undefined)
    ).toEqual([])
  })
})
