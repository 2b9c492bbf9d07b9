/**
 * The iproute2-words parsers (src/api/parse): what they accept, as which
 * model object, and what they reject with a Validation error naming the
 * keyword. Every rejected line is also run through `ip`/`bridge` in a scratch
 * namespace, which must reject it too; every accepted line here is run
 * through them and must succeed (the golden tests in test/cli compare the
 * requests of many more accepted lines with iproute2's).
 */
import { execFileSync, spawnSync } from "node:child_process"
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import * as Address from "../../src/api/Address.ts"
import * as BridgeVlan from "../../src/api/BridgeVlan.ts"
import * as Fdb from "../../src/api/Fdb.ts"
import { isError } from "../../src/api/internal/Words.ts"
import * as Link from "../../src/api/Link.ts"
import { parseBridgePort } from "../../src/api/parse/Link.ts"
import * as Mdb from "../../src/api/Mdb.ts"
import * as Neighbor from "../../src/api/Neighbor.ts"
import * as Nexthop from "../../src/api/Nexthop.ts"
import * as Route from "../../src/api/Route.ts"
import * as Rule from "../../src/api/Rule.ts"
import { describeRoot, newNamespaceName } from "../helpers/netns.ts"

type Parser = (words: string, command: string) => unknown
const PARSERS: Readonly<Record<string, readonly [Parser, "ip" | "bridge"]>> = {
  route: [(w, c) => Route.parse(w, c), "ip"],
  address: [(w, c) => Address.parse(w, c), "ip"],
  neigh: [(w, c) => Neighbor.parse(w, c), "ip"],
  rule: [(w, c) => Rule.parse(w, c), "ip"],
  nexthop: [(w, c) => Nexthop.parse(w, c), "ip"],
  link: [(w, c) => Link.parse(w, c), "ip"],
  fdb: [(w, c) => Fdb.parse(w, c), "bridge"],
  vlan: [(w, c) => BridgeVlan.parse(w, c), "bridge"],
  mdb: [(w, c) => Mdb.parse(w, c), "bridge"],
  "link set": [(w, c) => Link.parseChanges(w, c), "ip"],
  "bridge link set": [(w, c) => parseBridgePort(w, c), "bridge"]
}

/** The command an object's lines run as: `OBJECT add` unless the key names its verb. */
const commandOf = (object: string) => (object.includes(" ") ? object : `${object} add`)

/** [object, words after `add`, the model object parse gives] */
const ACCEPTED: ReadonlyArray<readonly [string, string, unknown]> = [
  // ip's prefix abbreviations, in ip's order
  [
    "route",
    "10.3.0.0/16 dev d0 pro static ta 100 met 5",
    { destination: "10.3.0.0/16", dev: "d0", protocol: "static", table: 100, metric: 5 }
  ],
  [
    "route",
    "to unreachable 10.4.0.0/16 preference 7",
    { type: "unreachable", destination: "10.4.0.0/16", metric: 7 }
  ],
  [
    "route",
    "10.5.0.0/16 dev d0 mtu lock 1300 rto_min 20ms",
    { destination: "10.5.0.0/16", dev: "d0", metrics: { mtu: 1300, rtoMin: 20, locked: ["mtu", "rtoMin"] } }
  ],
  [
    "route",
    "10.6.0.0/16 nexthop via 10.1.2.1 weight 2 nexthop dev d0",
    { destination: "10.6.0.0/16", nexthops: [{ gateway: "10.1.2.1", weight: 2 }, { dev: "d0" }] }
  ],
  [
    "address",
    "10.1.3.3/24 dev d0 brd + valid_lft forever preferred_lft 60 noprefixroute",
    {
      address: "10.1.3.3/24",
      dev: "d0",
      broadcast: "+",
      validLifetime: "forever",
      preferredLifetime: 60,
      flags: ["noprefixroute"]
    }
  ],
  // ip ignores IPv6-only flags on an IPv4 address (with a warning)
  ["address", "10.1.4.3/24 dev d0 nodad", { address: "10.1.4.3/24", dev: "d0" }],
  [
    "neigh",
    "10.1.2.77 lladdr 02:00:00:00:00:77 dev d0 nud reach",
    { address: "10.1.2.77", lladdr: "02:00:00:00:00:77", dev: "d0", state: "reachable" }
  ],
  [
    "rule",
    "not from 10.9.0.0/16 fwmark 0x10/0xff lookup 100 pref 2000",
    { invert: true, from: "10.9.0.0/16", family: "inet", fwmark: 16, fwmask: 255, table: 100, priority: 2000 }
  ],
  ["rule", "iif d0 goto 3000 priority 2001", { iif: "d0", action: "goto", goto: 3000, priority: 2001 }],
  [
    "nexthop",
    "id 40 via 10.1.2.1 dev d0 proto static",
    { id: 40, gateway: "10.1.2.1", dev: "d0", protocol: "static" }
  ],
  ["link", "name x1 mtu 1400 type ifb", { kind: "ifb", name: "x1", mtu: 1400 }],
  [
    "link",
    "x2 type bridge stp_state 1 forward_delay 400",
    { kind: "bridge", name: "x2", stpState: true, forwardDelay: 400 }
  ],
  // the bridge's mcast_* words, intervals in centiseconds, a MULTI_BOOLOPT bit
  [
    "link",
    "x5 type bridge mcast_snooping 0 mcast_query_interval 13000 no_linklocal_learn 1",
    {
      kind: "bridge",
      name: "x5",
      multicastSnooping: false,
      multicastQueryInterval: 13000n,
      noLinklocalLearn: true
    }
  ],
  // port options of d1 (a port of br0) after `type bridge_slave`, ip's prefixes taken
  [
    "link set",
    "d1 type bridge_slave cost 7 learn off mcast_router 2 mcast_fast_leave on",
    {
      dev: "d1",
      changes: {},
      port: { kind: "bridge", options: { cost: 7, learning: false, multicastRouter: 2, fastleave: true } }
    }
  ],
  // bridge's words: a state by name, nobackup_port
  [
    "bridge link set",
    "dev d1 cost 9 priority 5 hairpin on state forwarding nobackup_port",
    { dev: "d1", port: { cost: 9, priority: 5, hairpin: true, state: "forwarding", backupPort: null } }
  ]
]

