/**
 * The action kinds skbedit, vlan, csum, pedit, tunnel_key and ct without a kernel: options
 * through the wire codec and back (what the kernel echoes) equal the input; tc's defaults in
 * the canonical form; bad input refused naming the field.
 */
import { describe, expect, it } from "@effect/vitest"
import * as Schema from "effect/Schema"
import * as Action from "../../src/api/Action.ts"
import * as Actions from "../../src/api/tc/action/Engine.ts"
import { encodeActCtinfoAttrs } from "../../src/generated/tc-action/index.ts"
import { Writer } from "../../src/runtime/Wire.ts"

/** The action as the kernel would read it back: encoded, decoded, turned into an action. */
const echoed = (a: Action.Action): Action.Action => {
  const [attrs] = Actions.decodeList(Actions.encodeList([a], [{}]))
  // the request carries index 0 (the kernel picks one); the echo would say 0
  const { index: _index, status: _status, ...rest } = Actions.fromAttrs(attrs) as Action.Action
  return rest as Action.Action
}

const roundTrips = (a: Action.Action): void => {
  const back = echoed(a)
  expect(Action.canonical(back)).toEqual(Action.canonical(a))
  expect(Action.equals(back, a)).toBe(true)
}

/** The field a bad action is refused for (Schema or the kind's rules), or undefined. */
const refused = (a: unknown): string | undefined => {
  try {
    const v = Schema.decodeUnknownSync(Action.schema)(a)
    const e = Actions.checkActions([v], "actions")
    return e === undefined ? undefined : String((e.reason as any).field ?? e.message)
  } catch (e) {
    return String(e)
  }
}

describe("skbedit", () => {
  it("every option round-trips; priority in tc's notation", () => {
    roundTrips({
      kind: "skbedit",
      options: { priority: "1:10", queueMapping: 3, mark: 0x10, mask: 0xff, ptype: "otherhost" }
    })
    roundTrips({ kind: "skbedit", options: { inheritDsfield: true, action: "drop" } })
    roundTrips({ kind: "skbedit", options: { priority: 0x10010, ptype: "broadcast" } })
    expect(
      Action.canonical({ kind: "skbedit", options: { priority: 0x10010, mark: 1, mask: 0xffffffff } })
    ).toEqual({
      kind: "skbedit",
      options: { priority: "1:10", mark: 1, action: "pipe" }
    })
  })
  it("refuses an empty edit, a mask without a mark, bad values", () => {
    expect(refused({ kind: "skbedit", options: {} })).toContain("priority")
    expect(refused({ kind: "skbedit", options: { mask: 1 } })).toContain("mask")
    expect(refused({ kind: "skbedit", options: { queueMapping: 70000 } })).toContain("queueMapping")
    expect(refused({ kind: "skbedit", options: { ptype: "loopback" } })).toContain("ptype")
  })
})

describe("vlan", () => {
  it("push, pop, modify round-trip; protocol and priority defaults", () => {
    roundTrips({ kind: "vlan", options: { op: "push", id: 100, protocol: "802.1ad", priority: 3 } })
    roundTrips({ kind: "vlan", options: { op: "pop", action: "pass" } })
    roundTrips({ kind: "vlan", options: { op: "modify", id: 4095 } })
    expect(Action.canonical({ kind: "vlan", options: { op: "push", id: 5 } })).toEqual({
      kind: "vlan",
      options: { op: "push", id: 5, protocol: "802.1Q", priority: 0, action: "pipe" }
    })
  })
  it("refuses push without an id, pop with tag fields, ids over 4095", () => {
    expect(refused({ kind: "vlan", options: { op: "push" } })).toContain("id")
    expect(refused({ kind: "vlan", options: { op: "pop", priority: 1 } })).toContain("priority")
    expect(refused({ kind: "vlan", options: { op: "modify", id: 4096 } })).toContain("id")
    expect(refused({ kind: "vlan", options: { op: "push", id: 1, priority: 8 } })).toContain("priority")
  })
})

describe("csum", () => {
  it("headers as a set in tc's order; default action pass", () => {
    roundTrips({ kind: "csum", options: { update: ["udp", "iph"] } })
    expect(Action.canonical({ kind: "csum", options: { update: ["udp", "iph", "udp"] } })).toEqual({
      kind: "csum",
      options: { update: ["iph", "udp"], action: "pass" }
    })
  })
  it("refuses no headers and unknown ones", () => {
    expect(refused({ kind: "csum", options: { update: [] } })).toContain("update")
    expect(refused({ kind: "csum", options: { update: ["ip6"] } })).toContain("update")
  })
})

