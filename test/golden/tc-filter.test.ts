/**
 * Filter and chain requests against what `tc` sent (test/fixtures/golden/tcf-*.json):
 * header (tcmsg with protocol and priority in tcm_info), attribute trees with TCA_OPTIONS,
 * the action lists, each action and its options opened as nests, so every byte of u32
 * selectors, gact/mirred/nat parameters and police rate tables matches tc's.
 */
import { describe, expect, it } from "@effect/vitest"
import * as Action from "../../src/api/Action.ts"
import * as Chain from "../../src/api/Chain.ts"
import * as Filter from "../../src/api/Filter.ts"
import * as Qdisc from "../../src/api/Qdisc.ts"
import { attributeTree, NLM_F_ACK, nlmsgHeader, onlyMessage } from "./nlmsg.ts"

const TCMSG = 20
const IFINDEX = 3 // d0 in the capture namespace
const DEVICES = { d1: 2 } // d1, its peer

/** TCA_OPTIONS, the kind's action list, each action and TCA_ACT_OPTIONS are nests. */
const actAttr: Record<string, number> = { matchall: 2, u32: 7, flower: 3, fw: 4 }
const nestedFor = (kind: string) => (path: ReadonlyArray<number>) =>
  (path.length === 1 && path[0] === 2) ||
  (path.length === 2 && path[0] === 2 && path[1] === actAttr[kind]) ||
  (path.length === 3 && path[0] === 2 && path[1] === actAttr[kind]) ||
  (path.length === 4 && path[0] === 2 && path[1] === actAttr[kind] && path[3] === 2)

const expectSameTc = (ours: Uint8Array, name: string, kind: string): void => {
  const theirs = onlyMessage(name).bytes
  const a = nlmsgHeader(ours)
  const b = nlmsgHeader(theirs)
  expect(a.len).toBe(ours.length)
  expect(a.type).toBe(b.type)
  expect(a.flags | NLM_F_ACK).toBe(b.flags)
  expect(attributeTree(ours, TCMSG, nestedFor(kind))).toEqual(attributeTree(theirs, TCMSG, nestedFor(kind)))
}

const f = (command: "add" | "replace" | "change" | "remove", x: Filter.Filter) =>
  Filter.request(command, x, IFINDEX, DEVICES)
const d0 = { dev: "d0", parent: "ingress" } as const

describe("Filter requests match tc fixtures: u32", () => {
  it("match ip src prefix", () => {
    expectSameTc(
      f("add", {
        ...d0,
        protocol: "ip",
        priority: 10,
        kind: "u32",
        options: { match: ["ip src 10.0.0.0/8"] }
      }),
      "tcf-u32-src",
      "u32"
    )
  })
  it("protocol and dport keys, a handle and a classid", () => {
    expectSameTc(
      f("add", {
        ...d0,
        protocol: "ip",
        priority: 11,
        handle: "800::5",
        kind: "u32",
        options: { match: ["ip protocol 6 0xff", "ip dport 80 0xffff"], classid: "1:10" }
      }),
      "tcf-u32-ports-classid",
      "u32"
    )
  })
  it("ip6 dst /40 and tcp dst at nexthdr on egress", () => {
    expectSameTc(
      f("add", {
        dev: "d0",
        parent: "egress",
        protocol: "ipv6",
        priority: 12,
        kind: "u32",
        options: { match: ["ip6 dst 2001:db8::/40", "tcp dst 22 0xffff"] }
      }),
      "tcf-u32-ip6-tcp",
      "u32"
    )
  })
  it("a hash table", () => {
    expectSameTc(
      f("add", { ...d0, protocol: "ip", priority: 20, handle: "2:", kind: "u32", options: { divisor: 256 } }),
      "tcf-u32-divisor",
      "u32"
    )
  })
  it("link and hashkey", () => {
    expectSameTc(
      f("add", {
        ...d0,
        protocol: "ip",
        priority: 20,
        kind: "u32",
        options: { match: ["ip protocol 17 0xff"], link: "2:", hashkey: { mask: 0xff, at: 16 } }
      }),
      "tcf-u32-link-hashkey",
      "u32"
    )
  })
  it("a node in a table's bucket", () => {
    expectSameTc(
      f("add", {
        ...d0,
        protocol: "ip",
        priority: 20,
        handle: "2:a:1",
        kind: "u32",
        options: { match: ["ip dst 10.0.0.10/32"], ht: "2:a", classid: "1:1" }
      }),
      "tcf-u32-ht",
      "u32"
    )
  })
  it("nat egress after a match (u32's TCA_U32_ACT)", () => {
    expectSameTc(
      f("add", {
        dev: "d0",
        parent: "egress",
        protocol: "ip",
        priority: 5,
        kind: "u32",
        options: { match: ["ip src 10.0.0.0/8"] },
        actions: [{ kind: "nat", options: { direction: "egress", old: "10.0.0.0/8", new: "192.168.1.1" } }]
      }),
      "tcf-u32-nat",
      "u32"
    )
  })
})

