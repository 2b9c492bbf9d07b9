/**
 * `nlink macsec`: `ip macsec`'s words (src/api/parse/Macsec.ts) give the request `ip macsec`
 * sent for the same words (test/fixtures/golden/macsec, captured in the VM lane: the host
 * kernel has no macsec, and `ip macsec` asks for the genl family before it reads its words,
 * so its acceptance cannot be observed here: the refusals below are the ones ipmacsec.c
 * makes); keys stay redacted; `show` text.
 */
import { describe, expect, it } from "@effect/vitest"
import * as Redacted from "effect/Redacted"
import { isError } from "../../src/api/internal/Words.ts"
import * as Macsec from "../../src/api/Macsec.ts"
import { NetlinkError } from "../../src/runtime/NetlinkError.ts"
import { secyText } from "../../src/cli/macsec.ts"
import { KEY128, macsecCases, PEER } from "../golden/macsec-cases.ts"
import { type AttributeNode, attributeTree, loadFixture, nlmsgHeader } from "../golden/nlmsg.ts"

const GENLMSGHDR = 4
const IFINDEX = 3

const sorted = (nodes: ReadonlyArray<AttributeNode>): Array<AttributeNode> =>
  [...nodes]
    .map((n: any) => (n.nested === undefined ? n : { ...n, nested: sorted(n.nested) }))
    .sort((a, b) => a.type - b.type)

const pathOf = (e: unknown): string => {
  expect(e).toBeInstanceOf(NetlinkError)
  return ((e as NetlinkError).reason as { readonly path: string }).path
}

const PARSERS = {
  add: Macsec.parseAdd,
  set: Macsec.parseSet,
  del: Macsec.parseDel,
  offload: Macsec.parseOffload
} as const

const parseLine = (words: ReadonlyArray<string>) => {
  const [verb, ...rest] = words
  return PARSERS[verb as keyof typeof PARSERS](rest, `macsec ${verb}`)
}

describe("nlink macsec requests equal ip macsec's", () => {
  for (const c of macsecCases) {
    it(`ip macsec ${c.command.join(" ")}`, () => {
      const fx = loadFixture(`macsec/${c.name}`)
      const theirs = fx.messages[0]!.bytes
      const parsed = parseLine(c.command)
      if (isError(parsed)) expect.fail(pathOf(parsed))
      expect(parsed.dev).toBe("m0")
      const mine = Macsec.buildRequest(fx.messages[0]!.type, IFINDEX, parsed.change)
      if (mine instanceof NetlinkError) expect.fail(pathOf(mine))
      expect(nlmsgHeader(mine).len).toBe(mine.length)
      expect(nlmsgHeader(mine).type).toBe(nlmsgHeader(theirs).type)
      expect(nlmsgHeader(mine).flags).toBe(nlmsgHeader(theirs).flags)
      const nested = (path: ReadonlyArray<number>) => path.length === 1 && [2, 3, 9].includes(path[0]!)
      const ta = attributeTree(mine, GENLMSGHDR, nested)
      const tb = attributeTree(theirs, GENLMSGHDR, nested)
      expect(ta.header).toBe(tb.header)
      expect(sorted(ta.attrs)).toEqual(sorted(tb.attrs))
    })
  }
})

describe("ip macsec's words", () => {
  it("keeps the key and the salt redacted", () => {
    const r = Macsec.parseAdd(
      `m0 rx address ${PEER} port 1 sa 2 xpn 5000000000 ssci 9 salt 838383838383838383838383 on key 04 ${KEY128}`
    )
    if (isError(r)) expect.fail(pathOf(r))
    expect(r.change.op).toBe("addRxSa")
    const sa = (r.change as Extract<Macsec.Change, { op: "addRxSa" }>).sa
    expect(sa.pn).toBe(5000000000n)
    expect(Redacted.isRedacted(sa.key)).toBe(true)
    expect(Redacted.value(sa.key as Redacted.Redacted<string>)).toBe(KEY128)
    const json = JSON.stringify(r, (_k, v) => (typeof v === "bigint" ? String(v) : v))
    expect(json).not.toContain(KEY128)
    expect(json).not.toContain("838383838383838383838383")
    expect(String(sa.key)).not.toContain(KEY128)
    expect((r.change as any).sci).toEqual({ address: PEER, port: 1 })
  })
  it("an RX SC by sci, and its state", () => {
    expect(Macsec.parseSet("m0 rx sci c619528fe6a00001 on")).toEqual({
      dev: "m0",
      change: { op: "updateRxSc", sci: "c619528fe6a00001", active: true }
    })
    expect(Macsec.parseOffload("m0 phy")).toEqual({ dev: "m0", change: { op: "setOffload", offload: "phy" } })
  })
  const REFUSED: ReadonlyArray<readonly [keyof typeof PARSERS, string, string]> = [
    ["add", `m0 tx sa 0 on key 01 ${KEY128}`, "pn"], // "must specify a packet number != 0"
    ["add", "m0 tx sa 0 pn 1 on", "key"], // "cannot create SA without key"
    ["set", `m0 tx sa 0 pn 1 key 01 ${KEY128}`, "key"], // "cannot change key on SA"
    ["add", `m0 tx sa 4 pn 1 key 01 ${KEY128}`, "sa"],
    ["add", `m0 tx sa 0 pn 0 key 01 ${KEY128}`, "pn"],
    ["add", "m0 tx sa 0 pn 1 key 01 8181", "key"],
    ["add", "m0 rx port 1 on", "address"],
    ["add", "m0 rx address 02:00:00:00:00:01 port 0", "port"],
    ["add", "m0 rx sci xyz", "sci"],
    ["add", "m0 bogus", "bogus"],
    ["offload", "m0 sideways", "offload"]
  ]
  for (const [verb, words, keyword] of REFUSED)
    it(`refuses ip macsec ${verb} ${words}`, () => {
      const r = PARSERS[verb](words, `macsec ${verb}`)
      expect(pathOf(r)).toBe(`macsec ${verb}: ${keyword}`)
      if (words.includes(KEY128)) expect(((r as NetlinkError).reason as any).message).not.toContain(KEY128)
    })
})

describe("nlink macsec show text", () => {
  it("prints key identifiers, never keys", () => {
    const sa = { an: 0, active: true, pn: 1, keyId: "01000000000000000000000000000000", status: {} }
    const text = secyText({
      dev: "m0",
      index: 4,
      sci: "020000000001000f",
      cipher: "gcm-aes-128",
      icvlen: 16,
      encodingsa: 0,
      encrypt: true,
      protect: true,
      replay: false,
      window: 0,
      validate: "strict",
      sendSci: true,
      endStation: false,
      scb: false,
      offload: "off",
      txSas: [sa],
      rxScs: [{ sci: "c619528fe6a00001", active: true, sas: [{ ...sa, keyId: "02" }], status: {} }],
      status: { operational: true, txSc: {}, secy: {} }
    })
    expect(text).toBe(
      [
        "4: m0: protect on validate strict sc off sa off encrypt on send_sci on end_station off scb off replay off",
        "    cipher suite: GCM-AES-128, using ICV length 16",
        "    TXSC: 020000000001000f on SA 0",
        "        0: PN 1, state on, key 01000000000000000000000000000000",
        "    RXSC: c619528fe6a00001, state on",
        "        0: PN 1, state on, key 02",
        "    offload: off"
      ].join("\n")
    )
  })
})
