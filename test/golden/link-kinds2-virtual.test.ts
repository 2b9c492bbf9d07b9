/**
 * wireguard, vxcan, hsr/prp, team, amt and gtp requests against what iproute2 6.1 sent
 * (test/fixtures/golden/link-add-{wireguard,vxcan,hsr,prp,team,amt-*,gtp}.json):
 * Link.addRequest compared as nlmsg type and flags, decoded bodies and attribute trees.
 * iproute2 6.1 knows no netkit and no ovpn: their expected attribute trees are written
 * here from the UAPI headers (linux/if_link.h of Linux 7.3: IFLA_NETKIT_*, IFLA_OVPN_*).
 * Also: kind data as the kernel reports it (measured on Linux 7.3) read back into the
 * input shape, the kinds' checks, and the missing-kind error.
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect, Schema } from "effect"
import * as Link from "../../src/api/Link.ts"
import { Netlink } from "../../src/api/Netlink.ts"
import { isMissingKind, missingKind } from "../../src/api/link/Missing.ts"
import { byKind } from "../../src/api/link/registry.ts"
import { decodeLinkMessage } from "../../src/generated/rt-link/index.ts"
import { kernel } from "../../src/runtime/NetlinkError.ts"
import {
  type AttributeNode,
  attributeTree,
  bytesToHex,
  expectLinkLikeIproute2,
  IFINFOMSG,
  linkNested,
  messageDecoder,
  nlmsgHeader,
  onlyMessage,
  withoutKindNul
} from "./nlmsg.ts"

const decode = messageDecoder(decodeLinkMessage)

const parse = <A>(schema: Schema.Codec<A, any>, input: unknown): A =>
  Schema.decodeUnknownSync(schema as any, { onExcessProperty: "error" } as any)(input) as A

const request = (spec: Record<string, unknown>, resolved: Link.AddResolved = {}) =>
  Link.addRequest(parse(Link.specSchemas[spec.kind as Link.AddSpec["kind"]], spec) as Link.AddSpec, resolved)

/** The fixture's kind data read back through the module equals the input, field by field. */
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

const hex = (s: string) => bytesToHex(new TextEncoder().encode(s))
const u8 = (n: number) => n.toString(16).padStart(2, "0")
const u16 = (n: number) => bytesToHex(new Uint8Array(new Uint16Array([n]).buffer))
const u32 = (n: number) => bytesToHex(new Uint8Array(new Uint32Array([n]).buffer))

// linux/if_link.h (7.3)
const IFLA_IFNAME = 3
const IFLA_LINKINFO = 18
const IFLA_INFO_KIND = 1
const IFLA_INFO_DATA = 2
const IFLA_NETKIT = {
  PEER_INFO: 1,
  POLICY: 3,
  PEER_POLICY: 4,
  MODE: 5,
  SCRUB: 6,
  PEER_SCRUB: 7,
  HEADROOM: 8,
  TAILROOM: 9
}
const NETKIT_DROP = 2
const NETKIT_L2 = 0
const NETKIT_SCRUB_NONE = 0
const IFLA_OVPN_MODE = 1
const OVPN_MODE_MP = 1

/** RTM_NEWLINK create (NLM_F_REQUEST | ACK | EXCL | CREATE) of `name` with this kind data, as a tree. */
const expectedAdd = (name: string, kind: string, data: ReadonlyArray<AttributeNode>) => ({
  header: "00".repeat(16),
  attrs: [
    { type: IFLA_IFNAME, hex: `${hex(name)}00` },
    {
      type: IFLA_LINKINFO,
      nested: [
        { type: IFLA_INFO_KIND, hex: hex(kind) },
        ...(data.length === 0
          ? []
          : [{ type: IFLA_INFO_DATA, nested: [...data].sort((a, b) => a.type - b.type) }])
      ]
    }
  ]
})

/** Peer nests (vxcan's and netkit's) begin with an ifinfomsg. */
const peerNested = (kind: string) => (path: ReadonlyArray<number>) =>
  path.join(",") === "18,2,1" ? IFINFOMSG : linkNested(kind)(path)