describe("pedit", () => {
  it("named fields read back as named fields, other words as raw keys", () => {
    roundTrips({
      kind: "pedit",
      options: {
        keys: [
          { header: "eth", field: "src", value: "02:00:00:00:00:0a" },
          { header: "eth", field: "type", value: 0x86dd },
          { header: "ip", field: "protocol", value: 17 },
          { header: "ip", field: "ttl", op: "add", value: 1 },
          { header: "ip6", field: "dst", value: "2001:db8::2" },
          { header: "ip6", field: "hoplimit", value: 9 },
          { header: "tcp", field: "flags", value: 0x12 },
          { header: "udp", field: "dport", value: 4789 },
          { header: "udp", offset: 4, mask: 0xffff0000, value: 0, op: "set" },
          { header: "network", offset: 8, mask: 0, value: 0x01020304 }
        ],
        action: "pipe"
      }
    })
    expect(
      Action.canonical({
        kind: "pedit",
        options: { keys: [{ header: "ip6", field: "src", value: "2001:DB8:0::1" }] }
      })
    ).toEqual({
      kind: "pedit",
      options: { keys: [{ header: "ip6", field: "src", op: "set", value: "2001:db8::1" }], action: "pass" }
    })
  })
  it("a raw word that covers a named field exactly reads back as that field", () => {
    const back = echoed({
      kind: "pedit",
      options: { keys: [{ header: "udp", offset: 0, mask: 0x0000ffff, value: 0x00350000 }] }
    })
    expect((back.options as any).keys).toEqual([{ header: "udp", field: "sport", op: "set", value: 53 }])
  })
  it("refuses values of the wrong form, add on addresses, bad offsets, no keys", () => {
    expect(
      refused({ kind: "pedit", options: { keys: [{ header: "ip", field: "dst", value: "::1" }] } })
    ).toContain("keys[0].value")
    expect(
      refused({ kind: "pedit", options: { keys: [{ header: "ip", field: "ttl", value: 256 }] } })
    ).toContain("keys[0].value")
    expect(
      refused({
        kind: "pedit",
        options: { keys: [{ header: "ip", field: "src", op: "add", value: "10.0.0.1" }] }
      })
    ).toContain("keys[0].op")
    expect(
      refused({ kind: "pedit", options: { keys: [{ header: "tcp", field: "window", value: 1 }] } })
    ).toBeDefined()
    expect(
      refused({ kind: "pedit", options: { keys: [{ header: "udp", offset: 6, mask: 0, value: 0 }] } })
    ).toBeDefined()
    expect(refused({ kind: "pedit", options: { keys: [] } })).toContain("keys")
  })
})

describe("tunnel_key", () => {
  it("set (v4, v6, each option type) and unset round-trip; defaults as the kernel reports them", () => {
    roundTrips({
      kind: "tunnel_key",
      options: {
        op: "set",
        src: "10.0.0.1",
        dst: "10.0.0.2",
        id: 42,
        dstPort: 4789,
        tos: 16,
        ttl: 64,
        noCsum: true
      }
    })
    roundTrips({
      kind: "tunnel_key",
      options: {
        op: "set",
        src: "2001:db8::1",
        dst: "2001:db8::2",
        geneveOpts: [
          { class: 0x102, type: 0x80, data: "00880022" },
          { class: 1, type: 2, data: "0102030405060708" }
        ]
      }
    })
    roundTrips({
      kind: "tunnel_key",
      options: { op: "set", src: "10.0.0.1", dst: "10.0.0.2", vxlanOpts: { gbp: 7 } }
    })
    roundTrips({
      kind: "tunnel_key",
      options: { op: "set", src: "10.0.0.1", dst: "10.0.0.2", erspanOpts: { version: 2, dir: 1, hwid: 5 } }
    })
    roundTrips({ kind: "tunnel_key", options: { op: "unset", action: "pass" } })
    expect(
      Action.canonical({
        kind: "tunnel_key",
        options: {
          op: "set",
          src: "2001:DB8:0::1",
          dst: "2001:db8::2",
          ttl: 0,
          geneveOpts: [{ class: 1, type: 1, data: "ABCDEF01" }]
        }
      })
    ).toEqual({
      kind: "tunnel_key",
      options: {
        op: "set",
        src: "2001:db8::1",
        dst: "2001:db8::2",
        noCsum: false,
        geneveOpts: [{ class: 1, type: 1, data: "abcdef01" }],
        action: "pipe"
      }
    })
  })
  it("refuses set without addresses or with mixed families, unset with fields, bad options", () => {
    expect(refused({ kind: "tunnel_key", options: { op: "set", dst: "10.0.0.2" } })).toContain("src")
    expect(refused({ kind: "tunnel_key", options: { op: "set", src: "10.0.0.1", dst: "::2" } })).toContain(
      "dst"
    )
    expect(refused({ kind: "tunnel_key", options: { op: "unset", id: 1 } })).toContain("id")
    const v4 = { op: "set", src: "10.0.0.1", dst: "10.0.0.2" }
    expect(
      refused({ kind: "tunnel_key", options: { ...v4, geneveOpts: [{ class: 1, type: 1, data: "abc" }] } })
    ).toContain("geneveOpts")
    expect(
      refused({
        kind: "tunnel_key",
        options: { ...v4, vxlanOpts: { gbp: 1 }, erspanOpts: { version: 1, index: 1 } }
      })
    ).toContain("geneveOpts")
    expect(
      refused({ kind: "tunnel_key", options: { ...v4, erspanOpts: { version: 2, index: 1 } } })
    ).toContain("erspanOpts")
  })
})

