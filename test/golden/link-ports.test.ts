/**
 * Port options against iproute2 6.1: Link.portRequest (what Link.setPort sends) against
 * `ip link set PORT type bridge_slave|bond_slave ...` (IFLA_INFO_KIND "<kind>_slave" and
 * IFLA_INFO_SLAVE_DATA), and Link.bridgePortRequest (Link.setBridgePort) against `bridge link
 * set dev PORT ...` (RTM_SETLINK, AF_BRIDGE, nested IFLA_PROTINFO), as nlmsg type and flags,
 * ifinfomsg and attribute trees (test/fixtures/golden/{link-set-bridge-slave,
 * link-set-bond-slave,bridge-link-set,bridge-link-set-nobackup}.json).
 */
import { describe, expect, it } from "@effect/vitest"
import * as Link from "../../src/api/Link.ts"
import { attributeTree, IFINFOMSG, nlmsgHeader, onlyMessage, withoutKindNul } from "./nlmsg.ts"

/** IFLA_LINKINFO and its IFLA_INFO_SLAVE_DATA are nests iproute2 sends without NLA_F_NESTED. */
const nested = (path: ReadonlyArray<number>) => {
  const p = path.join(",")
  return p === "18" || p === "18,5"
}

const index = (fixture: string): number => {
  const b = onlyMessage(fixture).bytes
  return new DataView(b.buffer, b.byteOffset).getInt32(20, true)
}

/** The u32 payload of IFLA_BRPORT_BACKUP_PORT (34) in a fixture's port attributes. */
const backupIndex = (fixture: string, path: ReadonlyArray<number>): number => {
  let nodes = attributeTree(onlyMessage(fixture).bytes, IFINFOMSG, nested).attrs
  for (const t of path) nodes = nodes.find((n) => n.type === t)!.nested!
  const hex = nodes.find((n) => n.type === 34)!.hex!
  return Buffer.from(hex, "hex").readUInt32LE(0)
}

const expectLikeIproute2 = (ours: Uint8Array, fixture: string) => {
  const theirs = onlyMessage(fixture)
  const { type, flags } = nlmsgHeader(ours)
  expect({ type, flags }).toEqual({ type: theirs.type, flags: theirs.flags })
  expect(withoutKindNul(attributeTree(ours, IFINFOMSG, nested))).toEqual(
    attributeTree(theirs.bytes, IFINFOMSG, nested)
  )
}

/** Every option both commands take, with ip's values. */
const common = {
  state: "forwarding",
  priority: 3,
  cost: 5,
  guard: true,
  hairpin: true,
  fastleave: true,
  rootBlock: true,
  learning: false,
  flood: false,
  multicastRouter: 2,
  mcastFlood: false,
  bcastFlood: false,
  mcastToUnicast: true,
  neighSuppress: true,
  vlanTunnel: true,
  isolated: true,
  locked: true,
  backupPort: "d1"
} as const

describe("port options match ip link set type *_slave and bridge link set", () => {
  it("bridge_slave: every option ip 6.1 takes, in IFLA_INFO_SLAVE_DATA", () => {
    const f = "link-set-bridge-slave"
    const backupPort = backupIndex(f, [18, 5])
    const ours = Link.portRequest(
      index(f),
      "bridge",
      { ...common, proxyArp: true, proxyArpWifi: true, groupFwdMask: 0x4000 },
      { backupPort }
    )
    expectLikeIproute2(ours, f)
  })

  it("bond_slave: queue_id and prio", () => {
    expectLikeIproute2(
      Link.portRequest(index("link-set-bond-slave"), "bond", { queueId: 3, prio: 7 }),
      "link-set-bond-slave"
    )
  })

  it("bridge link set: AF_BRIDGE, nested IFLA_PROTINFO with every option bridge 6.1 takes", () => {
    const f = "bridge-link-set"
    const backupPort = backupIndex(f, [12])
    expectLikeIproute2(Link.bridgePortRequest(index(f), { ...common, learningSync: true }, { backupPort }), f)
  })

  it("bridge link set nobackup_port: backupPort null sends 0", () => {
    const f = "bridge-link-set-nobackup"
    expectLikeIproute2(Link.bridgePortRequest(index(f), { backupPort: null }), f)
  })
})
