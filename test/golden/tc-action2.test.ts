/**
 * Requests of the action kinds skbedit, vlan, csum, pedit, tunnel_key and ct against what
 * `tc actions add action KIND ...` sent (test/fixtures/golden/tcf-a2-*.json): the action
 * table, each action, its TCA_ACT_OPTIONS and the kind's own nests opened, every byte compared.
 */
import { describe, expect, it } from "@effect/vitest"
import * as Action from "../../src/api/Action.ts"
import * as Filter from "../../src/api/Filter.ts"
import { attributeTree, NLM_F_ACK, nlmsgHeader, onlyMessage } from "./nlmsg.ts"

const TCAMSG = 4
const TCMSG = 20

/** TCA_ACT_TAB, each action, TCA_ACT_OPTIONS, and the kind's nests below it (by type path). */
const nestedAction =
  (kindNests: ReadonlyArray<string> = []) =>
  (path: ReadonlyArray<number>) =>
    (path.length === 1 && path[0] === 1) ||
    path.length === 2 ||
    (path.length === 3 && path[2] === 2) ||
    (path.length > 3 && kindNests.includes(path.slice(3).join(".")))

const expectSameAction = (ours: Uint8Array, name: string, kindNests?: ReadonlyArray<string>): void => {
  const theirs = onlyMessage(name).bytes
  const a = nlmsgHeader(ours)
  const b = nlmsgHeader(theirs)
  expect(a.len).toBe(ours.length)
  expect(a.type).toBe(b.type)
  expect(a.flags | NLM_F_ACK).toBe(b.flags | NLM_F_ACK)
  const nested = nestedAction(kindNests)
  expect(attributeTree(ours, TCAMSG, nested)).toEqual(attributeTree(theirs, TCAMSG, nested))
}

const add = (a: Action.Action) => Action.request("add", [a])

describe("skbedit requests match tc", () => {
  it("priority, queue_mapping, mark/mask, ptype", () => {
    expectSameAction(
      add({
        kind: "skbedit",
        index: 11,
        options: { priority: "1:10", queueMapping: 3, mark: 0x10, mask: 0xff, ptype: "host" }
      }),
      "tcf-a2-skbedit"
    )
  })
  it("inheritdsfield", () => {
    expectSameAction(
      add({ kind: "skbedit", index: 12, options: { inheritDsfield: true, action: "pipe" } }),
      "tcf-a2-skbedit-inherit"
    )
  })
  it("inside a matchall filter", () => {
    const ours = Filter.request(
      "add",
      {
        dev: "d0",
        parent: "ingress",
        priority: 1,
        kind: "matchall",
        actions: [{ kind: "skbedit", options: { mark: 5 } }]
      },
      3
    )
    const theirs = onlyMessage("tcf-a2-matchall-skbedit").bytes
    // TCA_OPTIONS, TCA_MATCHALL_ACT, each action and its options are nests
    const nested = (p: ReadonlyArray<number>) =>
      (p.length === 1 && p[0] === 2) ||
      (p.length === 2 && p[1] === 2) ||
      p.length === 3 ||
      (p.length === 4 && p[3] === 2)
    expect(nlmsgHeader(ours).type).toBe(nlmsgHeader(theirs).type)
    expect(attributeTree(ours, TCMSG, nested)).toEqual(attributeTree(theirs, TCMSG, nested))
  })
})

describe("vlan requests match tc", () => {
  it("push with id, protocol, priority", () => {
    expectSameAction(
      add({ kind: "vlan", index: 13, options: { op: "push", id: 100, protocol: "802.1ad", priority: 3 } }),
      "tcf-a2-vlan-push"
    )
  })
  it("pop", () => {
    expectSameAction(add({ kind: "vlan", index: 14, options: { op: "pop" } }), "tcf-a2-vlan-pop")
  })
  it("modify id", () => {
    expectSameAction(
      add({ kind: "vlan", index: 15, options: { op: "modify", id: 200, action: "pipe" } }),
      "tcf-a2-vlan-modify"
    )
  })
})

describe("csum requests match tc", () => {
  it("iph tcp udp", () => {
    expectSameAction(
      add({ kind: "csum", index: 16, options: { update: ["iph", "tcp", "udp"] } }),
      "tcf-a2-csum"
    )
  })
  it("every protocol", () => {
    expectSameAction(
      add({
        kind: "csum",
        index: 17,
        options: { update: ["sctp", "iph", "icmp", "igmp", "tcp", "udp", "udplite"] }
      }),
      "tcf-a2-csum-all"
    )
  })
})

