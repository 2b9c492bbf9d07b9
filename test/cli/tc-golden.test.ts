/**
 * The tc command lines of every golden fixture (test/fixtures/golden/tc-*.json, tcf-*.json:
 * the words `tc` itself was run with, and the request it sent) read by nlink's tc parsers
 * (src/api/parse/tc) and built into requests by the library: each request must equal tc's —
 * header, and the attribute tree with every nest opened, down to the rate tables' bytes.
 */
import { describe, expect, it } from "@effect/vitest"
import * as Action from "../../src/api/Action.ts"
import * as Chain from "../../src/api/Chain.ts"
import * as Class from "../../src/api/Class.ts"
import * as Filter from "../../src/api/Filter.ts"
import { isError } from "../../src/api/internal/Words.ts"
import * as TcAction from "../../src/api/parse/tc/Action.ts"
import * as TcClass from "../../src/api/parse/tc/Class.ts"
import * as TcChain from "../../src/api/parse/tc/Chain.ts"
import * as TcFilter from "../../src/api/parse/tc/Filter.ts"
import * as TcQdisc from "../../src/api/parse/tc/Qdisc.ts"
import * as Qdisc from "../../src/api/Qdisc.ts"
import { classKinds, qdiscKinds } from "../../src/api/tc/registry.ts"
import { decodeQdiscMessage } from "../../src/generated/tc/index.ts"
import { fixtureNames, loadFixture, NLM_F_ACK, nlmsgHeader } from "../golden/nlmsg.ts"

const IFINDEX = 3 // d0 in the capture namespace
const DEVICES = { d1: 2 } // its peer
// the IP sets tcf-ipset-basic's setup created (indexes in creation order)
const SETS = new Map([
  ["nlset0", 0],
  ["nlblk", 1]
])

interface Node {
  readonly type: number
  readonly flags: number
  readonly hex?: string
  readonly nested?: ReadonlyArray<Node>
}

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex")

// a payload that is exactly a run of well-formed attributes is opened (children sorted), so the
// order tc and nlink write them in does not matter; anything else compares byte for byte
const attrs = (b: Uint8Array): ReadonlyArray<Node> | undefined => {
  const out: Array<Node> = []
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength)
  let off = 0
  if (b.length < 4) return undefined
  while (off < b.length) {
    if (b.length - off < 4) return undefined
    const len = dv.getUint16(off, true)
    const type = dv.getUint16(off + 2, true)
    if (len < 4 || off + len > b.length) return undefined
    const payload = b.subarray(off + 4, off + len)
    const nested = payload.length >= 4 ? attrs(payload) : undefined
    out.push(
      nested === undefined
        ? { type: type & 0x3fff, flags: type & 0xc000, hex: hex(payload) }
        : { type: type & 0x3fff, flags: type & 0xc000, nested }
    )
    off += (len + 3) & ~3
  }
  return out.sort((x, y) => x.type - y.type || (JSON.stringify(x) < JSON.stringify(y) ? -1 : 1))
}

const tree = (msg: Uint8Array, fixed: number) => ({
  header: hex(msg.subarray(16, 16 + fixed)),
  attrs: attrs(msg.subarray(16 + fixed)) ?? hex(msg.subarray(16 + fixed))
})

// a qdisc's or class's TCA_OPTIONS may be a struct with attributes after it (netem): compared
// decoded, field by field, by the kind's own decoder
const qdiscOptions = (msg: Uint8Array, isClass: boolean) => {
  const m = decodeQdiscMessage(msg, new DataView(msg.buffer, msg.byteOffset, msg.byteLength), 16, msg.length)
  const o = m.options
  const k = (isClass ? classKinds : qdiscKinds).find((k) => k.kind === m.kind)
  if (o === undefined || k === undefined) return o
  return k.decode(o, new DataView(o.buffer, o.byteOffset, o.byteLength), 0, o.length)
}

