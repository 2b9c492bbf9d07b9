/**
 * virt_wifi, batadv, rmnet, ipoib and vxlan vnifilter requests against what iproute2 6.1
 * sent (test/fixtures/golden/link-add-{virt-wifi,batadv,batadv-default,rmnet,ipoib,
 * vxlan-vnifilter}.json): Link.addRequest compared as nlmsg type and flags, decoded bodies
 * and attribute trees; the fixture's kind data read back through the module gives the input.
 * (No machine here has an InfiniBand device: ipoib is checked here and, on a real kernel,
 * only for its error.)
 */
import { describe, expect, it } from "@effect/vitest"
import { Schema } from "effect"
import * as Link from "../../src/api/Link.ts"
import { byKind } from "../../src/api/link/registry.ts"
import { decodeLinkMessage } from "../../src/generated/rt-link/index.ts"
import { expectLinkLikeIproute2, messageDecoder, onlyMessage } from "./nlmsg.ts"

const decode = messageDecoder(decodeLinkMessage)

const parse = <A>(schema: Schema.Codec<A, any>, input: unknown): A =>
  Schema.decodeUnknownSync(schema as any, { onExcessProperty: "error" } as any)(input) as A

const request = (spec: Record<string, unknown>, resolved: Link.AddResolved = {}) =>
  Link.addRequest(parse(Link.specSchemas[spec.kind as Link.AddSpec["kind"]], spec) as Link.AddSpec, resolved)

/** The fixture read back through the kind's module and Link.equals gives the input. */
const expectReadBack = (
  spec: Record<string, unknown>,
  fixture: string,
  names: Record<number, string> = {}
) => {
  const m = decode(onlyMessage(fixture).bytes)
  const read = byKind.get(spec.kind as string)!.fromKernel(m.linkInfo?.data as any, {
    name: (i) => names[i] ?? i,
    link: m.link
  })
  const listed = { kind: spec.kind, name: spec.name, ...read } as unknown as Link.Link
  expect(Link.equals(listed, spec as unknown as Link.Link)).toBe(true)
  for (const [k, v] of Object.entries(spec)) expect([k, (listed as any)[k]]).toEqual([k, v])
}

/** IFLA_LINK of the captured request (d0's index in the capture namespace). */
const parentIndex = (fixture: string): number => decode(onlyMessage(fixture).bytes).link!