describe("Link.addRequest for wireguard, vxcan, hsr/prp, team, amt, gtp matches ip link add", () => {
  it("wireguard and team: the kind alone", () => {
    expectLinkLikeIproute2(request({ kind: "wireguard", name: "wg0" }), onlyMessage("link-add-wireguard"))
    expectLinkLikeIproute2(request({ kind: "team", name: "team0" }), onlyMessage("link-add-team"))
    expectReadBack({ kind: "wireguard", name: "wg0" }, "link-add-wireguard")
  })

  it("vxcan with its peer in VXCAN_INFO_PEER (ifinfomsg + IFLA_IFNAME)", () => {
    const ours = request({ kind: "vxcan", name: "vc0", peer: { name: "vc1" } })
    const theirs = onlyMessage("link-add-vxcan")
    const { type, flags } = nlmsgHeader(ours)
    expect({ type, flags }).toEqual({ type: theirs.type, flags: theirs.flags })
    expect(decode(ours)).toEqual(decode(theirs.bytes))
    expect(withoutKindNul(attributeTree(ours, IFINFOMSG, peerNested("vxcan")))).toEqual(
      attributeTree(theirs.bytes, IFINFOMSG, peerNested("vxcan"))
    )
  })

  it("hsr with slaves, supervision byte and version; prp", () => {
    const m = decode(onlyMessage("link-add-hsr").bytes)
    const d = m.linkInfo?.data as any
    const devices = { slave1: d.slave1, slave2: d.slave2 }
    expectLinkLikeIproute2(
      request(
        { kind: "hsr", name: "hsr0", slave1: "d0", slave2: "d1", supervision: 45, version: 1 },
        { devices }
      ),
      onlyMessage("link-add-hsr")
    )
    expectLinkLikeIproute2(
      request({ kind: "hsr", name: "prp0", slave1: "d0", slave2: "d1", proto: "prp" }, { devices }),
      onlyMessage("link-add-prp")
    )
    expectReadBack({ kind: "hsr", name: "prp0", slave1: "d0", slave2: "d1", proto: "prp" }, "link-add-prp", {
      [d.slave1]: "d0",
      [d.slave2]: "d1"
    })
  })

  it("amt gateway and relay", () => {
    const link = (decode(onlyMessage("link-add-amt-gateway").bytes).linkInfo!.data as any).link
    const gateway = {
      kind: "amt",
      name: "amt0",
      mode: "gateway",
      local: "10.0.0.1",
      discovery: "10.0.0.2",
      dev: "d0",
      gatewayPort: 4000,
      relayPort: 4001
    }
    expectLinkLikeIproute2(request(gateway, { devices: { dev: link } }), onlyMessage("link-add-amt-gateway"))
    expectReadBack(gateway, "link-add-amt-gateway", { [link]: "d0" })
    const relay = {
      kind: "amt",
      name: "amt1",
      mode: "relay",
      local: "10.0.0.1",
      dev: "d0",
      relayPort: 3000,
      maxTunnels: 5
    }
    expectLinkLikeIproute2(request(relay, { devices: { dev: link } }), onlyMessage("link-add-amt-relay"))
    expectReadBack(relay, "link-add-amt-relay", { [link]: "d0" })
  })

  it("gtp sgsn with hsize and restart count: like ip, the kernel opens the sockets by default", () => {
    const spec = { kind: "gtp", name: "gtp0", role: "sgsn", hsize: 2000, restartCount: 3 }
    expectLinkLikeIproute2(request(spec), onlyMessage("link-add-gtp"))
    expectLinkLikeIproute2(request({ ...spec, createSockets: true }), onlyMessage("link-add-gtp"))
    expectReadBack(spec, "link-add-gtp")
  })
})