describe("ct", () => {
  it("commit with mark, labels, nat ranges; restore; clear; round-trip as the kernel reports them", () => {
    roundTrips({
      kind: "ct",
      options: {
        commit: true,
        force: true,
        zone: 5,
        mark: 0x10,
        markMask: 0xff,
        labels: "0102",
        labelsMask: "ffff",
        nat: { type: "src", addr: "10.0.0.1-10.0.0.9", port: "1000-2000" }
      }
    })
    roundTrips({ kind: "ct", options: { commit: true, nat: { type: "dst", addr: "2001:db8::1", port: 80 } } })
    roundTrips({ kind: "ct", options: { nat: {}, action: "pass" } })
    roundTrips({ kind: "ct", options: { clear: true } })
    roundTrips({ kind: "ct", options: { zone: 3 } })
    expect(
      Action.canonical({
        kind: "ct",
        options: {
          commit: true,
          mark: 1,
          markMask: 0xffffffff,
          labels: "AB",
          nat: { type: "src", addr: "10.0.0.1-10.0.0.1", port: "53-53" }
        }
      })
    ).toEqual({
      kind: "ct",
      options: {
        zone: 0,
        commit: true,
        mark: 1,
        labels: `ab${"0".repeat(30)}`,
        labelsMask: "f".repeat(32),
        nat: { type: "src", addr: "10.0.0.1", port: 53 },
        action: "pipe"
      }
    })
  })
  it("refuses clear with more, mark/labels/force without commit, bad nat", () => {
    expect(refused({ kind: "ct", options: { clear: true, zone: 1 } })).toContain("zone")
    expect(refused({ kind: "ct", options: { mark: 1 } })).toContain("mark")
    expect(refused({ kind: "ct", options: { labels: "01" } })).toContain("labels")
    expect(refused({ kind: "ct", options: { force: true } })).toContain("force")
    expect(refused({ kind: "ct", options: { commit: true, nat: { type: "src" } } })).toContain("nat.addr")
    expect(
      refused({ kind: "ct", options: { commit: true, nat: { type: "src", addr: "10.0.0.1-::2" } } })
    ).toContain("nat.addr")
    expect(refused({ kind: "ct", options: { commit: true, nat: { addr: "10.0.0.1" } } })).toContain(
      "nat.type"
    )
    expect(
      refused({
        kind: "ct",
        options: { commit: true, nat: { type: "dst", addr: "10.0.0.1", port: "9-70000" } }
      })
    ).toContain("nat.port")
    expect(refused({ kind: "ct", options: { commit: true, labels: "123" } })).toContain("labels")
  })
})