/** [object, words after `add`, the keyword the error must name] */
const REJECTED: ReadonlyArray<readonly [string, string, string]> = [
  ["route", "10.7.0.0/16 dev d0 mtu lots", "route add: mtu"],
  ["route", "10.7.0.0/16 dev d0 metric", "route add: metric"],
  ["route", "10.7.0.0/16 via 10.1.2.1 via 10.1.2.2", "route add: via"],
  ["route", "10.7.0.0/16 nexthop via 10.1.2.1 weight 0", "route add: weight"],
  ["route", "10.7.0.0/16 dev d0 pref middling", "route add: pref"],
  ["route", "10.7.0.0/16 dev d0 scope galaxy", "route add: scope"],
  ["address", "10.1.5.3/24", "address add: dev"],
  ["address", "10.1.5.3/24 dev d0 valid_lft soon", "address add: valid_lft"],
  ["address", "10.1.5.3/24 dev d0 scope galaxy", "address add: scope"],
  ["neigh", "10.1.2.78 dev d0 nud sleepy", "neigh add: nud"],
  ["rule", "fwmark x table 100", "rule add: fwmark"],
  ["rule", "uidrange 5 table 100", "rule add: uidrange"],
  ["rule", "l3mdev table 100", "rule add: table"],
  ["nexthop", "id 41 group 1,0", "nexthop add: group"],
  ["nexthop", "id 42 group 1 type fancy", "nexthop add: type"],
  ["link", "x3 type vxlan id many", "link add vxlan: id"],
  ["link", "x4", "link add: type"],
  ["fdb", "02:00:00:00:00:01", "fdb add: dev"],
  ["vlan", "vid 5000 dev d0", "vlan add: vid"],
  ["mdb", "dev br0 port d0", "mdb add: grp"],
  ["link set", "d1 type bridge_slave cost many", "link set bridge_slave: cost"],
  ["link set", "d1 type bond_slave queue_id x", "link set bond_slave: queue_id"],
  ["bridge link set", "dev d1 state sleepy", "bridge link set: state"],
  ["bridge link set", "dev d1 state Forwarding", "bridge link set: state"],
  // bridge compares its words exactly: no prefixes
  ["bridge link set", "dev d1 hair on", "bridge link set: hair"],
  ["bridge link set", "cost 5", "bridge link set: dev"]
]

describe("parse: accepted words give the model object", () => {
  for (const [object, words, expected] of ACCEPTED)
    it(`${commandOf(object)} ${words}`, () => {
      const r = PARSERS[object]![0](words, commandOf(object))
      expect(isError(r) ? r.message : r).toEqual(expected)
    })
})

describe("parse: rejected words fail naming the keyword", () => {
  for (const [object, words, path] of REJECTED)
    it(`${commandOf(object)} ${words}`, () => {
      const r = PARSERS[object]![0](words, commandOf(object))
      expect(isError(r)).toBe(true)
      expect((r as { reason: { _tag: string; path: string } }).reason).toMatchObject({
        _tag: "Validation",
        path
      })
    })

  it("strings and word arrays are the same input", () => {
    expect(Route.parse(["10.8.0.0/16", "dev", "d0"])).toEqual(Route.parse("10.8.0.0/16 dev d0"))
    expect(Link.parseChanges("dev d0 mtu 1400 up")).toEqual({ dev: "d0", changes: { mtu: 1400, up: true } })
    expect(Link.parseDel("dev d0")).toBe("d0")
  })
})

describeRoot("parse agrees with iproute2 on the same words", () => {
  const ns = newNamespaceName("prs")
  const run = (object: string, words: string) => {
    const tool = PARSERS[object]![1]
    const command = commandOf(object === "address" ? "addr" : object).replace(/^bridge /, "")
    return spawnSync(tool, ["-n", ns, ...command.split(" "), ...words.split(" ")], {
      encoding: "utf8",
      timeout: 10_000
    })
  }
  beforeAll(() => {
    execFileSync("ip", ["netns", "add", ns])
    for (const args of [
      ["link", "add", "d0", "type", "veth", "peer", "name", "d1"],
      ["link", "set", "d0", "up"],
      ["link", "set", "d1", "up"],
      ["addr", "add", "10.1.2.3/24", "dev", "d0"],
      // d1 is a bridge port (the port option lines)
      ["link", "add", "br0", "type", "bridge"],
      ["link", "set", "d1", "master", "br0"]
    ])
      execFileSync("ip", ["-n", ns, ...args])
  })
  afterAll(() => {
    spawnSync("ip", ["netns", "del", ns])
  })

  it("ip accepts the accepted lines", () => {
    for (const [object, words] of ACCEPTED) {
      const r = run(object, words)
      const line = `${commandOf(object)} ${words}`
      expect({ line, status: r.status, stderr: r.stderr }).toEqual({
        line,
        status: 0,
        stderr: r.status === 0 ? r.stderr : ""
      })
    }
  })

  it("ip and bridge reject the rejected lines", () => {
    for (const [object, words] of REJECTED) {
      const r = run(object, words)
      const line = `${commandOf(object)} ${words}`
      expect({ line, rejected: r.status !== 0 }).toEqual({
        line,
        rejected: true
      })
    }
  })
})