/** TCA_PEDIT_KEYS_EX and each TCA_PEDIT_KEY_EX are nests. */
const peditNests = ["5", "5.6"]

describe("pedit requests match tc (ex keys with header types)", () => {
  it("ip dst set", () => {
    expectSameAction(
      add({
        kind: "pedit",
        index: 18,
        options: { keys: [{ header: "ip", field: "dst", value: "10.0.0.1" }] }
      }),
      "tcf-a2-pedit-ip-dst",
      peditNests
    )
  })
  it("eth dst over two words, ip ttl add, tcp dport, ip6 src over four words", () => {
    expectSameAction(
      add({
        kind: "pedit",
        index: 19,
        options: {
          keys: [
            { header: "eth", field: "dst", value: "02:00:00:00:00:01" },
            { header: "ip", field: "ttl", op: "add", value: 255 },
            { header: "tcp", field: "dport", value: 8080 },
            { header: "ip6", field: "src", value: "2001:db8::1" }
          ],
          action: "pipe"
        }
      }),
      "tcf-a2-pedit-multi",
      peditNests
    )
  })
  it("udp sport and ip tos (fields inside a word)", () => {
    expectSameAction(
      add({
        kind: "pedit",
        index: 20,
        options: {
          keys: [
            { header: "udp", field: "sport", value: 53 },
            { header: "ip", field: "tos", value: 0x10 }
          ]
        }
      }),
      "tcf-a2-pedit-udp",
      peditNests
    )
  })
})

/** TCA_TUNNEL_KEY_ENC_OPTS and the option nests in it. */
const tunnelNests = ["11", "11.1", "11.2", "11.3"]

describe("tunnel_key requests match tc", () => {
  it("set v4 with id, port, tos, ttl, nocsum", () => {
    expectSameAction(
      add({
        kind: "tunnel_key",
        index: 21,
        options: {
          op: "set",
          src: "10.0.0.1",
          dst: "10.0.0.2",
          id: 42,
          dstPort: 4789,
          tos: 0x10,
          ttl: 64,
          noCsum: true
        }
      }),
      "tcf-a2-tunnel-key-set",
      tunnelNests
    )
  })
  it("unset", () => {
    expectSameAction(
      add({ kind: "tunnel_key", index: 22, options: { op: "unset" } }),
      "tcf-a2-tunnel-key-unset"
    )
  })
  it("set v6 with a geneve option", () => {
    expectSameAction(
      add({
        kind: "tunnel_key",
        index: 23,
        options: {
          op: "set",
          src: "2001:db8::1",
          dst: "2001:db8::2",
          id: 7,
          geneveOpts: [{ class: 0x102, type: 0x80, data: "00880022" }]
        }
      }),
      "tcf-a2-tunnel-key-v6-geneve",
      tunnelNests
    )
  })
  it("vxlan gbp option", () => {
    expectSameAction(
      add({
        kind: "tunnel_key",
        index: 24,
        options: { op: "set", src: "10.0.0.1", dst: "10.0.0.2", id: 8, vxlanOpts: { gbp: 1025 } }
      }),
      "tcf-a2-tunnel-key-vxlan",
      tunnelNests
    )
  })
  it("erspan v1 option", () => {
    expectSameAction(
      add({
        kind: "tunnel_key",
        index: 25,
        options: { op: "set", src: "10.0.0.1", dst: "10.0.0.2", id: 9, erspanOpts: { version: 1, index: 12 } }
      }),
      "tcf-a2-tunnel-key-erspan",
      tunnelNests
    )
  })
})

