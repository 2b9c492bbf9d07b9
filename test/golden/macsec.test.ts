/**
 * MACsec generic netlink requests against what `ip macsec` sent for the same change
 * (fixtures from capture-macsec.ts, taken in the VM lane on a kernel with MACsec): the same
 * nlmsg type and flags, genlmsghdr and attribute trees (attributes compared as sets per
 * nest: the kernel parses them by type). Plus the checks that send nothing.
 */
import { describe, expect, it } from "@effect/vitest"
import { Redacted } from "effect"
import * as Macsec from "../../src/api/Macsec.ts"
import { NetlinkError } from "../../src/runtime/NetlinkError.ts"
import { KEY128, KEY256, macsecCases, PEER, PEER_SCI, SALT } from "./macsec-cases.ts"
import { type AttributeNode, attributeTree, loadFixture, nlmsgHeader } from "./nlmsg.ts"

const GENLMSGHDR = 4
const IFINDEX = 3

const sorted = (nodes: ReadonlyArray<AttributeNode>): Array<AttributeNode> =>
  [...nodes]
    .map((n: any) => (n.nested === undefined ? n : { ...n, nested: sorted(n.nested) }))
    .sort((a, b) => a.type - b.type)

const peer = { address: PEER, port: 1 }

/** Our change for each case, as the Macsec module takes it. */
const ours: Record<string, Macsec.Change> = {
  "txsa-add": { op: "addTxSa", sa: { an: 0, pn: 1, active: true, keyId: "01", key: Redacted.make(KEY128) } },
  "txsa-add-256-inactive": {
    op: "addTxSa",
    sa: { an: 3, pn: 4294967295, active: false, keyId: "0102030405060708090a0b0c0d0e0f10", key: KEY256 }
  },
  "txsa-set": { op: "updateTxSa", sa: { an: 0, pn: 100, active: false } },
  "txsa-del": { op: "removeTxSa", an: 0 },
  "rxsc-add": { op: "addRxSc", sci: peer, active: true },
  "rxsc-set": { op: "updateRxSc", sci: PEER_SCI, active: false },
  "rxsc-del": { op: "removeRxSc", sci: peer },
  "rxsa-add": { op: "addRxSa", sci: peer, sa: { an: 0, pn: 1, keyId: "02", key: KEY128 } },
  "rxsa-set": { op: "updateRxSa", sci: peer, sa: { an: 0, pn: 5, active: false } },
  "rxsa-del": { op: "removeRxSa", sci: PEER_SCI, an: 0 },
  "txsa-add-xpn": {
    op: "addTxSa",
    sa: { an: 1, pn: 4294967297n, ssci: 7, salt: Redacted.make(SALT), keyId: "03", key: KEY128 }
  },
  "rxsa-add-xpn": {
    op: "addRxSa",
    sci: peer,
    sa: { an: 2, pn: 5000000000n, ssci: 9, salt: SALT, keyId: "04", key: KEY128 }
  },
  "offload-off": { op: "setOffload", offload: "off" }
}

