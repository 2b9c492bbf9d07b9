/**
 * Bridge VLAN requests against what `bridge vlan` sent (test/fixtures/golden/vlan-*.json):
 * AF_BRIDGE link messages (IFLA_AF_SPEC) and RTM_NEWVLAN messages, compared as decoded
 * objects and attribute trees, plus type and flags.
 */
import { describe, expect, it } from "@effect/vitest"
import * as BridgeVlan from "../../src/api/BridgeVlan.ts"
import { decodeBridgeLinkMessage, decodeVlanMessage } from "../../src/generated/rt-vlan/index.ts"
import { nlmsgHeader as header, onlyMessage, requestChecks } from "./nlmsg.ts"

// IFLA_AF_SPEC and IFLA_BRIDGE_VLAN_TUNNEL_INFO are nests sent without NLA_F_NESTED
const linkChecks = requestChecks(decodeBridgeLinkMessage, 16, (p) => {
  const s = p.join(",")
  return s === "26" || s === "26,3"
})
const vlanChecks = requestChecks(decodeVlanMessage, 8)

const link = (name: string) => {
  const bytes = onlyMessage(name).bytes
  return { bytes, ifindex: linkChecks.decode(bytes).index }
}
const vlan = (name: string) => {
  const bytes = onlyMessage(name).bytes
  return { bytes, ifindex: vlanChecks.decode(bytes).ifindex }
}

describe("BridgeVlan requests match bridge", () => {
  it("vlan add vid 10 dev d0", () => {
    const { bytes, ifindex } = link("vlan-add")
    linkChecks.expectSame(BridgeVlan.addRequest({ dev: "d0", vid: 10 }, ifindex), bytes)
  })

  it("vlan add vid 5 dev d0 pvid untagged", () => {
    const { bytes, ifindex } = link("vlan-add-pvid-untagged")
    linkChecks.expectSame(
      BridgeVlan.addRequest({ dev: "d0", vid: 5, pvid: true, untagged: true }, ifindex),
      bytes
    )
  })

  it("vlan add vid 20-30 dev d0 untagged", () => {
    const { bytes, ifindex } = link("vlan-add-range")
    linkChecks.expectSame(
      BridgeVlan.addRequest({ dev: "d0", vid: 20, vidEnd: 30, untagged: true }, ifindex),
      bytes
    )
  })

  it("vlan add vid 40 dev br0 self", () => {
    const { bytes, ifindex } = link("vlan-add-self")
    linkChecks.expectSame(BridgeVlan.addRequest({ dev: "br0", vid: 40, self: true }, ifindex), bytes)
  })

  it("vlan del vid 20-30 dev d0", () => {
    const { bytes, ifindex } = link("vlan-del-range")
    expect(header(bytes).type).toBe(17)
    linkChecks.expectSame(BridgeVlan.removeRequest({ dev: "d0", vid: 20, vidEnd: 30 }, ifindex), bytes)
    // a listed entry's tunnel mapping goes with the VLAN: not sent
    linkChecks.expectSame(
      BridgeVlan.removeRequest({ dev: "d0", vid: 20, vidEnd: 30, tunnelId: 5, state: "blocking" }, ifindex),
      bytes
    )
  })

  it("vlan add dev d0 vid 100 tunnel_info id 1000", () => {
    const { bytes, ifindex } = link("vlan-add-tunnel")
    linkChecks.expectSame(BridgeVlan.tunnelRequest({ dev: "d0", vid: 100, tunnelId: 1000 }, ifindex), bytes)
  })

  it("vlan add dev d0 vid 200-210 tunnel_info id 2000-2010", () => {
    const { bytes, ifindex } = link("vlan-add-tunnel-range")
    linkChecks.expectSame(
      BridgeVlan.tunnelRequest({ dev: "d0", vid: 200, vidEnd: 210, tunnelId: 2000 }, ifindex),
      bytes
    )
  })

  it("add with tunnelId: the VLAN, then its tunnel mapping, in one message", () => {
    const vlanOnly = link("vlan-add-range")
    const tunnelOnly = link("vlan-add-tunnel-range")
    const m = linkChecks.decode(
      BridgeVlan.addRequest({ dev: "d0", vid: 200, vidEnd: 210, tunnelId: 2000 }, 4)
    )
    expect(m.afSpec?.vlanInfo).toEqual([
      { flags: 8, vid: 200 },
      { flags: 16, vid: 210 }
    ])
    expect(m.afSpec?.vlanTunnelInfo).toEqual(linkChecks.decode(tunnelOnly.bytes).afSpec?.vlanTunnelInfo)
    expect(linkChecks.decode(vlanOnly.bytes).afSpec?.vlanInfo?.map((v) => v.flags & 0x18)).toEqual([8, 16])
  })

  it("vlan set dev d0 vid 10 state blocking mcast_router 2", () => {
    const { bytes, ifindex } = vlan("vlan-set-options")
    vlanChecks.expectSame(
      BridgeVlan.optionsRequest({ dev: "d0", vid: 10, state: "blocking", mcastRouter: 2 }, ifindex)!,
      bytes
    )
  })

  it("vlan set dev d0 vid 20-30 state learning", () => {
    const { bytes, ifindex } = vlan("vlan-set-range-state")
    vlanChecks.expectSame(
      BridgeVlan.optionsRequest({ dev: "d0", vid: 20, vidEnd: 30, state: "learning" }, ifindex)!,
      bytes
    )
    expect(BridgeVlan.optionsRequest({ dev: "d0", vid: 20 }, ifindex)).toBeUndefined()
  })

  it("vlan global set dev br0 vid 10-12 mcast_snooping 1 ...", () => {
    const { bytes, ifindex } = vlan("vlan-global-set")
    vlanChecks.expectSame(
      BridgeVlan.globalRequest(
        {
          dev: "br0",
          vid: 10,
          vidEnd: 12,
          mcastSnooping: true,
          mcastIgmpVersion: 3,
          mcastMldVersion: 2,
          mcastQuerier: true,
          mcastQueryInterval: 12000n,
          mcastLastMemberCount: 3
        },
        ifindex
      ),
      bytes
    )
  })

  it("dump requests as `bridge -d vlan show` and `bridge vlan global show` send them", () => {
    // strace shows them inside a larger buffer the capture script cannot split: the bytes
    // here are those of iproute2 6.1 (br_vlan_msg, BRIDGE_VLANDB_DUMP_FLAGS)
    const hex = (b: Uint8Array) => Buffer.from(b.subarray(16)).toString("hex")
    expect(header(BridgeVlan.listRequest({}))).toEqual({ len: 32, type: 114, flags: 0x301 })
    expect(hex(BridgeVlan.listRequest({}))).toBe("07000000000000000800010000000000")
    expect(hex(BridgeVlan.listRequest({ global: true }))).toBe("07000000000000000800010002000000")
    expect(hex(BridgeVlan.listRequest({ stats: true }, 4))).toBe("07000000040000000800010001000000")
  })
})