const expectSame = (ours: Uint8Array, theirs: Uint8Array, object: string) => {
  const a = nlmsgHeader(ours)
  const b = nlmsgHeader(theirs)
  expect(a.len).toBe(ours.length)
  expect(a.type).toBe(b.type)
  expect(a.flags | NLM_F_ACK).toBe(b.flags | NLM_F_ACK)
  const fixed = object === "action" || object === "actions" ? 4 : 20
  if (object === "qdisc" || object === "class") {
    const t = (m: Uint8Array) => {
      const { header, attrs: all } = tree(m, fixed)
      return { header, attrs: typeof all === "string" ? all : all.filter((n) => n.type !== 2) }
    }
    expect(t(ours)).toEqual(t(theirs))
    expect(qdiscOptions(ours, object === "class")).toEqual(qdiscOptions(theirs, object === "class"))
  } else expect(tree(ours, fixed)).toEqual(tree(theirs, fixed))
}

const ok = <A>(r: A): Exclude<A, { readonly _tag: "NetlinkError" }> => {
  if (isError(r)) throw new Error(`parse failed: ${JSON.stringify((r as any).reason)}`)
  return r as any
}

type Verb = "add" | "replace" | "change" | "remove"
const verbOf = (v: string): Verb | "get" => (v === "del" || v === "delete" ? "remove" : (v as Verb | "get"))

/** The request nlink builds for one tc command line (the words after `tc`). */
const requestFor = (command: ReadonlyArray<string>): Uint8Array => {
  const [object, verbWord, ...rest] = command
  const verb = verbOf(verbWord!)
  switch (object) {
    case "qdisc": {
      const q = ok(TcQdisc.parseWords(rest, `qdisc ${verbWord}`))
      // a delete without a kind sends none: any kind stands in
      return Qdisc.request(verb as Verb, { kind: "pfifo", ...q } as Qdisc.Qdisc, IFINDEX)
    }
    case "class": {
      const c = ok(TcClass.parseWords(rest, `class ${verbWord}`))
      return Class.request(verb as Verb, { kind: "htb", options: { rate: 1 }, ...c } as Class.Class, IFINDEX)
    }
    case "filter": {
      const f = ok(TcFilter.parseWords(rest, `filter ${verbWord}`))
      return Filter.request(verb as Verb, f as Filter.Filter, IFINDEX, DEVICES, SETS)
    }
    case "chain":
      return Chain.request(verb as "add" | "remove", ok(TcChain.parse(rest)), IFINDEX)
    case "action":
    case "actions": {
      const as = ok(TcAction.parseActions(rest, `action ${verbWord}`, verb !== "add" && verb !== "replace"))
      return Action.request(verb as "add" | "replace" | "remove" | "get", as, DEVICES)
    }
  }
  throw new Error(`not a tc object: ${object}`)
}

// fixtures whose command is not one request nlink builds from these words
const OTHER: Readonly<Record<string, string>> = {
  "tc-gred-setup": "gred is not a library kind (a multi-request add)",
  "tc-gred-vq": "gred is not a library kind (a multi-request add)",
  "tcf-action-flush": "flush: Action.flush (a kind, no words)",
  "tcf-flush": "flush: Filter.flush (tc filter del dev D parent P, without pref)"
}

// tc 6.1 sends something other than what its words say for these (the library's golden tests
// document each): the words are checked to give the object the words mean instead
const QUIRKS: Readonly<Record<string, readonly [string, unknown]>> = {
  "tcf-a2-ct-plain": [
    "tc 6.1 gives the trailing `index 29` to a gact of its own",
    [{ kind: "ct", index: 29, options: { zone: 3, action: "pipe" } }]
  ],
  "tcf-a2-simple": [
    "tc 6.1 sends a 32-byte buffer after the text",
    [{ kind: "simple", index: 43, options: { sdata: "hello" } }]
  ],
  "tcf-matchall-two-actions": [
    "tc 6.1 repeats a cookie on every action after the one it follows",
    {
      dev: "d0",
      parent: "ingress",
      priority: 6,
      kind: "matchall",
      actions: [
        { kind: "gact", index: 7, cookie: "aabbcc", options: { action: "pass" } },
        { kind: "mirred", options: { direction: "egress", mode: "mirror", dev: "d1" } }
      ]
    }
  ]
}