describe("Filter requests match tc fixtures: matchall and actions", () => {
  it("gact drop", () => {
    expectSameTc(
      f("add", {
        ...d0,
        priority: 1,
        kind: "matchall",
        actions: [{ kind: "gact", options: { action: "drop" } }]
      }),
      "tcf-matchall-gact",
      "matchall"
    )
  })
  it("chain 3, skip_hw, goto chain 5", () => {
    expectSameTc(
      f("add", {
        ...d0,
        priority: 2,
        chain: 3,
        kind: "matchall",
        options: { skipHw: true },
        actions: [{ kind: "gact", options: { action: "goto chain 5" } }]
      }),
      "tcf-matchall-skip-goto",
      "matchall"
    )
  })
  it("gact random determ", () => {
    expectSameTc(
      f("add", {
        ...d0,
        priority: 2,
        kind: "matchall",
        actions: [
          { kind: "gact", options: { action: "pass", random: { type: "determ", value: 10, action: "drop" } } }
        ]
      }),
      "tcf-matchall-gact-random",
      "matchall"
    )
  })
  it("mirred egress redirect", () => {
    expectSameTc(
      f("add", {
        ...d0,
        priority: 3,
        kind: "matchall",
        actions: [{ kind: "mirred", options: { direction: "egress", mode: "redirect", dev: "d1" } }]
      }),
      "tcf-matchall-mirred",
      "matchall"
    )
  })
  it("mirred ingress mirror", () => {
    expectSameTc(
      f("add", {
        ...d0,
        priority: 3,
        kind: "matchall",
        actions: [{ kind: "mirred", options: { direction: "ingress", mode: "mirror", dev: "d1" } }]
      }),
      "tcf-matchall-mirred-mirror",
      "matchall"
    )
  })
  it("police rate/burst, conform-exceed drop/pass", () => {
    expectSameTc(
      f("add", {
        ...d0,
        priority: 4,
        kind: "matchall",
        actions: [
          { kind: "police", options: { rate: "1mbit", burst: "10k", exceed: "drop", conform: "pass" } }
        ]
      }),
      "tcf-matchall-police",
      "matchall"
    )
  })
  it("police peakrate, mtu, mpu, overhead", () => {
    expectSameTc(
      f("add", {
        ...d0,
        priority: 4,
        kind: "matchall",
        actions: [
          {
            kind: "police",
            options: {
              rate: "8mbit",
              burst: "32k",
              mtu: 1600,
              peakrate: "10mbit",
              mpu: 64,
              overhead: 4,
              exceed: "drop"
            }
          }
        ]
      }),
      "tcf-matchall-police-peak",
      "matchall"
    )
  })
  it("police packets per second", () => {
    expectSameTc(
      f("add", {
        ...d0,
        priority: 4,
        kind: "matchall",
        actions: [{ kind: "police", options: { pktsRate: 1000, pktsBurst: 100, exceed: "drop" } }]
      }),
      "tcf-matchall-police-pps",
      "matchall"
    )
  })
  it("police above 2^32 bytes/s", () => {
    expectSameTc(
      f("add", {
        ...d0,
        priority: 4,
        kind: "matchall",
        actions: [{ kind: "police", options: { rate: "40gbit", burst: "1mb", exceed: "drop" } }]
      }),
      "tcf-matchall-police-rate64",
      "matchall"
    )
  })
  // tc 6.1 repeats a cookie on every action after the one it follows
  it("two actions in order, an index and a cookie", () => {
    expectSameTc(
      f("add", {
        ...d0,
        priority: 6,
        kind: "matchall",
        actions: [
          { kind: "gact", options: { action: "pass" }, index: 7, cookie: "aabbcc" },
          { kind: "mirred", options: { direction: "egress", mode: "mirror", dev: "d1" }, cookie: "aabbcc" }
        ]
      }),
      "tcf-matchall-two-actions",
      "matchall"
    )
  })
  it("replace", () => {
    expectSameTc(
      f("replace", {
        ...d0,
        priority: 1,
        handle: 1,
        kind: "matchall",
        actions: [{ kind: "gact", options: { action: "pass" } }]
      }),
      "tcf-replace-matchall",
      "matchall"
    )
  })
})