describe("connmark and mpls", () => {
  it("round-trip; zone 0 and protocol mpls_uc by default; a push's ttl compared only when both give it", () => {
    roundTrips({ kind: "connmark", options: { zone: 9, action: "pass" } })
    expect(Action.canonical({ kind: "connmark" })).toEqual({
      kind: "connmark",
      options: { zone: 0, action: "pipe" }
    })
    roundTrips({
      kind: "mpls",
      options: { op: "push", protocol: "mpls_mc", label: 100, tc: 3, ttl: 64, bos: 1 }
    })
    roundTrips({ kind: "mpls", options: { op: "mac_push", label: 5 } })
    roundTrips({ kind: "mpls", options: { op: "pop", protocol: 0x1234 } })
    roundTrips({ kind: "mpls", options: { op: "modify", label: 1, tc: 0, ttl: 9 } })
    roundTrips({ kind: "mpls", options: { op: "dec_ttl", action: "pass" } })
    expect(
      Action.equals(
        { kind: "mpls", options: { op: "push", label: 100 } },
        { kind: "mpls", options: { op: "push", protocol: 0x8847, label: 100, ttl: 255 } }
      )
    ).toBe(true)
    expect(
      Action.equals(
        { kind: "mpls", options: { op: "push", label: 100, ttl: 64 } },
        { kind: "mpls", options: { op: "push", label: 100, ttl: 255 } }
      )
    ).toBe(false)
  })
  it("refuses what each op does not take", () => {
    expect(refused({ kind: "connmark", options: { zone: 70000 } })).toContain("zone")
    expect(refused({ kind: "mpls", options: { op: "push" } })).toContain("label")
    expect(refused({ kind: "mpls", options: { op: "push", label: 1, protocol: "ipv4" } })).toContain(
      "protocol"
    )
    expect(refused({ kind: "mpls", options: { op: "pop" } })).toContain("protocol")
    expect(refused({ kind: "mpls", options: { op: "pop", protocol: "ipv4", label: 1 } })).toContain("label")
    expect(refused({ kind: "mpls", options: { op: "dec_ttl", ttl: 3 } })).toContain("ttl")
    expect(refused({ kind: "mpls", options: { op: "modify", label: 0x100000 } })).toContain("label")
  })
})

describe("skbmod, sample, simple, ctinfo", () => {
  it("round-trip with tc's defaults", () => {
    roundTrips({
      kind: "skbmod",
      options: { dmac: "02:00:00:00:00:01", smac: "02:00:00:00:00:02", etype: 0x8847 }
    })
    roundTrips({ kind: "skbmod", options: { swapMac: true, action: "pass" } })
    roundTrips({ kind: "skbmod", options: { ecn: true } })
    expect(Action.canonical({ kind: "skbmod", options: { dmac: "02:00:00:00:00:AB" } })).toEqual({
      kind: "skbmod",
      options: { dmac: "02:00:00:00:00:ab", action: "pipe" }
    })
    roundTrips({ kind: "sample", options: { rate: 100, group: 5, trunc: 128 } })
    roundTrips({ kind: "sample", options: { rate: 1, group: 0, action: "drop" } })
    roundTrips({ kind: "simple", options: { sdata: "hello" } })
    roundTrips({
      kind: "ctinfo",
      options: { dscpMask: 0xfc000000, dscpStateMask: 0x01000000, cpmark: 0xff, zone: 2 }
    })
    roundTrips({ kind: "ctinfo", options: { cpmark: true } })
    expect(Action.canonical({ kind: "ctinfo", options: { dscpMask: 0x3f } })).toEqual({
      kind: "ctinfo",
      options: { zone: 0, dscpMask: 0x3f, dscpStateMask: 0, action: "pipe" }
    })
  })
  it("refuses empty or contradictory edits and bad values", () => {
    expect(refused({ kind: "skbmod", options: {} })).toContain("dmac")
    expect(refused({ kind: "skbmod", options: { swapMac: true, etype: 1 } })).toContain("swapMac")
    expect(refused({ kind: "skbmod", options: { dmac: "zz" } })).toContain("dmac")
    expect(refused({ kind: "sample", options: { rate: 0, group: 1 } })).toContain("rate")
    expect(refused({ kind: "sample", options: { rate: 10 } })).toContain("group")
    expect(refused({ kind: "simple", options: { sdata: "x".repeat(32) } })).toContain("sdata")
    expect(refused({ kind: "ctinfo", options: {} })).toContain("dscpMask")
    expect(refused({ kind: "ctinfo", options: { dscpMask: 0xfd000000 } })).toContain("dscpMask")
    expect(
      refused({ kind: "ctinfo", options: { dscpMask: 0xfc000000, dscpStateMask: 0x04000000 } })
    ).toContain("dscpStateMask")
  })
})