// nlink sends the defaults tc leaves out for these, so that a replace sets exactly the object
// written (the kernel's defaults for a new object, so the same meaning): those attributes
// (type and payload, among the action's options) are dropped from nlink's request before comparing
const DEFAULTS_SENT: Readonly<Record<string, readonly [string, ReadonlyArray<readonly [number, string]>]>> = {
  "tcf-a3-gate-plain": [
    "gate's priority -1, base time 0, cycle time extension 0, clock TAI",
    [
      [4, "ffffffff"],
      [6, "0000000000000000"],
      [8, "0000000000000000"],
      [10, "0b000000"]
    ]
  ]
}

// the attributes in an action's TCA_ACT_OPTIONS: TCA_ACT_TAB > action N > TCA_ACT_OPTIONS > here
const OPTIONS_DEPTH = 3

const without = (
  nodes: ReadonlyArray<Node>,
  drop: ReadonlyArray<readonly [number, string]>,
  depth = 0
): ReadonlyArray<Node> =>
  nodes
    .filter((n) => depth !== OPTIONS_DEPTH || !drop.some(([type, h]) => n.type === type && n.hex === h))
    .map((n) => (n.nested === undefined ? n : { ...n, nested: without(n.nested, drop, depth + 1) }))

const parsed = (command: ReadonlyArray<string>): unknown => {
  const [object, verbWord, ...rest] = command
  return object === "filter"
    ? ok(TcFilter.parseWords(rest, `filter ${verbWord}`))
    : ok(TcAction.parseActions(rest, `action ${verbWord}`))
}

const tcFixtures = fixtureNames().filter((n) => n.startsWith("tc-") || n.startsWith("tcf-"))

describe("nlink's tc parsers build the request tc sent for the same words", () => {
  it("covers every tc fixture", () => {
    expect(tcFixtures.length).toBeGreaterThan(100)
  })
  for (const name of tcFixtures) {
    const fx = loadFixture(name)
    if (OTHER[name] !== undefined || fx.messages.length !== 1) continue
    const quirk = QUIRKS[name]
    if (quirk !== undefined) {
      it(`tc ${fx.command.join(" ")} (${quirk[0]})`, () => {
        expect(parsed(fx.command)).toEqual(quirk[1])
      })
      continue
    }
    const defaults = DEFAULTS_SENT[name]
    if (defaults !== undefined) {
      it(`tc ${fx.command.join(" ")} (nlink also sends ${defaults[0]})`, () => {
        const request = requestFor(fx.command)
        expect(nlmsgHeader(request).type).toBe(nlmsgHeader(fx.messages[0]!.bytes).type)
        const ours = tree(request, 4)
        const theirs = tree(fx.messages[0]!.bytes, 4)
        expect(typeof ours.attrs).not.toBe("string")
        expect({ ...ours, attrs: without(ours.attrs as ReadonlyArray<Node>, defaults[1]) }).toEqual(theirs)
        // and each dropped attribute was there to drop
        const count = (ns: ReadonlyArray<Node>): number =>
          ns.reduce((a, n) => a + 1 + (n.nested === undefined ? 0 : count(n.nested)), 0)
        expect(count(ours.attrs as ReadonlyArray<Node>) - count(theirs.attrs as ReadonlyArray<Node>)).toBe(
          defaults[1].length
        )
      })
      continue
    }
    it(`tc ${fx.command.join(" ")}`, () => {
      const theirs = fx.messages[0]!.bytes
      expectSame(requestFor(fx.command), theirs, fx.command[0]!)
    })
  }
})