describe("macsec requests match ip macsec", () => {
  it("every case has our change", () => {
    expect(Object.keys(ours).sort()).toEqual(macsecCases.map((c) => c.name).sort())
  })
  for (const c of macsecCases) {
    it(`${c.name}: ${c.doc}`, () => {
      const fx = loadFixture(`macsec/${c.name}`)
      // deleting an active SA is refused (EBUSY) after the request was sent
      expect(fx.exitCode).toBe(c.name.endsWith("-del") && c.name !== "rxsc-del" ? 2 : 0)
      expect(fx.messages.length).toBe(1)
      const theirs = fx.messages[0].bytes
      const ifindex = new DataView(theirs.buffer, theirs.byteOffset).getUint32(16 + GENLMSGHDR + 4, true)
      expect(ifindex).toBe(IFINDEX)
      const mine = Macsec.buildRequest(fx.messages[0].type, ifindex, ours[c.name])
      expect(mine).not.toBeInstanceOf(NetlinkError)
      const m = mine as Uint8Array
      const a = nlmsgHeader(m)
      const b = nlmsgHeader(theirs)
      expect({ len: a.len, type: a.type, flags: a.flags }).toEqual({
        len: m.length,
        type: b.type,
        flags: b.flags
      })
      expect(a.len).toBe(b.len)
      // RXSC_CONFIG, SA_CONFIG and OFFLOAD are nests without NLA_F_NESTED, as ip sends them
      const nested = (path: ReadonlyArray<number>) => path.length === 1 && [2, 3, 9].includes(path[0])
      const ta = attributeTree(m, GENLMSGHDR, nested)
      const tb = attributeTree(theirs, GENLMSGHDR, nested)
      expect(ta.header).toBe(tb.header)
      expect(sorted(ta.attrs)).toEqual(sorted(tb.attrs))
    })
  }
})

describe("macsec changes that send nothing", () => {
  const bad = (c: unknown) => {
    const r = Macsec.buildRequest(0x20, IFINDEX, c as Macsec.Change)
    expect(r).toBeInstanceOf(NetlinkError)
    const e = r as NetlinkError
    expect(e.reason._tag).toBe("Validation")
    return e
  }
  const path = (c: unknown) => (bad(c).reason as any).path

  it("name the field", () => {
    expect(path({ op: "addTxSa", sa: { an: 4, pn: 1, keyId: "01", key: KEY128 } })).toBe("sa.an")
    expect(path({ op: "addTxSa", sa: { an: 0, pn: 0, keyId: "01", key: KEY128 } })).toBe("sa.pn")
    expect(path({ op: "addTxSa", sa: { an: 0, pn: 2 ** 32, keyId: "01", key: KEY128 } })).toBe("sa.pn")
    expect(path({ op: "addTxSa", sa: { an: 0, pn: 1, keyId: "0", key: KEY128 } })).toBe("sa.keyId")
    expect(path({ op: "addTxSa", sa: { an: 0, pn: 1, keyId: "01".repeat(17), key: KEY128 } })).toBe(
      "sa.keyId"
    )
    expect(path({ op: "addTxSa", sa: { an: 0, pn: 1n, keyId: "01", key: KEY128 } })).toBe("sa.ssci")
    expect(path({ op: "addTxSa", sa: { an: 0, pn: 1n, ssci: 1, keyId: "01", key: KEY128 } })).toBe("sa.salt")
    expect(path({ op: "addTxSa", sa: { an: 0, pn: 1, ssci: 1, keyId: "01", key: KEY128 } })).toBe("sa.pn")
    expect(path({ op: "addRxSc", sci: "c619528fe6a0" })).toBe("sci")
    expect(path({ op: "addRxSc", sci: { address: "c6:19", port: 1 } })).toBe("sci.address")
    expect(path({ op: "addRxSc", sci: { address: PEER, port: 70000 } })).toBe("sci.port")
    expect(path({ op: "updateRxSc", sci: PEER_SCI, active: "yes" })).toBe("active")
    expect(path({ op: "setOffload", offload: "nic" })).toBe("offload")
    expect(path({ op: "rekey" })).toBe("op")
  })

  it("never show a key or a salt", () => {
    const key = "9f".repeat(15) // one byte short
    const e = bad({ op: "addTxSa", sa: { an: 0, pn: 1, keyId: "01", key: Redacted.make(key) } })
    expect((e.reason as any).path).toBe("sa.key")
    expect(e.message).not.toContain("9f9f")
    expect(JSON.stringify(e)).not.toContain("9f9f")
    const s = bad({
      op: "addTxSa",
      sa: { an: 0, pn: 1n, ssci: 1, salt: "7e7e7e7e7e", keyId: "01", key: KEY128 }
    })
    expect((s.reason as any).path).toBe("sa.salt")
    expect(s.message).not.toContain("7e7e")
  })
})