describe("netkit and ovpn requests, built from the UAPI headers (iproute2 6.1 knows neither)", () => {
  it("netkit l2 with policies, scrub, head/tailroom and a named peer", () => {
    const ours = request({
      kind: "netkit",
      name: "nk0",
      mode: "l2",
      peerPolicy: "blackhole",
      scrub: "none",
      headroom: 64,
      tailroom: 32,
      peer: { name: "nk1" }
    })
    expect(nlmsgHeader(ours)).toMatchObject({ type: 16, flags: 0x605 })
    expect(withoutKindNul(attributeTree(ours, IFINFOMSG, peerNested("netkit")))).toEqual(
      expectedAdd("nk0", "netkit", [
        {
          type: IFLA_NETKIT.PEER_INFO,
          header: "00".repeat(16),
          nested: [{ type: IFLA_IFNAME, hex: `${hex("nk1")}00` }]
        },
        { type: IFLA_NETKIT.PEER_POLICY, hex: u32(NETKIT_DROP) },
        { type: IFLA_NETKIT.MODE, hex: u32(NETKIT_L2) },
        { type: IFLA_NETKIT.SCRUB, hex: u32(NETKIT_SCRUB_NONE) },
        { type: IFLA_NETKIT.HEADROOM, hex: u16(64) },
        { type: IFLA_NETKIT.TAILROOM, hex: u16(32) }
      ])
    )
  })

  it("netkit with defaults sends the kind alone with an empty data nest", () => {
    const ours = request({ kind: "netkit", name: "nk0" })
    const tree = withoutKindNul(attributeTree(ours, IFINFOMSG, peerNested("netkit")))
    const info = tree.attrs.find((a) => a.type === IFLA_LINKINFO)!.nested!
    expect(info[0]).toEqual({ type: IFLA_INFO_KIND, hex: hex("netkit") })
    expect(info.slice(1).flatMap((a) => a.nested ?? [])).toEqual([])
  })

  it("ovpn multipeer: IFLA_OVPN_MODE is a u8", () => {
    expect(
      withoutKindNul(
        attributeTree(request({ kind: "ovpn", name: "ov0", mode: "mp" }), IFINFOMSG, linkNested("ovpn"))
      )
    ).toEqual(expectedAdd("ov0", "ovpn", [{ type: IFLA_OVPN_MODE, hex: u8(OVPN_MODE_MP) }]))
  })
})

describe("kind data as the kernel reports it, read back (measured on Linux 7.3)", () => {
  it("hsr: supervision from the last byte of SUPERVISION_ADDR, seq_nr as status, no version", () => {
    const d = { slave1: 2, slave2: 3, supervisionAddr: "01:15:4e:00:01:2d", seqNr: 64511, protocol: 0 }
    const name = (i: number) => (i === 2 ? "d0" : "d1")
    expect(byKind.get("hsr")!.fromKernel(d as any, { name })).toEqual({
      slave1: "d0",
      slave2: "d1",
      supervision: 45,
      proto: "hsr"
    })
    expect(byKind.get("hsr")!.status!(d as any)).toEqual({ seqNr: 64511 })
  })

  it("netkit: each end reads its own policy as policy, primary is status, the peer from IFLA_LINK", () => {
    const d = {
      primary: 0,
      policy: 2,
      peerPolicy: 0,
      mode: 0,
      scrub: 1,
      peerScrub: 0,
      headroom: 0,
      tailroom: 0
    }
    const nk = byKind.get("netkit")!
    expect(nk.fromKernel(d as any, { name: () => "nk0", link: 5 })).toEqual({
      policy: "blackhole",
      peerPolicy: "forward",
      mode: "l2",
      scrub: "default",
      peerScrub: "none",
      headroom: 0,
      tailroom: 0,
      peer: { name: "nk0" }
    })
    expect(nk.status!(d as any)).toEqual({ primary: 0 })
    // the companion the kernel makes reads the same pair from the other end
    expect(
      Link.companions({
        kind: "netkit",
        name: "nk0",
        policy: "forward",
        peerPolicy: "blackhole",
        peer: { name: "nk1" }
      } as any)[0]
    ).toMatchObject({
      name: "nk1",
      policy: "blackhole",
      peerPolicy: "forward",
      peer: { name: "nk0" }
    })
  })

  it("amt relay: discovery 0.0.0.0 reads as none; the discovered relay is status", () => {
    const d = {
      mode: 1,
      relayPort: 2268,
      gatewayPort: 2268,
      link: 4,
      localIp: "10.0.0.1",
      discoveryIp: "0.0.0.0",
      remoteIp: "0.0.0.0",
      maxTunnels: 128
    }
    const amt = byKind.get("amt")!
    expect(amt.fromKernel(d as any, { name: () => "d0" })).toEqual({
      mode: "relay",
      relayPort: 2268,
      gatewayPort: 2268,
      dev: "d0",
      local: "10.0.0.1",
      maxTunnels: 128
    })
    expect(amt.status!(d as any)).toEqual({ remote: "0.0.0.0" })
  })
})