describe("ct requests match tc", () => {
  it("commit, zone, mark with a mask, labels", () => {
    expectSameAction(
      add({
        kind: "ct",
        index: 26,
        options: { commit: true, zone: 5, mark: 0x10, markMask: 0xff, labels: "01", labelsMask: "ff" }
      }),
      "tcf-a2-ct-commit"
    )
  })
  it("a mark without a mask sends the full mask", () => {
    expectSameAction(add({ kind: "ct", index: 32, options: { commit: true, mark: 5 } }), "tcf-a2-ct-mark")
  })
  it("nat src with an address range and a port range", () => {
    expectSameAction(
      add({
        kind: "ct",
        index: 27,
        options: { commit: true, nat: { type: "src", addr: "10.0.0.1-10.0.0.9", port: "1000-2000" } }
      }),
      "tcf-a2-ct-nat"
    )
  })
  it("nat src with one address and one port", () => {
    expectSameAction(
      add({
        kind: "ct",
        index: 33,
        options: { commit: true, nat: { type: "src", addr: "10.0.0.1", port: 1000 } }
      }),
      "tcf-a2-ct-nat-port"
    )
  })
  it("force, nat dst to one v6 address", () => {
    expectSameAction(
      add({
        kind: "ct",
        index: 30,
        options: { commit: true, force: true, nat: { type: "dst", addr: "2001:db8::1" } }
      }),
      "tcf-a2-ct-nat6"
    )
  })
  it("nat restore", () => {
    expectSameAction(add({ kind: "ct", index: 34, options: { nat: {} } }), "tcf-a2-ct-restore")
  })
  it("clear", () => {
    expectSameAction(add({ kind: "ct", index: 28, options: { clear: true } }), "tcf-a2-ct-clear")
  })
  it("zone only (tc 6.1 gives the trailing `index 29` to a gact of its own)", () => {
    expectSameAction(
      Action.request("add", [
        { kind: "ct", options: { zone: 3, action: "pipe" } },
        { kind: "gact", index: 29, options: { action: "pass" } }
      ]),
      "tcf-a2-ct-plain"
    )
  })
})

describe("connmark and mpls requests match tc", () => {
  it("connmark with a zone", () => {
    expectSameAction(add({ kind: "connmark", index: 35, options: { zone: 4 } }), "tcf-a2-connmark")
  })
  it("mpls push with protocol, label, tc, ttl, bos", () => {
    expectSameAction(
      add({
        kind: "mpls",
        index: 36,
        options: { op: "push", protocol: "mpls_uc", label: 100, tc: 3, ttl: 64, bos: 1 }
      }),
      "tcf-a2-mpls-push"
    )
  })
  it("mpls pop to ipv4", () => {
    expectSameAction(
      add({ kind: "mpls", index: 37, options: { op: "pop", protocol: "ipv4" } }),
      "tcf-a2-mpls-pop"
    )
  })
  it("mpls modify label", () => {
    expectSameAction(
      add({ kind: "mpls", index: 38, options: { op: "modify", label: 200 } }),
      "tcf-a2-mpls-modify"
    )
  })
  it("mpls dec_ttl", () => {
    expectSameAction(add({ kind: "mpls", index: 39, options: { op: "dec_ttl" } }), "tcf-a2-mpls-dec-ttl")
  })
})

describe("skbmod, sample, simple, ctinfo requests match tc", () => {
  it("skbmod set dmac, smac, etype (the ethertype in host order)", () => {
    expectSameAction(
      add({
        kind: "skbmod",
        index: 40,
        options: { dmac: "02:00:00:00:00:01", smac: "02:00:00:00:00:02", etype: 0x8847 }
      }),
      "tcf-a2-skbmod"
    )
  })
  it("skbmod swap mac", () => {
    expectSameAction(add({ kind: "skbmod", index: 41, options: { swapMac: true } }), "tcf-a2-skbmod-swap")
  })
  it("sample rate, group, trunc", () => {
    expectSameAction(
      add({ kind: "sample", index: 42, options: { rate: 100, group: 5, trunc: 128 } }),
      "tcf-a2-sample"
    )
  })
  it("simple sdata: tc 6.1 sends a 32-byte buffer (what follows the text is its own memory); the text matches", () => {
    const ours = add({ kind: "simple", index: 43, options: { sdata: "hello" } })
    const theirs = onlyMessage("tcf-a2-simple").bytes
    const nested = nestedAction()
    // TCA_DEF_DATA as its text up to the NUL
    const text = (t: any): any =>
      Array.isArray(t)
        ? t.map(text)
        : t !== null && typeof t === "object"
          ? Object.fromEntries(
              Object.entries(t).map(([k, v]) =>
                k === "hex" && t.type === 3 && typeof v === "string" && v.startsWith("68656c6c6f00")
                  ? [k, "hello"]
                  : [k, text(v)]
              )
            )
          : t
    expect(text(attributeTree(ours, TCAMSG, nested))).toEqual(text(attributeTree(theirs, TCAMSG, nested)))
  })
  it("ctinfo dscp masks, cpmark mask, zone", () => {
    expectSameAction(
      add({
        kind: "ctinfo",
        index: 44,
        options: { dscpMask: 0xfc000000, dscpStateMask: 0x01000000, cpmark: 0xff, zone: 2 }
      }),
      "tcf-a2-ctinfo"
    )
  })
})

