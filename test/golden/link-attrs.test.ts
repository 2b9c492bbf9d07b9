/**
 * Link settings of issue 11 (GSO/GRO limits, addrgenmode, IPv6 token,
 * protodown, XDP detach, alternative names) and lookups by a long alternative
 * name (issue 20) against what iproute2 6.1 sent (test/fixtures/golden):
 * nlmsg type and flags, decoded bodies and attribute trees.
 */
import { describe, expect, it } from "vitest"
import {
  altnameRequest,
  fromMessage,
  getRequest,
  setRequest,
  tokenRequest,
  vfRequest,
  xdpAttrs,
  xdpRequest
} from "../../src/api/Link.ts"
import { decodeLinkMessage } from "../../src/generated/rt-link/index.ts"
import { attributeTree, expectLinkLikeIproute2, loadFixture, messageDecoder } from "./nlmsg.ts"

const decode = messageDecoder(decodeLinkMessage)
const first = (name: string) => loadFixture(name).messages[0]!
const indexOf = (name: string) => decode(first(name).bytes).index
const LONG_ALT = "uplink-to-the-datacenter-core-switch"

describe("Link.set of issue 11's settings matches ip link set", () => {
  const cases: ReadonlyArray<[string, Parameters<typeof setRequest>[1]]> = [
    ["link-set-gso", { gsoMaxSize: 32768, gsoMaxSegs: 100 }],
    ["link-set-gro", { groMaxSize: 32768 }],
    ["link-set-addrgenmode", { addrgenmode: "none" }],
    ["link-set-protodown", { protodown: true }]
  ]
  for (const [name, changes] of cases)
    it(name, () => expectLinkLikeIproute2(setRequest(indexOf(name), changes), first(name)))
})

describe("ip token set, XDP detach, alternative names", () => {
  it("token-set: RTM_SETLINK, family AF_INET6, IFLA_AF_SPEC/AF_INET6/IFLA_INET6_TOKEN", () => {
    const f = first("token-set")
    const ours = tokenRequest(decode(f.bytes).index, "::1a")
    expectLinkLikeIproute2(ours, f)
    expect(decode(ours).afSpec?.inet6?.token).toBe("::1a")
  })

  it("link-set-xdp-off and link-set-xdpgeneric-off: IFLA_XDP fd -1 with ip's flags", () => {
    for (const [name, mode] of [
      ["link-set-xdp-off", undefined],
      ["link-set-xdpgeneric-off", "skb"]
    ] as const) {
      const f = first(name)
      const ours = xdpRequest(decode(f.bytes).index, {
        fd: null,
        noReplace: true,
        ...(mode === undefined ? {} : { mode })
      })
      expectLinkLikeIproute2(ours, f)
    }
    // expected fd: XDP_FLAGS_REPLACE and IFLA_XDP_EXPECTED_FD
    expect(xdpAttrs({ fd: 7, expectedFd: 5, mode: "drv" })).toEqual({
      fd: 7,
      flags: 0x10 | 0x4,
      expectedFd: 5
    })
  })

  it("link-altname-add / link-altname-del: RTM_NEWLINKPROP / RTM_DELLINKPROP with IFLA_PROP_LIST", () => {
    for (const [name, op] of [
      ["link-altname-add", "add"],
      ["link-altname-del", "del"]
    ] as const) {
      const f = first(name)
      expectLinkLikeIproute2(altnameRequest(op, decode(f.bytes).index, LONG_ALT), f)
    }
  })

  it("link-get-by-altname: a name longer than 15 bytes goes as IFLA_ALT_IFNAME, as ip link show sends it", () => {
    const f = first("link-get-by-altname")
    const ALT_IFNAME = 53
    const theirs = attributeTree(f.bytes, 16).attrs.filter((a: any) => a.type === ALT_IFNAME)
    const ours = attributeTree(getRequest(LONG_ALT), 16).attrs.filter((a: any) => a.type === ALT_IFNAME)
    expect(theirs).toHaveLength(1)
    expect(ours).toEqual(theirs)
    // a short name stays IFLA_IFNAME (the kernel finds short alternative names by it too)
    expect(attributeTree(getRequest("d0"), 16).attrs.map((a: any) => a.type)).toEqual([3])
  })
})

describe("kind options via Link.set match ip link set NAME type KIND ...", () => {
  const cases: ReadonlyArray<[string, Parameters<typeof setRequest>[1]]> = [
    // only ttl and ageing: no learning (which a create always sends), no id or port
    ["link-set-type-vxlan", { kind: "vxlan", ttl: 10, ageing: 100 }],
    ["link-set-type-bridge", { kind: "bridge", stpState: true }],
    ["link-set-type-macvlan", { kind: "macvlan", mode: "private" }]
  ]
  for (const [name, changes] of cases)
    it(name, () => expectLinkLikeIproute2(setRequest(indexOf(name), changes), first(name)))

  it("common changes and kind options share one request; a vxlan's group is its multicast group there too", () => {
    const m = decode(setRequest(4, { kind: "vxlan", mtu: 1400, deviceGroup: 7, group: "239.1.1.1" }))
    expect(m).toMatchObject({
      mtu: 1400,
      group: 7,
      linkInfo: { kind: "vxlan", data: { group: "239.1.1.1" } }
    })
    expect(m.linkInfo?.data).not.toHaveProperty("learning")
  })
})

describe("VF settings match ip link set DEV vf N ... (encode only: no SR-IOV here)", () => {
  it("link-set-vf-mac: IFLA_VFINFO_LIST { IFLA_VF_INFO { IFLA_VF_MAC (vf, 32-byte mac) } }", () => {
    const f = first("link-set-vf-mac")
    expectLinkLikeIproute2(vfRequest(decode(f.bytes).index, { vf: 0, mac: "02:00:00:00:00:05" }), f)
  })

  it("link-set-vf-options: vlan with qos, spoofchk, trust, link state", () => {
    const f = first("link-set-vf-options")
    const ours = vfRequest(decode(f.bytes).index, {
      vf: 1,
      vlan: 10,
      qos: 3,
      spoofchk: false,
      trust: true,
      linkState: "enable"
    })
    expectLinkLikeIproute2(ours, f)
    // what the kernel would report decodes back into the same setting
    const info = decode(ours).vfinfoList?.info?.[0]
    expect(info).toMatchObject({ vlan: { vf: 1, vlan: 10, qos: 3 }, trust: { vf: 1, setting: 1 } })
  })

  it("status.vfs: IFLA_VFINFO_LIST as a kernel reports it, named as ip prints it", () => {
    const mac = new Uint8Array(32)
    mac.set([2, 0, 0, 0, 0, 5])
    const link = fromMessage({
      family: 0,
      pad: 0,
      type: 1,
      index: 3,
      flags: 0,
      change: 0,
      ifname: "eth0",
      vfinfoList: {
        info: [
          {
            mac: { vf: 0, mac },
            vlan: { vf: 0, vlan: 10, qos: 3 },
            rate: { vf: 0, minTxRate: 0, maxTxRate: 100 },
            spoofchk: { vf: 0, setting: 1 },
            trust: { vf: 0, setting: 0xffffffff },
            linkState: { vf: 0, linkState: 2 },
            stats: { rxPackets: 5n }
          }
        ]
      }
    })
    expect(link.status?.vfs).toEqual([
      {
        vf: 0,
        mac: "02:00:00:00:00:05",
        vlan: 10,
        qos: 3,
        minTxRate: 0,
        maxTxRate: 100,
        spoofchk: true,
        linkState: "disable",
        stats: { rxPackets: 5n }
      }
    ])
  })
})