describe("Filter removal, blocks", () => {
  it("remove one u32 node", () => {
    expectSameTc(
      f("remove", {
        ...d0,
        protocol: "ip",
        priority: 10,
        handle: "800::800",
        kind: "u32",
        options: { match: [] }
      }),
      "tcf-del-one",
      "u32"
    )
  })
  it("a filter on a shared block", () => {
    expectSameTc(
      f("add", {
        block: 21,
        protocol: "ip",
        priority: 3,
        kind: "u32",
        options: { match: ["ip src 192.0.2.0/24"] }
      }),
      "tcf-block",
      "u32"
    )
  })
  it("clsact with ingress and egress blocks", () => {
    const ours = Qdisc.request(
      "add",
      { dev: "d0", kind: "clsact", ingressBlock: 21, egressBlock: 22 },
      IFINDEX
    )
    expectSameTc(ours, "tcf-qdisc-blocks", "")
  })
})

describe("Chain requests match tc fixtures", () => {
  it("chain add", () => {
    expectSameTc(Chain.request("add", { ...d0, chain: 5 }, IFINDEX), "tcf-chain-add", "")
  })
  it("chain del", () => {
    expectSameTc(Chain.request("remove", { ...d0, chain: 5 }, IFINDEX), "tcf-chain-del", "")
  })
  it("filter flush of a parent", () => {
    expectSameTc(Filter.flushRequest(d0, IFINDEX), "tcf-flush", "")
  })
})

/** TCA_ACT_TAB, each action in it and its TCA_ACT_OPTIONS are nests. */
const nestedAction = (path: ReadonlyArray<number>) =>
  (path.length === 1 && path[0] === 1) || path.length === 2 || (path.length === 3 && path[2] === 2)
const TCAMSG = 4
const expectSameAction = (ours: Uint8Array, name: string): void => {
  const theirs = onlyMessage(name).bytes
  const a = nlmsgHeader(ours)
  const b = nlmsgHeader(theirs)
  expect(a.len).toBe(ours.length)
  expect(a.type).toBe(b.type)
  // tc asks for an ack on writes only; nlink always does
  expect(a.flags | NLM_F_ACK).toBe(b.flags | NLM_F_ACK)
  expect(attributeTree(ours, TCAMSG, nestedAction)).toEqual(attributeTree(theirs, TCAMSG, nestedAction))
}

describe("standalone Action requests match tc fixtures", () => {
  it("add gact with an index", () => {
    expectSameAction(
      Action.request("add", [{ kind: "gact", index: 5, options: { action: "drop" } }]),
      "tcf-action-add-gact"
    )
  })
  it("add mirred with an index", () => {
    expectSameAction(
      Action.request(
        "add",
        [{ kind: "mirred", index: 3, options: { direction: "egress", mode: "redirect", dev: "d1" } }],
        DEVICES
      ),
      "tcf-action-add-mirred"
    )
  })
  it("del by kind and index", () => {
    expectSameAction(Action.request("remove", [{ kind: "gact", index: 5 }]), "tcf-action-del")
  })
  it("get by kind and index", () => {
    expectSameAction(Action.request("get", [{ kind: "gact", index: 5 }]), "tcf-action-get")
  })
  it("flush a kind", () => {
    expectSameAction(Action.flushRequest("gact"), "tcf-action-flush")
  })
})