describe("Link.addRequest for virt_wifi, batadv, rmnet, ipoib, vxlan vnifilter matches ip link add", () => {
  it("virt_wifi: IFLA_LINK and the kind alone", () => {
    const link = parentIndex("link-add-virt-wifi")
    const spec = { kind: "virt_wifi", name: "vw0", link: "d0" }
    expectLinkLikeIproute2(request(spec, { link }), onlyMessage("link-add-virt-wifi"))
    expectReadBack(spec, "link-add-virt-wifi", { [link]: "d0" })
  })

  it("batadv with ra, and without options", () => {
    expectLinkLikeIproute2(
      request({ kind: "batadv", name: "bat0", ra: "BATMAN_V" }),
      onlyMessage("link-add-batadv")
    )
    expectLinkLikeIproute2(request({ kind: "batadv", name: "bat1" }), onlyMessage("link-add-batadv-default"))
    // the kernel never reports the algorithm: it is compared only when both sides give it
    expect(
      Link.equals(
        { kind: "batadv", name: "bat0", ra: "BATMAN_V" } as any,
        { kind: "batadv", name: "bat0" } as any
      )
    ).toBe(true)
  })

  it("rmnet with mux_id; flags go with the mask of every flag", () => {
    const link = parentIndex("link-add-rmnet")
    const spec = { kind: "rmnet", name: "rm0", link: "d0", muxId: 5 }
    expectLinkLikeIproute2(request(spec, { link }), onlyMessage("link-add-rmnet"))
    expectReadBack(spec, "link-add-rmnet", { [link]: "d0" })
    const withFlags = decode(
      request({ ...spec, flags: ["egress-chksumv5", "ingress-deaggregation"] }, { link })
    ).linkInfo?.data as any
    expect(withFlags).toMatchObject({ muxId: 5, flags: { flags: 0x21, mask: 0x3f } })
    expect(byKind.get("rmnet")!.fromKernel(withFlags, { name: (i) => i })).toMatchObject({
      muxId: 5,
      flags: ["ingress-deaggregation", "egress-chksumv5"]
    })
  })

  it("ipoib with pkey, mode and umcast", () => {
    const link = parentIndex("link-add-ipoib")
    const spec = { kind: "ipoib", name: "ib0", link: "d0", pkey: 0x8001, mode: "connected", umcast: true }
    expectLinkLikeIproute2(request(spec, { link }), onlyMessage("link-add-ipoib"))
    expectReadBack(spec, "link-add-ipoib", { [link]: "d0" })
  })

  it("vxlan external with vnifilter and no id", () => {
    const spec = { kind: "vxlan", name: "vx0", dstport: 4789, external: true, vnifilter: true }
    expectLinkLikeIproute2(request(spec), onlyMessage("link-add-vxlan-vnifilter"))
    expectReadBack(spec, "link-add-vxlan-vnifilter")
  })

  it("checks: rmnet mux_id 1..254, ipoib pkey 0x8001..0xffff, unknown rmnet flag names", () => {
    for (const bad of [
      { kind: "rmnet", name: "r", link: "d0", muxId: 0 },
      { kind: "rmnet", name: "r", link: "d0", muxId: 255 },
      { kind: "rmnet", name: "r", link: "d0", muxId: 1, flags: ["nosuch"] },
      { kind: "rmnet", name: "r", muxId: 1 },
      { kind: "ipoib", name: "i", link: "d0", pkey: 0x8000 },
      { kind: "virt_wifi", name: "w" }
    ])
      expect(() => request(bad), JSON.stringify(bad)).toThrow()
  })
})

/** Every IFLA_BR_* option `ip link add ... type bridge` (6.1) takes, in the model's names and units. */
const bridgeAll = {
  kind: "bridge",
  name: "br9",
  forwardDelay: 800,
  helloTime: 300,
  maxAge: 3000,
  ageingTime: 20000,
  stpState: false,
  priority: 100,
  vlanFiltering: true,
  vlanProtocol: "802.1ad",
  vlanDefaultPvid: 7,
  vlanStatsEnabled: true,
  vlanStatsPerPort: true,
  groupFwdMask: 0x4000,
  groupAddress: "01:80:c2:00:00:0e",
  multicastSnooping: true,
  mcastVlanSnooping: true,
  multicastRouter: 2,
  multicastQueryUseIfaddr: true,
  multicastQuerier: true,
  multicastHashMax: 1024,
  multicastLastMemberCount: 3,
  multicastStartupQueryCount: 4,
  // centiseconds, as ip takes and prints them (the kernel converts to jiffies)
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
}

describe("bridge: every IFLA_BR_* option and the MULTI_BOOLOPT bits, as ip link sends them", () => {
  it("add with every option ip 6.1 takes; read back equal", () => {
    expectLinkLikeIproute2(request(bridgeAll), onlyMessage("link-add-bridge-all"))
    expectReadBack(bridgeAll, "link-add-bridge-all")
  })

  it("set one boolopt off: value 0 with only its selector bit", () => {
    const theirs = onlyMessage("link-set-bridge-boolopt")
    const index = decode(theirs.bytes).index
    const ours = Link.setRequest(index, { kind: "bridge", noLinklocalLearn: false } as Link.KindChanges)
    expectLinkLikeIproute2(ours, theirs)
  })

  it("a kernel that does not know a boolopt bit: verify names it", () => {
    const v = byKind.get("bridge")!.verify!
    expect(v({ mstEnabled: true }, { multiBoolopt: { value: 0, selector: 0b11 } } as any)?.[0]).toBe(
      "mstEnabled"
    )
    expect(v({ mstEnabled: true }, { multiBoolopt: { value: 4, selector: 0b111 } } as any)).toBeUndefined()
    expect(byKind.get("bridge")!.verifies!({ stpState: true })).toBe(false)
  })
})