describe("tunnel_key geneve options as the kernel reports them", () => {
  it("several options in one GENEVE nest read back in order", () => {
    // TCA_TUNNEL_KEY_PARMS (set), then ENC_OPTS { GENEVE { class, type, data, class, type, data } }
    const w = new Writer(256)
    w.attrBinary(2, new Uint8Array([7, 0, 0, 0, 0, 0, 0, 0, 3, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0]))
    w.attrBinary(3, new Uint8Array([10, 0, 0, 1]))
    w.attrBinary(4, new Uint8Array([10, 0, 0, 2]))
    const o = w.nestStart(11, false)
    const g = w.nestStart(1, false)
    w.attrU16(1, 0x102, true)
    w.attrU8(2, 0x80)
    w.attrBinary(3, new Uint8Array([0, 0x88, 0, 0x22]))
    w.attrU16(1, 0x103, true)
    w.attrU8(2, 1)
    w.attrBinary(3, new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]))
    w.attrEnd(g)
    w.attrEnd(o)
    const b = w.finish()
    const k = Actions.kindOf("tunnel_key")!
    const options = k.fromKernel(
      k.decode(b, new DataView(b.buffer, b.byteOffset, b.byteLength), 0, b.length),
      (i) => i
    )
    expect(options).toEqual({
      op: "set",
      src: "10.0.0.1",
      dst: "10.0.0.2",
      noCsum: false,
      geneveOpts: [
        { class: 0x102, type: 0x80, data: "00880022" },
        { class: 0x103, type: 1, data: "0102030405060708" }
      ],
      action: "pipe"
    })
  })
})

describe("ct helper (tc 6.1 cannot send it: the layout of tc_ct.h and later tc's)", () => {
  it("HELPER_NAME (NUL-terminated), HELPER_FAMILY and HELPER_PROTO as u8; defaults ipv4/tcp", () => {
    const bytes = Action.request("add", [
      { kind: "ct", index: 60, options: { commit: true, helper: { name: "ftp" } } }
    ])
    const hex = Buffer.from(bytes).toString("hex")
    // len 8, type 16, "ftp\0"; len 5, type 17, AF_INET (padded); len 5, type 18, IPPROTO_TCP (padded)
    expect(hex).toContain("080010006674700005001100020000000500120006000000")
    roundTrips({ kind: "ct", options: { commit: true, helper: { name: "ftp" } } })
    roundTrips({
      kind: "ct",
      options: { commit: true, zone: 2, helper: { name: "sip", family: "ipv6", protocol: "udp" } }
    })
    expect(
      Action.canonical({ kind: "ct", options: { commit: true, helper: { name: "ftp" } } }).options
    ).toEqual({ zone: 0, commit: true, helper: { name: "ftp", protocol: "tcp" }, action: "pipe" })
    // the family is sent but not compared: a kernel reporting 0 (7.3) reads back without it
    expect(
      Action.equals(
        { kind: "ct", options: { commit: true, helper: { name: "sip", family: "ipv6", protocol: "udp" } } },
        { kind: "ct", options: { commit: true, helper: { name: "sip", protocol: "udp" } } }
      )
    ).toBe(true)
  })
  it("bad helpers are refused naming the field", () => {
    expect(refused({ kind: "ct", options: { clear: true, helper: { name: "ftp" } } })).toMatch(/helper/)
    expect(refused({ kind: "ct", options: { commit: true, helper: { name: "" } } })).toMatch(/helper/)
    expect(
      refused({ kind: "ct", options: { commit: true, helper: { name: "ftp", protocol: "sctp" } } })
    ).toMatch(/helper|protocol/)
  })
})