describe("checks of netkit, gtp and amt (nothing is sent)", () => {
  // validation fails before the service is used: an empty one proves nothing was sent
  const check = (spec: Record<string, any>) => byKind.get(spec.kind)!.check!(spec as any)?.[0]
  it("names the field", () => {
    expect(check({ kind: "netkit", pairing: "single", peer: { name: "p" } })).toBe("peer")
    expect(check({ kind: "netkit", pairing: "single" })).toBeUndefined()
    expect(check({ kind: "gtp", local: "10.0.0.1" })).toBe("local")
    expect(check({ kind: "gtp", createSockets: true, fd1: 3 })).toBe("createSockets")
    expect(check({ kind: "gtp", createSockets: true, local: "10.0.0.1" })).toBeUndefined()
    expect(check({ kind: "amt", mode: "gateway", local: "10.0.0.1", dev: "d0" })).toBe("discovery")
    expect(check({ kind: "amt", mode: "relay", local: "10.0.0.1", dev: "d0" })).toBeUndefined()
  })

  it.effect("Link.add rejects before sending: hsr without slave2, version 2, gtp fd -1", () =>
    Effect.gen(function* () {
      for (const [spec, path] of [
        [{ kind: "hsr", name: "h0", slave1: "d0" }, "slave2"],
        [{ kind: "hsr", name: "h0", slave1: "d0", slave2: "d1", version: 2 }, "version"],
        [{ kind: "gtp", name: "g0", fd1: -1 }, "fd1"],
        [{ kind: "amt", name: "a0", mode: "gateway", local: "10.0.0.1", dev: "d0" }, "discovery"]
      ] as const) {
        const e = yield* Effect.flip(
          Link.add(spec as unknown as Link.AddSpec).pipe(Effect.provideService(Netlink, {} as never))
        )
        expect(e.reason._tag).toBe("Validation")
        expect((e.reason as any).path).toContain(path)
      }
    })
  )
})

describe("a kind the kernel lacks", () => {
  const unknownType = kernel(-95, { extack: { message: "Unknown device type" } as any })
  it("names the kind and, for a kind newer than the kernel, the release that added it", () => {
    expect(isMissingKind(unknownType)).toBe(true)
    const old = missingKind("netkit", "nk0", unknownType, "6.1.0-57-amd64")
    expect(old.reason).toMatchObject({ _tag: "Kernel", code: "EOPNOTSUPP", errno: 95 })
    expect(old.message).toBe(
      'link add nk0: this kernel (6.1.0-57-amd64) lacks link kind "netkit" (added in Linux 6.7): Unknown device type (EOPNOTSUPP)'
    )
    expect(missingKind("amt", "a0", unknownType, "7.3.4").message).toBe(
      'link add a0: this kernel (7.3.4) lacks link kind "amt" (module rtnl-link-amt not available): Unknown device type (EOPNOTSUPP)'
    )
    expect(missingKind("ovpn", "ov0", unknownType, "7.3.4").message).toBe(
      'link add ov0: this kernel (7.3.4) lacks link kind "ovpn" (its module is not loaded on demand: modprobe ovpn): Unknown device type (EOPNOTSUPP)'
    )
    expect(missingKind("ovpn", "ov0", unknownType, "6.12.118+deb12-amd64").message).toContain(
      "(added in Linux 6.16)"
    )
    // another EOPNOTSUPP (or errno) passes unchanged
    const other = kernel(-95, { extack: { message: "Feature not supported" } as any })
    expect(missingKind("amt", "a0", other)).toBe(other)
    const exists = kernel(-17)
    expect(missingKind("amt", "a0", exists)).toBe(exists)
  })
})