describe("flower requests match tc fixtures", () => {
  it("ip_proto, v4 addresses with masks, a port, skip_hw, an action", () => {
    expectSameTc(
      f("add", {
        ...d0,
        protocol: "ip",
        priority: 1,
        kind: "flower",
        options: { ipProto: "tcp", dstIp: "10.0.0.0/8", srcIp: "192.0.2.1", dstPort: 443, skipHw: true },
        actions: [{ kind: "gact", options: { action: "drop" } }]
      }),
      "tcf-flower-l3l4",
      "flower"
    )
  })
  it("MAC addresses, one with a prefix", () => {
    expectSameTc(
      f("add", {
        ...d0,
        protocol: "all",
        priority: 2,
        kind: "flower",
        options: { dstMac: "02:00:00:00:00:01", srcMac: "02:00:00:00:00:00/24" }
      }),
      "tcf-flower-l2",
      "flower"
    )
  })
  it("v6 prefix, a port range, tos and ttl", () => {
    expectSameTc(
      f("add", {
        ...d0,
        protocol: "ipv6",
        priority: 3,
        kind: "flower",
        options: {
          ipProto: "udp",
          srcIp: "2001:db8::/32",
          dstPort: "1000-2000",
          ipTos: "0x10/0xfc",
          ipTtl: 64
        }
      }),
      "tcf-flower-ipv6-range",
      "flower"
    )
  })
  it("vlan and icmp", () => {
    expectSameTc(
      f("add", {
        ...d0,
        protocol: "802.1q",
        priority: 4,
        kind: "flower",
        options: { vlanId: 100, vlanPrio: 3, vlanEthType: "ip", ipProto: "icmp", icmpType: 8, icmpCode: 0 }
      }),
      "tcf-flower-vlan-icmp",
      "flower"
    )
  })
  it("tcp flags", () => {
    expectSameTc(
      f("add", {
        ...d0,
        protocol: "ip",
        priority: 5,
        kind: "flower",
        options: { ipProto: "tcp", tcpFlags: "0x02/0x12" }
      }),
      "tcf-flower-tcp-flags",
      "flower"
    )
  })
  it("tunnel keys", () => {
    expectSameTc(
      f("add", {
        ...d0,
        protocol: "ip",
        priority: 6,
        kind: "flower",
        options: {
          encKeyId: 42,
          encDstIp: "10.1.1.1",
          encSrcIp: "10.1.1.2",
          encDstPort: 4789,
          encTos: "0x10/0xff",
          encTtl: 64
        }
      }),
      "tcf-flower-enc",
      "flower"
    )
  })
  it("mpls", () => {
    expectSameTc(
      f("add", {
        ...d0,
        protocol: "mpls_uc",
        priority: 7,
        kind: "flower",
        options: { mplsLabel: 100, mplsTc: 3, mplsBos: 1, mplsTtl: 64 }
      }),
      "tcf-flower-mpls",
      "flower"
    )
  })
  it("a chain template", () => {
    expectSameTc(
      Chain.request(
        "add",
        { ...d0, chain: 7, template: { kind: "flower", protocol: "ip", options: { dstIp: "0.0.0.0/16" } } },
        IFINDEX
      ),
      "tcf-chain-template",
      "flower"
    )
  })
})

describe("fw requests match tc fixtures", () => {
  it("the mark as handle, a mask, a classid", () => {
    expectSameTc(
      f("add", {
        ...d0,
        protocol: "ip",
        priority: 9,
        handle: 5,
        kind: "fw",
        options: { mask: 0xff, classid: "1:5" }
      }),
      "tcf-fw-mask",
      "fw"
    )
  })
  it("no mask, an action", () => {
    expectSameTc(
      f("add", {
        ...d0,
        protocol: "ip",
        priority: 9,
        handle: "0x10",
        kind: "fw",
        actions: [{ kind: "gact", options: { action: "drop" } }]
      }),
      "tcf-fw-plain",
      "fw"
    )
  })
})