describe("gate and ife", () => {
  it("gate: entries, times, clock and priority round-trip; the kernel's defaults are canonical", () => {
    roundTrips({
      kind: "gate",
      options: {
        priority: 3,
        baseTime: 1000000n,
        cycleTime: 30000000n,
        cycleTimeExtension: 5000,
        clockid: "CLOCK_REALTIME",
        entries: [
          { gate: "open", interval: 10000000, ipv: 1, maxOctets: 3000 },
          { gate: "close", interval: 20000000 }
        ],
        action: "drop"
      }
    } as Action.Action)
    expect(
      Action.canonical({
        kind: "gate",
        options: {
          entries: [
            { gate: "open", interval: 5 },
            { gate: "close", interval: 7 }
          ]
        }
      } as Action.Action).options
    ).toEqual({
      entries: [
        { gate: "open", interval: 5 },
        { gate: "close", interval: 7 }
      ],
      baseTime: 0n,
      cycleTime: 12n,
      cycleTimeExtension: 0n,
      clockid: "CLOCK_TAI",
      action: "pipe"
    })
    expect(refused({ kind: "gate", options: { entries: [] } })).toMatch(/entries/)
    expect(refused({ kind: "gate", options: { entries: [{ gate: "half", interval: 5 }] } })).toMatch(/gate/)
    expect(refused({ kind: "gate", options: { entries: [{ gate: "open", interval: 0 }] } })).toMatch(
      /interval/
    )
  })
  it("ife: encode with MACs, type, allowed and used metadata; decode; bad input refused", () => {
    roundTrips({
      kind: "ife",
      options: {
        mode: "encode",
        dst: "02:00:00:00:00:0A",
        src: "02:00:00:00:00:01",
        type: 0x8888,
        allow: ["tcindex", "mark"],
        use: { prio: 7 }
      }
    } as Action.Action)
    roundTrips({
      kind: "ife",
      options: { mode: "decode", allow: ["mark", "prio", "tcindex"] }
    } as Action.Action)
    expect(
      Action.canonical({
        kind: "ife",
        options: { mode: "encode", dst: "02:00:00:00:00:0A" }
      } as Action.Action).options
    ).toEqual({
      mode: "encode",
      dst: "02:00:00:00:00:0a",
      type: 0xed3e,
      action: "pipe"
    })
    expect(refused({ kind: "ife", options: { mode: "decode", dst: "02:00:00:00:00:01" } })).toMatch(/dst/)
    expect(refused({ kind: "ife", options: { mode: "encode", allow: ["mark"], use: { mark: 1 } } })).toMatch(
      /allow/
    )
    expect(refused({ kind: "ife", options: { mode: "encode", use: { tcindex: 70000 } } })).toMatch(/tcindex/)
  })
})

describe("the kind's status hook", () => {
  it("ctinfo's counters reach status.kind; kinds without a hook report none", () => {
    const w = new Writer(256)
    encodeActCtinfoAttrs(w, {
      act: { index: 3, capab: 0, action: 3, refcnt: 1, bindcnt: 0 },
      zone: 2,
      parmsCpmarkMask: 0xff,
      statsDscpSet: 5n,
      statsDscpError: 1n,
      statsCpmarkSet: 7n
    })
    const a = Actions.fromAttrs({ kind: "ctinfo", options: w.finish() } as any)
    expect(a.status?.kind).toEqual({ dscpSet: 5n, dscpError: 1n, cpmarkSet: 7n })
    expect(a.options).toMatchObject({ zone: 2, cpmark: 0xff })
    const g = echoed({ kind: "gact", options: { action: "drop" } })
    expect(
      Actions.fromAttrs(Actions.decodeList(Actions.encodeList([g], [{}]))[0]).status?.kind
    ).toBeUndefined()
  })
})

describe("bpf action", () => {
  it("fd and name; bytecode round-trips; the fd is the kernel's to forget", () => {
    const bytes = Action.request("add", [
      { kind: "bpf", index: 7, options: { fd: 9, name: "act" } } as Action.Action
    ])
    const hex = Buffer.from(bytes).toString("hex")
    // TCA_ACT_BPF_FD 9, TCA_ACT_BPF_NAME "act"
    expect(hex).toContain("0800050009000000")
    expect(hex).toContain("0800060061637400")
    roundTrips({
      kind: "bpf",
      options: {
        bytecode: [
          [0x30, 0, 0, 0],
          [6, 0, 0, 0xffffffff]
        ],
        action: "drop"
      }
    } as Action.Action)
    // a listed eBPF action has no fd: equal to the input that had one
    expect(
      Action.equals(
        { kind: "bpf", options: { fd: 9, name: "act" } } as Action.Action,
        { kind: "bpf", options: { name: "act" } } as Action.Action
      )
    ).toBe(true)
    expect(refused({ kind: "bpf", options: { fd: 3, bytecode: [[6, 0, 0, 0]] } })).toMatch(/bytecode/)
    expect(refused({ kind: "bpf", options: { bytecode: [[6, 0, 0, -1]] } })).toMatch(/bytecode/)
    expect(refused({ kind: "bpf", options: { bytecode: [] } })).toMatch(/bytecode/)
  })
})