describe("gate requests match tc", () => {
  it("priority, base/cycle time and extension, clockid, entries with ipv and max octets", () => {
    expectSameAction(
      add({
        kind: "gate",
        index: 50,
        options: {
          priority: 1,
          baseTime: 1000000n,
          cycleTime: 20000000,
          cycleTimeExtension: 100000,
          clockid: "CLOCK_TAI",
          entries: [
            { gate: "open", interval: 10000000, ipv: 2, maxOctets: 1500 },
            { gate: "close", interval: 10000000 }
          ]
        }
      } as Action.Action),
      "tcf-a3-gate-full",
      ["5", "5.1"]
    )
  })
  it("entries only: tc's request plus the defaults nlink always sends (a replace resets them)", () => {
    const ours = add({
      kind: "gate",
      index: 51,
      options: {
        entries: [
          { gate: "open", interval: 5000000 },
          { gate: "close", interval: 3000000 }
        ]
      }
    } as Action.Action)
    const theirs = onlyMessage("tcf-a3-gate-plain").bytes
    const nested = nestedAction(["5", "5.1"])
    const a: any = attributeTree(ours, TCAMSG, nested)
    const b: any = attributeTree(theirs, TCAMSG, nested)
    const options = (t: any) => t.attrs[0].nested[0].nested.find((n: any) => n.type === 2)
    const extra = options(a).nested.filter((n: any) => [4, 6, 8, 10].includes(n.type))
    // PRIORITY -1, BASE_TIME 0, CYCLE_TIME_EXT 0, CLOCKID CLOCK_TAI (11)
    expect(extra.map((n: any) => [n.type, n.hex])).toEqual([
      [4, "ffffffff"],
      [6, "0000000000000000"],
      [8, "0000000000000000"],
      [10, "0b000000"]
    ])
    options(a).nested = options(a).nested.filter((n: any) => ![4, 6, 8, 10].includes(n.type))
    // the lengths of the enclosing nests differ by the extra attributes only: compare the trees
    expect(a.attrs[0].nested[0].nested).toEqual(b.attrs[0].nested[0].nested)
    expect(nlmsgHeader(ours).type).toBe(nlmsgHeader(theirs).type)
  })
})

describe("ife requests match tc", () => {
  it("encode: use mark, allow prio, type, dst and src", () => {
    expectSameAction(
      add({
        kind: "ife",
        index: 52,
        options: {
          mode: "encode",
          use: { mark: 0x12 },
          allow: ["prio"],
          type: 0xed3e,
          dst: "02:00:00:00:00:02",
          src: "02:00:00:00:00:01",
          action: "pipe"
        }
      } as Action.Action),
      "tcf-a3-ife-encode",
      ["6"]
    )
  })
  it("encode: use tcindex (16-bit), allow mark", () => {
    expectSameAction(
      add({
        kind: "ife",
        index: 53,
        options: { mode: "encode", use: { tcindex: 7 }, allow: ["mark"] }
      } as Action.Action),
      "tcf-a3-ife-tcindex",
      ["6"]
    )
  })
  it("decode with reclassify", () => {
    expectSameAction(
      add({ kind: "ife", index: 54, options: { mode: "decode", action: "reclassify" } } as Action.Action),
      "tcf-a3-ife-decode"
    )
  })
})

describe("bpf action requests match tc", () => {
  it("classic bytecode: OPS_LEN and OPS (struct sock_filter), control drop", () => {
    expectSameAction(
      add({
        kind: "bpf",
        index: 70,
        options: {
          bytecode: [
            [48, 0, 0, 0],
            [6, 0, 0, 4294967295]
          ],
          action: "drop"
        }
      } as Action.Action),
      "tcf-a3-bpf-bytecode"
    )
  })
})
